# Event sources: uploads, imports and a schedule.
resource "aws_s3_bucket" "uploads" {
  bucket = "orders-uploads-vulnerable"
}

resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.fn["thumbnail"].arn
    events              = ["s3:ObjectCreated:*"]
  }
}

resource "aws_lambda_permission" "uploads" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fn["thumbnail"].function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.uploads.arn
}

resource "aws_lambda_event_source_mapping" "imports" {
  event_source_arn = aws_sqs_queue.imports.arn
  function_name    = aws_lambda_function.fn["importer"].arn
}

resource "aws_cloudwatch_event_rule" "report" {
  name                = "${local.prefix}-report"
  schedule_expression = "rate(1 hour)"
}

resource "aws_cloudwatch_event_target" "report" {
  rule = aws_cloudwatch_event_rule.report.name
  arn  = aws_lambda_function.fn["report"].arn
}
