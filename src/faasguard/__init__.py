"""faasguard: secures serverless applications (AWS Lambda first).

Three parts: `faasguard scan` (static analysis of templates and handler code),
`faasguard.runtime.guard` (a decorator that protects a running handler) and
`faasguard monitor` (detections over Lambda, API Gateway and CloudTrail logs).
"""

__version__ = "0.1.0"
