# Offline AWS provider settings for making real plans with no credentials.
# tools/terraform/plan.sh copies this file into every root it plans (as
# zz_offline_provider.tf), so fixtures and examples must not declare their
# own provider "aws" block. The version is pinned: committed plans are
# compared field by field (tools/make_plans.py --check), so a different
# provider would show up as a difference in every plan.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

provider "aws" {
  region                      = "ap-northeast-2"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
