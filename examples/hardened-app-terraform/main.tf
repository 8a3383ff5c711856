# The hardened Terraform twin of ../vulnerable-app-terraform (and of the SAM app
# ../hardened-app): the same order service, written so that faasguard scans it clean.

variable "alert_email" {
  default = "security@example.com"
}

locals {
  prefix = "orders-hardened"
  functions = {
    get_order    = { handler = "orders.get_order", policy = "read" }
    delete_order = { handler = "orders.delete_order", policy = "crud" }
  }
}

data "aws_caller_identity" "current" {}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_kms_key" "data" {
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdmin"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# One role per function, each allowed only what its code does.
resource "aws_iam_role" "get_order" {
  name               = "${local.prefix}-get-order"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "get_order" {
  role = aws_iam_role.get_order.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem"]
      Resource = aws_dynamodb_table.orders.arn
    }]
  })
}

resource "aws_iam_role" "delete_order" {
  name               = "${local.prefix}-delete-order"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "delete_order" {
  role = aws_iam_role.delete_order.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:DeleteItem"]
      Resource = aws_dynamodb_table.orders.arn
    }]
  })
}

resource "aws_iam_role" "thumbnail" {
  name               = "${local.prefix}-thumbnail"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "thumbnail" {
  role = aws_iam_role.thumbnail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.uploads.arn}/*" },
      { Effect = "Allow", Action = ["s3:PutObject"], Resource = "${aws_s3_bucket.thumbs.arn}/*" },
      { Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = aws_kms_key.data.arn },
    ]
  })
}

resource "aws_iam_role" "importer" {
  name               = "${local.prefix}-importer"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "importer" {
  role = aws_iam_role.importer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      Resource = aws_sqs_queue.imports.arn
    }]
  })
}

resource "aws_lambda_function" "get_order" {
  function_name                  = "${local.prefix}-get-order"
  filename                       = data.archive_file.code.output_path
  handler                        = "orders.get_order"
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.data.arn
  role                           = aws_iam_role.get_order.arn
  tracing_config {
    mode = "Active"
  }
  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      LOG_LEVEL  = "INFO"
    }
  }
}

resource "aws_lambda_function" "delete_order" {
  function_name                  = "${local.prefix}-delete-order"
  filename                       = data.archive_file.code.output_path
  handler                        = "orders.delete_order"
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.data.arn
  role                           = aws_iam_role.delete_order.arn
  tracing_config {
    mode = "Active"
  }
  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      LOG_LEVEL  = "INFO"
    }
  }
}

resource "aws_lambda_function" "thumbnail" {
  function_name                  = "${local.prefix}-thumbnail"
  filename                       = data.archive_file.code.output_path
  handler                        = "thumbnail.handler"
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.data.arn
  role                           = aws_iam_role.thumbnail.arn
  tracing_config {
    mode = "Active"
  }
  environment {
    variables = {
      TABLE_NAME    = aws_dynamodb_table.orders.name
      THUMBS_BUCKET = aws_s3_bucket.thumbs.bucket
      LOG_LEVEL     = "INFO"
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "thumbnail" {
  function_name = aws_lambda_function.thumbnail.function_name
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed_events.arn
    }
  }
}

resource "aws_lambda_function" "importer" {
  function_name                  = "${local.prefix}-importer"
  filename                       = data.archive_file.code.output_path
  handler                        = "importer.handler"
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.data.arn
  role                           = aws_iam_role.importer.arn
  tracing_config {
    mode = "Active"
  }
  environment {
    variables = {
      TABLE_NAME = aws_dynamodb_table.orders.name
      LOG_LEVEL  = "INFO"
    }
  }
}

resource "aws_cloudwatch_log_group" "get_order" {
  name              = "/aws/lambda/${aws_lambda_function.get_order.function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.data.arn
}

resource "aws_cloudwatch_log_group" "delete_order" {
  name              = "/aws/lambda/${aws_lambda_function.delete_order.function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.data.arn
}

resource "aws_cloudwatch_log_group" "thumbnail" {
  name              = "/aws/lambda/${aws_lambda_function.thumbnail.function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.data.arn
}

resource "aws_cloudwatch_log_group" "importer" {
  name              = "/aws/lambda/${aws_lambda_function.importer.function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.data.arn
}
