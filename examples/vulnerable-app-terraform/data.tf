# Stores without encryption, and a secret written into the configuration.
resource "aws_dynamodb_table" "orders" {
  name         = "${local.prefix}-orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "imports" {
  sqs_managed_sse_enabled = false
}

resource "aws_sns_topic" "notify" {
}

resource "aws_s3_bucket" "exports" {
}

resource "aws_secretsmanager_secret" "api" {
}

resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = "{\"password\": \"correct-horse-battery-staple\"}"
}

# the reports shared with partners, made public by its configuration: a public-read ACL
resource "aws_s3_bucket" "partner_reports" {
  bucket = "orders-partner-reports-vulnerable"
}

resource "aws_s3_bucket_acl" "partner_reports" {
  bucket = aws_s3_bucket.partner_reports.id
  acl    = "public-read"
}
