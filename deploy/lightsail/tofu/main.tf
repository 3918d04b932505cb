# One Lightsail instance running FountainAI with docker compose (deploy/lightsail/user-data.yaml),
# behind a static IP, with only HTTP and HTTPS open; a bucket for the nightly backups, which the
# instance reaches without an access key; optionally a managed database and the DNS record.

locals {
  # Ubuntu 24.04 LTS, the system user-data.yaml is written for.
  blueprint_id = "ubuntu_24_04"
  fqdn_parts   = var.dns_zone == "" ? [] : split(".", trimsuffix(var.domain, ".${var.dns_zone}"))
}

resource "aws_lightsail_instance" "fountainai" {
  name              = var.name
  availability_zone = var.availability_zone
  blueprint_id      = local.blueprint_id
  bundle_id         = var.bundle_id
  user_data = templatefile("${path.module}/../user-data.yaml", {
    repo_url         = var.repo_url
    release_tag      = var.release_tag
    release_commit   = var.release_commit
    domain           = var.domain
    acme_email       = var.acme_email
    backup_bucket    = aws_lightsail_bucket.backups.name
    aws_region       = var.aws_region
    backup_keep_days = var.backup_keep_days
  })

  lifecycle {
    # user_data runs at first boot only, and changing it would replace the instance with its
    # database: upgrades happen on the host (README, Upgrades), not by a new release_tag here.
    ignore_changes = [user_data]
  }
}

resource "aws_lightsail_static_ip" "fountainai" {
  name = "${var.name}-ip"
}

# Free while it is attached to a running instance.
resource "aws_lightsail_static_ip_attachment" "fountainai" {
  static_ip_name = aws_lightsail_static_ip.fountainai.name
  instance_name  = aws_lightsail_instance.fountainai.name
}

# The firewall: this list replaces Lightsail's defaults (which open 22). Only Caddy listens on 80
# and 443; port 22 is opened only when ssh_cidrs or ssh_browser ask for it.
resource "aws_lightsail_instance_public_ports" "fountainai" {
  instance_name = aws_lightsail_instance.fountainai.name

  port_info {
    protocol   = "tcp"
    from_port  = 80
    to_port    = 80
    cidrs      = ["0.0.0.0/0"]
    ipv6_cidrs = ["::/0"]
  }

  port_info {
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
    cidrs      = ["0.0.0.0/0"]
    ipv6_cidrs = ["::/0"]
  }

  dynamic "port_info" {
    for_each = length(var.ssh_cidrs) > 0 || var.ssh_browser ? [22] : []
    content {
      protocol          = "tcp"
      from_port         = port_info.value
      to_port           = port_info.value
      cidrs             = var.ssh_cidrs
      cidr_list_aliases = var.ssh_browser ? ["lightsail-connect"] : []
    }
  }
}

resource "aws_lightsail_bucket" "backups" {
  name      = var.backup_bucket_name
  bundle_id = var.backup_bucket_bundle_id
}

# The instance reads and writes the bucket with credentials Lightsail gives it through the instance
# metadata, so no access key is made here, stored in the state or written on the host.
resource "aws_lightsail_bucket_resource_access" "backups" {
  bucket_name   = aws_lightsail_bucket.backups.name
  resource_name = aws_lightsail_instance.fountainai.name
}

resource "aws_lightsail_database" "fountainai" {
  count                    = var.managed_database ? 1 : 0
  relational_database_name = "${var.name}-db"
  availability_zone        = var.availability_zone
  blueprint_id             = var.database_blueprint_id
  bundle_id                = var.database_bundle_id
  master_database_name     = "fountain"
  master_username          = "fountain"
  master_password          = var.database_master_password
  publicly_accessible      = false
  backup_retention_enabled = true
  skip_final_snapshot      = false
  final_snapshot_name      = "${var.name}-db-final"
  apply_immediately        = true
}

resource "aws_lightsail_domain_entry" "fountainai" {
  count       = var.dns_zone == "" ? 0 : 1
  domain_name = var.dns_zone
  name        = join(".", local.fqdn_parts)
  type        = "A"
  target      = aws_lightsail_static_ip.fountainai.ip_address
}
