variable "bucket_name" {
  description = "Globally unique bucket name."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key ARN for SSE-KMS; null uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

variable "noncurrent_version_days" {
  description = "Days a replaced or deleted object version is kept (guards against accidental deletes)."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete a non-empty bucket. Keep false outside test accounts."
  type        = bool
  default     = false
}
