"""High-risk data: secrets in plaintext, unencrypted stores, sensitive data in logs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, logical_id

_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)($|_)", re.I)


@rule(
    "FG-DATA-001",
    "Secret in a plaintext environment variable",
    threat="data",
    severity="high",
    description="""
Environment variables are stored with the function configuration and shown in the
console, in `GetFunctionConfiguration` responses and in deployment templates kept in Git.
A password, token or key written there in plaintext is readable by anyone with read
access to the function or the repository.
""",
    remediation={
        "serverless": "environment:\n  DB_PASSWORD_PARAM: /app/db-password  # read at run time "
                      "from SSM Parameter Store (SecureString) or Secrets Manager",
        "sam": "Environment:\n  Variables:\n    DB_SECRET_ARN: !Ref DbSecret  "
               "# AWS::SecretsManager::Secret, read at run time",
    },
    references=("OWASP Serverless Top 10: SAS-3 Insecure Serverless Deployment Configuration",),
    cwe=(798, 312),
    equivalents={"Checkov": "CKV_AWS_45"},
)
def plaintext_secret_env(app: App, facts: Facts) -> Iterator[Finding]:
    for function in app.functions.values():
        for var in function.environment.values():
            if _SECRET_NAME.search(var.name) and isinstance(var.value, str) and var.value:
                yield make_finding(
                    "FG-DATA-001",
                    f"Function '{logical_id(function.id)}' sets {var.name} in plaintext.",
                    var.location, f"env:{logical_id(function.id)}:{var.name}",
                )
