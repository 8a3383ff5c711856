# Event sources, each with a concurrency cap and a place for failed events.
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.fn["thumbnail"].arn
    events              = ["s3:ObjectCreated:*"]
  }
}

resource "aws_lambda_permission" "uploads" {
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.fn["thumbnail"].function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.uploads.arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_lambda_event_source_mapping" "imports" {
  event_source_arn = aws_sqs_queue.imports.arn
  function_name    = aws_lambda_function.fn["importer"].arn
  batch_size       = 10
  scaling_config {
    maximum_concurrency = 5
  }
}
