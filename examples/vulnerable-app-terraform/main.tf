# A deliberately vulnerable Terraform app: the Terraform twin of ../vulnerable-app
# (serverless.yml). Every threat faasguard covers is planted here on purpose. Do not
# deploy it. Its hardened twin is ../hardened-app-terraform.

variable "stage" {
  default = "prod"
}

locals {
  service = "orders-vulnerable"
  prefix  = "${local.service}-${var.stage}"
  environment = {
    TABLE_NAME      = "${local.prefix}-orders"
    DB_PASSWORD     = "hunter2-prod-Passw0rd"
    STRIPE_KEY      = "sk_live_51HqLyjWDarjtT1zdp7dcXBVJ8"
    PARTNER_WEBHOOK = "http://partner.example.com/hooks/orders"
    LOG_LEVEL       = "DEBUG"
    STAGE           = var.stage
  }
  functions = {
    getOrder    = "orders.get_order"
    deleteOrder = "orders.delete_order"
    search      = "search.handler"
    proxy       = "proxy.handler"
    thumbnail   = "thumbnail.handler"
    importer    = "importer.handler"
    report      = "report.handler"
  }
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

# One role for every function, allowed to do anything.
resource "aws_iam_role" "lambda" {
  name = "${local.prefix}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "lambda" {
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Allow", Action = ["dynamodb:*"], Resource = "*" },
    ]
  })
}

# Seven functions, one per handler, all sharing the role and the settings above.
resource "aws_lambda_function" "fn" {
  for_each      = local.functions
  function_name = "${local.prefix}-${each.key}"
  filename      = data.archive_file.code.output_path
  handler       = each.value
  runtime       = "python3.8"
  memory_size   = 3008
  timeout       = 900
  role          = aws_iam_role.lambda.arn
  layers        = ["arn:aws:lambda:us-east-1:999999999999:layer:shared-utils:3"]
  environment {
    variables = local.environment
  }
}

# The proxy is also reachable through a function URL nobody has to sign in to.
resource "aws_lambda_function_url" "proxy" {
  function_name      = aws_lambda_function.fn["proxy"].function_name
  authorization_type = "NONE"
}

# ...which AWS opens to callers only with this permission (Terraform adds none itself).
resource "aws_lambda_permission" "proxy_url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.fn["proxy"].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
