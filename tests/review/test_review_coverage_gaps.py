"""Recall review against what other scanners check (Checkov's Lambda, API Gateway, SQS,
SNS, EventBridge, KMS, Secrets Manager, Cognito, Step Functions and IAM checks; Prowler's
Lambda and API Gateway checks; the OWASP Serverless Top 10 and the Serverless Security
Top 10): serverless risks faasguard
does not report yet, each pinned by a fixture pair under
tests/fixtures/review_coverage_gaps/<gap>/ (a risky `pos` and its safe twin `neg`, alike
in everything else). Each pin passes when the scan of `pos` reports a finding the scan of
its twin does not: a rule that reported both would not tell the risk from its fix.
docs/coverage.md lists these gaps beside what is covered."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_coverage_gaps"


def _reported(folder: Path) -> set[tuple[str, str]]:
    return {(f.rule_id, f.subject) for f in scan(str(folder)).findings if not f.suppressed}


def _only_in_risky(gap: str, risky: str, safe: str) -> set[tuple[str, str]]:
    return _reported(FIXTURES / gap / risky) - _reported(FIXTURES / gap / safe)


GAPS = [
    ("role_trust", "pos", "neg",
     "a function's role whose trust policy lets any AWS principal assume it (Principal "
     "AWS '*', no condition): anyone in any account holds the function's permissions "
     "(Checkov CKV_AWS_60)"),
    ("role_trust", "sls_pos", "sls_neg", "the same, in serverless.yml's resources"),
    ("iam_api_open_to_any_account", "pos", "neg",
     "a REST API whose routes require IAM (AWS_IAM) with a resource policy allowing "
     "execute-api:Invoke to '*': any principal of any AWS account may call it, as FG-AUTH-004 "
     "reports for a function URL of AuthType AWS_IAM"),
    ("authorizer_allows_all", "pos", "neg",
     "a Lambda authoriser that returns Allow without reading the caller's credential: "
     "every route behind it is open, as with no authoriser (FG-AUTH-002)"),
    ("secret_policy", "pos", "neg",
     "a Secrets Manager resource policy letting anyone read the secret (Prowler "
     "secretsmanager_not_publicly_accessible); FG-AUTH-004 knows invoke/write actions only"),
    ("queue_receive", "pos", "neg",
     "a queue policy letting anyone receive and delete the messages the function consumes: "
     "events stolen or dropped (Checkov CKV_AWS_168)"),
    ("topic_subscribe", "pos", "neg",
     "a topic policy letting anyone subscribe: every message copied to a stranger "
     "(Checkov CKV_AWS_169)"),
    ("event_bus", "pos", "neg",
     "an event bus policy letting anyone put events that trigger the function (Prowler "
     "eventbridge_bus_exposed); EventBusPolicy is not read"),
    ("kms_key", "pos", "neg",
     "a key policy granting kms:* to everyone, the key of the function's environment "
     "(Checkov CKV_AWS_33)"),
    ("identity_pool_guest", "pos", "neg",
     "a Cognito identity pool's guest role allowed to invoke the function: an "
     "unauthenticated entry that no API authoriser sees (Checkov CKV_AWS_366)"),
    ("data_trace", "pos", "neg",
     "API Gateway data tracing on a prod stage: full request and response bodies in "
     "CloudWatch Logs (Checkov CKV_AWS_276); FG-MON-008's debug logging, at the gateway"),
    ("data_trace", "tf_pos", "tf_neg", "the same, aws_api_gateway_method_settings"),
    ("data_trace", "sls_pos", "sls_neg",
     "the same, serverless.yml provider.logs.restApi.fullExecutionData"),
    ("sns_http_subscription", "pos", "neg",
     "an SNS subscription delivering the topic's messages over plain HTTP (Prowler "
     "sns_subscription_not_using_http_endpoints); FG-TP-002 reads environment variables"),
    ("layer_shared_with_everyone", "pos", "neg",
     "a layer version permission granting lambda:GetLayerVersion to '*' without an "
     "OrganizationId: every AWS account can download the layer's code"),
    ("alb_no_auth", "pos", "neg",
     "an internet-facing ALB rule forwarding to a function with no authenticate action "
     "(Prowler awslambda_function_not_directly_publicly_accessible_via_elbv2); FG-AUTH-002 "
     "judges API Gateway routes only"),
    ("express_no_logging", "pos", "neg",
     "an Express state machine without logging keeps no record of its executions "
     "(Checkov CKV_AWS_285)"),
    ("reflected_html", "pos", "neg",
     "a query parameter written unescaped into an HTML response: reflected XSS (OWASP "
     "Serverless Top 10, A7)"),
    ("error_details", "pos", "neg",
     "a traceback returned to the HTTP caller: verbose error messages (the Serverless "
     "Security Top 10's SAS-10, improper exception handling)"),
    ("environment_dumped", "pos", "neg",
     "the whole environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: "
     "the function's live credentials) printed to the logs and returned to the caller"),
    ("secret_resolved_into_environment", "pos", "neg",
     "a Secrets Manager secret or SecureString parameter resolved into the environment at "
     "deploy time ({{resolve:secretsmanager:...}}, {{resolve:ssm-secure:...}}) under a name "
     "that does not say secret: FG-DATA-004 judges the environment's names only"),
    ("secret_resolved_into_environment", "sls_pos", "sls_neg",
     "the same, serverless.yml ${ssm:/aws/reference/secretsmanager/...}"),
    ("secret_value_logged", "pos", "neg",
     "a value read from Secrets Manager printed to the logs: FG-DATA-011 knows secrets by "
     "their names, not by where the value came from"),
]


#: The gaps closed since the review (gap, risky twin): their pins pass, the rule named.
CLOSED = {
    ("role_trust", "pos"), ("role_trust", "sls_pos"),  # FG-PERM-009
    ("environment_dumped", "pos"),  # FG-DATA-011 (logged), FG-DATA-013 (returned)
    ("secret_value_logged", "pos"),  # FG-DATA-011
    ("error_details", "pos"),  # FG-DATA-012
    ("secret_policy", "pos"), ("queue_receive", "pos"), ("topic_subscribe", "pos"),
    ("kms_key", "pos"),  # FG-AUTH-006
    ("event_bus", "pos"),  # FG-AUTH-004
    ("express_no_logging", "pos"),  # FG-MON-010
    ("sns_http_subscription", "pos"),  # FG-TP-006
    ("data_trace", "pos"), ("data_trace", "tf_pos"), ("data_trace", "sls_pos"),  # FG-MON-008
    ("identity_pool_guest", "pos"),  # FG-AUTH-007
    ("alb_no_auth", "pos"),  # FG-AUTH-002
    ("secret_resolved_into_environment", "pos"),
    ("secret_resolved_into_environment", "sls_pos"),  # FG-DATA-004
    ("iam_api_open_to_any_account", "pos"),  # FG-AUTH-004
    ("layer_shared_with_everyone", "pos"),  # FG-TP-007
    ("reflected_html", "pos"),  # FG-INJ-012
    ("authorizer_allows_all", "pos"),  # FG-AUTH-102
}


@pytest.mark.parametrize(("gap", "risky", "safe", "why"), [
    pytest.param(gap, risky, safe, why, id=f"{gap}-{risky}",
                 marks=() if (gap, risky) in CLOSED else
                 pytest.mark.xfail(strict=True, reason=f"gap: {why}"))
    for gap, risky, safe, why in GAPS])
def test_the_risky_twin_is_reported(gap: str, risky: str, safe: str, why: str) -> None:
    assert _only_in_risky(gap, risky, safe)


@pytest.mark.parametrize(("gap", "risky", "safe"),
                         sorted({(gap, risky, safe) for gap, risky, safe, _ in GAPS}))
def test_the_safe_twin_reports_nothing_more(gap: str, risky: str, safe: str) -> None:
    # the safe twin is the risky one with the risk removed: it reports no more
    assert not _only_in_risky(gap, safe, risky)
