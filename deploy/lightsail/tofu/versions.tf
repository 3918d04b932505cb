# OpenTofu 1.8+ (or Terraform 1.6+) and the AWS provider at exactly one version: a newer provider is
# a reviewed change of this line, never something `tofu init` picks by itself.
terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "= 5.100.0"
    }
  }
}

# Credentials come from the environment (AWS_PROFILE, or AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY), never from these files.
provider "aws" {
  region = var.aws_region
}
