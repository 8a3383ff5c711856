"""Broken authentication: routes, function URLs and resource policies anyone can call."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, logical_id


@rule(
    "FG-AUTH-001",
    "Function URL without authentication",
    threat="auth",
    severity="high",
    description="""
A Lambda function URL with `AuthType: NONE` is a public HTTPS endpoint: anyone on the
internet who learns the URL can invoke the function, with no token, no signature, no
throttling and no WAF in front. Every call is billed to you (Denial of Wallet) and every
input reaches the handler unchecked.
""",
    remediation={
        "serverless": "functions:\n  fn:\n    url:\n      authorizer: aws_iam",
        "sam": "FunctionUrlConfig:\n  AuthType: AWS_IAM",
        "terraform": 'resource "aws_lambda_function_url" "fn" {\n'
                     '  authorization_type = "AWS_IAM"\n}',
    },
    references=("OWASP Serverless Top 10: SAS-2 Broken Authentication",
                "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"),
    cwe=(306,),
    equivalents={"Checkov": "CKV_AWS_258"},
)
def function_url_without_auth(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        url = function.url
        if url is not None and url.auth_type == "NONE":
            yield make_finding(
                "FG-AUTH-001",
                f"Function '{logical_id(function.id)}' has a public function URL "
                "(AuthType NONE): anyone can invoke it.",
                url.location, f"function-url:{logical_id(function.id)}",
            )
