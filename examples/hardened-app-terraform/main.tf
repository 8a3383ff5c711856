# The hardened Terraform twin of ../vulnerable-app-terraform (and of the SAM app
# ../hardened-app): the same order service, written so that faasguard scans it clean.

variable "alert_email" {
  default = "security@example.com"
}

locals {
  prefix = "orders-hardened"
  environment = {
    TABLE_NAME = aws_dynamodb_table.orders.name
    LOG_LEVEL  = "INFO"
  }
  # One function per handler, each with a role allowed only what its code does.
  functions = {
    get_order = {
      handler     = "orders.get_order"
      environment = {}
      statements = [
        { Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = aws_dynamodb_table.orders.arn },
      ]
    }
    delete_order = {
      handler     = "orders.delete_order"
      environment = {}
      statements = [
        { Effect = "Allow", Action = ["dynamodb:DeleteItem"], Resource = aws_dynamodb_table.orders.arn },
      ]
    }
    thumbnail = {
      handler     = "thumbnail.handler"
      environment = { THUMBS_BUCKET = aws_s3_bucket.thumbs.bucket }
      statements = [
        { Effect = "Allow", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.uploads.arn}/*" },
        { Effect = "Allow", Action = ["s3:PutObject"], Resource = "${aws_s3_bucket.thumbs.arn}/*" },
        { Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = aws_kms_key.data.arn },
      ]
    }
    importer = {
      handler     = "importer.handler"
      environment = {}
      statements = [
        { Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = aws_sqs_queue.imports.arn },
      ]
    }
  }
}

data "aws_caller_identity" "current" {}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
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

resource "aws_iam_role" "fn" {
  for_each           = local.functions
  name               = "${local.prefix}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

resource "aws_iam_role_policy" "fn" {
  for_each = local.functions
  role     = aws_iam_role.fn[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = each.value.statements
  })
}

resource "aws_lambda_function" "fn" {
  for_each                       = local.functions
  function_name                  = "${local.prefix}-${each.key}"
  filename                       = data.archive_file.code.output_path
  handler                        = each.value.handler
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = 20
  kms_key_arn                    = aws_kms_key.data.arn
  role                           = aws_iam_role.fn[each.key].arn
  tracing_config {
    mode = "Active"
  }
  environment {
    variables = merge(local.environment, each.value.environment)
  }
}

resource "aws_lambda_function_event_invoke_config" "thumbnail" {
  function_name = aws_lambda_function.fn["thumbnail"].function_name
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed_events.arn
    }
  }
}

resource "aws_cloudwatch_log_group" "fn" {
  for_each          = local.functions
  name              = "/aws/lambda/${aws_lambda_function.fn[each.key].function_name}"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.data.arn
}
