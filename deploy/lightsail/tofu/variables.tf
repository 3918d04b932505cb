# Everything a deployment chooses. Settings that are not secret may have defaults; secrets have none
# and come from the environment only (TF_VAR_<name>). deploy/lightsail/lightsail_test.go checks both.

variable "aws_region" {
  description = "Lightsail region; Frankfurt by default."
  type        = string
  default     = "eu-central-1"
}

variable "availability_zone" {
  description = "Availability zone of the instance and the managed database."
  type        = string
  default     = "eu-central-1a"
}

variable "name" {
  description = "Name of the instance, its static IP and the managed database."
  type        = string
  default     = "fountainai"
}

variable "bundle_id" {
  description = "Instance plan: medium_3_0 is 2 vCPUs, 4 GB memory, 80 GB SSD, 4 TB transfer (README, costs)."
  type        = string
  default     = "medium_3_0"
}

variable "domain" {
  description = "Host name the API is served at, e.g. api.example.com; Caddy gets its certificate."
  type        = string
}

variable "acme_email" {
  description = "Address Let's Encrypt writes to about the certificate."
  type        = string
}

variable "repo_url" {
  description = "Git repository the release is fetched from."
  type        = string
  default     = "https://github.com/fountainai/fountainai.git"
}

variable "release_tag" {
  description = "Release tag the host runs, e.g. v2.3.0."
  type        = string
}

variable "release_commit" {
  description = "Commit the release tag must point at (40 hex digits); the host refuses anything else."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{40}$", var.release_commit))
    error_message = "release_commit is the full commit hash of the release tag."
  }
}

variable "ssh_cidrs" {
  description = "Networks allowed to reach SSH (port 22); none by default."
  type        = list(string)
  default     = []
}

variable "ssh_browser" {
  description = "Open port 22 to Lightsail's browser-based SSH only (the console's Connect button)."
  type        = bool
  default     = false
}

variable "backup_bucket_name" {
  description = "Name of the Lightsail bucket for the nightly backups (unique across all of AWS)."
  type        = string
}

variable "backup_bucket_bundle_id" {
  description = "Bucket plan: small_1_0 is 5 GB of storage and 25 GB of transfer."
  type        = string
  default     = "small_1_0"
}

variable "backup_keep_days" {
  description = "Days a nightly backup is kept, on the host and in the bucket."
  type        = number
  default     = 14
}

variable "dns_zone" {
  description = "Lightsail DNS zone holding domain (e.g. example.com); empty: DNS is managed elsewhere."
  type        = string
  default     = ""
}

variable "managed_database" {
  description = "Create a Lightsail managed PostgreSQL database (README: when to, and how to switch to it)."
  type        = bool
  default     = false
}

variable "database_bundle_id" {
  description = "Managed database plan: micro_2_0 is 1 GB memory, 40 GB storage."
  type        = string
  default     = "micro_2_0"
}

variable "database_blueprint_id" {
  description = "Managed database engine; PostgreSQL 15, as docker-compose.yml runs."
  type        = string
  default     = "postgres_15"
}

variable "database_master_password" {
  description = "Master password of the managed database; from TF_VAR_database_master_password only. Unused without managed_database."
  type        = string
  sensitive   = true
  validation {
    condition     = length(var.database_master_password) >= 16 && can(regex("^[0-9A-Za-z]+$", var.database_master_password))
    error_message = "database_master_password needs 16 or more letters and digits (it goes into a URL), e.g. openssl rand -hex 24."
  }
}
