output "static_ip" {
  description = "Address the domain's A record points at."
  value       = aws_lightsail_static_ip.fountainai.ip_address
}

output "instance_name" {
  description = "Lightsail instance, for the console and `aws lightsail` commands."
  value       = aws_lightsail_instance.fountainai.name
}

output "backup_bucket" {
  description = "Bucket the nightly backups go to."
  value       = aws_lightsail_bucket.backups.name
}

output "database_url" {
  description = "URL of the managed database for FOUNTAIN_DATABASE_URL and DATABASE_URL on the host (README)."
  value       = var.managed_database ? "postgres://fountain:${var.database_master_password}@${aws_lightsail_database.fountainai[0].master_endpoint_address}:${aws_lightsail_database.fountainai[0].master_endpoint_port}/fountain?sslmode=require" : null
  sensitive   = true
}
