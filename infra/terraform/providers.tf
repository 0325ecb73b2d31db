provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kubeconfig_context
}

provider "helm" {
  kubernetes {
    config_path    = var.kubeconfig_path
    config_context = var.kubeconfig_context
  }
}

# Only used when object_store = "s3". In "minio" mode no AWS API is called, so the provider
# is given placeholder credentials and told to skip every check that would reach AWS.
provider "aws" {
  region                      = var.aws_region
  access_key                  = var.object_store == "s3" ? null : "unused"
  secret_key                  = var.object_store == "s3" ? null : "unused"
  skip_credentials_validation = var.object_store != "s3"
  skip_requesting_account_id  = var.object_store != "s3"
  skip_region_validation      = var.object_store != "s3"

  default_tags {
    tags = var.aws_tags
  }
}
