output "bucket" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "iam_policy_json" {
  description = "IAM policy granting the jobs and the catalog read/write on the bucket (attach to the IRSA role)."
  value       = data.aws_iam_policy_document.access.json
}
