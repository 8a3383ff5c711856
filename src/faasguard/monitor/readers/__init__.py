"""One reader per log format; `dispatch` decides which one reads a line or record.

lambda_text (Lambda's text format), lambda_json (its JSON platform records), app_json
(structured application lines and guard events), apigw (access logs), cloudtrail
(CloudTrail records), cwlogs (CloudWatch Logs subscription payloads, API output and S3
exports). Files are opened and streamed by `faasguard.monitor.read`.
"""
