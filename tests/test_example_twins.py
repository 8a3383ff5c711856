"""The Chalice and Zappa twins of the example apps scan like the serverless.yml app.

Every rule the Serverless Framework app triggers must be triggered by each twin too, unless
the difference is listed below with the reason the framework cannot express the flaw; the
hardened twins scan clean, apart from the listed findings the framework has no setting
to fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import ScanResult, scan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

#: Resource rules: Chalice and Zappa declare no resources of their own (no `resources:`
#: section, no template), so the table, queue, topic, bucket and secret the serverless.yml
#: app declares badly have no counterpart in their projects.
_NO_RESOURCES = {
    "FG-DATA-002": "no template: a Chalice/Zappa project has no resources section to hold "
                   "a plaintext secret",
    "FG-DATA-005": "no SNS topic is declared by a Chalice/Zappa project",
    "FG-DATA-007": "the SQS queue is created outside a Chalice/Zappa project, which only "
                   "names it",
    "FG-DATA-008": "no DynamoDB table or S3 bucket is declared by a Chalice/Zappa project",
    "FG-DATA-009": "no S3 bucket is declared by a Chalice/Zappa project",
    "FG-DATA-010": "no Secrets Manager secret is declared by a Chalice/Zappa project",
}

#: Rules of the serverless.yml app a twin does not trigger, and why (rule id -> reason).
JUSTIFIED_MISSING: dict[str, dict[str, str]] = {
    "vulnerable-app-chalice": {
        **_NO_RESOURCES,
        "FG-AUTH-001": "Chalice has no setting for a Lambda function URL",
        "FG-SHADOW-003": "Chalice declares each route of the app to API Gateway: it has no "
                         "catch-all proxy route",
        "FG-TP-005": "Chalice takes the runtime from the Python version that deploys the "
                     "app; config.json cannot name a deprecated one",
    },
    "vulnerable-app-zappa": {
        **_NO_RESOURCES,
        "FG-AUTH-001": "the Zappa loader reads no function URL setting (only the API "
                       "Gateway catch-all)",
        # (FG-PERM-008, a shared role, is not missing: the serverless.yml app does not
        # report it either, FG-PERM-104 absorbs it there; findings.fold_overlaps)
        "FG-PERM-104": "Zappa deploys one Lambda function per stage: no role is shared by "
                       "functions with different needs",
    },
}

#: Rules a twin triggers that the serverless.yml app does not, and why.
JUSTIFIED_EXTRA: dict[str, dict[str, str]] = {
    name: {
        "FG-TP-102": "the twin ships a requirements.txt (Chalice and Zappa package it) with "
                     "unpinned dependencies; the serverless.yml app has none",
        "FG-TP-103": "the twin's requirements.txt pins a dependency that no advisory "
                     "database checks; the serverless.yml app has no requirements.txt",
    } for name in JUSTIFIED_MISSING
}

#: Findings a hardened twin cannot avoid, and why: the framework has no setting for the
#: fix (each is a true finding, not a false positive).
KNOWN_GAPS: dict[str, dict[str, str]] = {
    "hardened-app-chalice": {
        "FG-MON-005": "Chalice has no setting for REST API access logging",
        "FG-MON-006": "Chalice declares no CloudWatch alarms",
        "FG-MON-007": "Chalice has no DLQ or on-failure destination setting for an S3 "
                      "handler",
        "FG-WALLET-002": "Chalice has no setting for stage throttling or a usage plan",
    },
    "hardened-app-zappa": {
        "FG-MON-004": "Zappa has no log retention setting",
        "FG-MON-005": "Zappa has no setting for REST API access logging",
        "FG-MON-006": "Zappa declares no CloudWatch alarms",
        "FG-SHADOW-003": "Zappa always deploys ANY / and ANY /{proxy+}: the WSGI app "
                         "routes every request",
        "FG-WALLET-002": "Zappa has no setting for stage throttling or a usage plan",
    },
}


def _scan(folder: str) -> ScanResult:
    return scan(str(EXAMPLES / folder))


def _rule_ids(folder: str) -> set[str]:
    return {f.rule_id for f in _scan(folder).findings}


@pytest.fixture(scope="module")
def serverless_rule_ids() -> set[str]:
    return _rule_ids("vulnerable-app")


@pytest.mark.parametrize("twin", sorted(JUSTIFIED_MISSING))
def test_vulnerable_twin_has_the_serverless_apps_rule_ids(
        twin: str, serverless_rule_ids: set[str]) -> None:
    ids = _rule_ids(twin)
    assert serverless_rule_ids - ids == set(JUSTIFIED_MISSING[twin])
    assert ids - serverless_rule_ids == set(JUSTIFIED_EXTRA[twin])
    reasons = {**JUSTIFIED_MISSING[twin], **JUSTIFIED_EXTRA[twin]}
    assert all(reason.strip() for reason in reasons.values())


@pytest.mark.parametrize("twin", sorted(KNOWN_GAPS))
def test_hardened_twin_scans_clean_but_for_known_gaps(twin: str) -> None:
    result = _scan(twin)
    assert result.diagnostics == []
    assert {f.rule_id for f in result.findings} == set(KNOWN_GAPS[twin])
    assert all(reason.strip() for reason in KNOWN_GAPS[twin].values())


def test_hardened_sam_app_is_the_clean_reference() -> None:
    result = _scan("hardened-app")
    assert (result.findings, result.diagnostics) == ([], [])


def test_loader_settings_the_hardened_twins_rely_on() -> None:
    from faasguard.loaders import LoadContext, load_path

    chalice = load_path(LoadContext(root=str(EXAMPLES / "hardened-app-chalice"),
                                    file=".chalice/config.json"))
    assert sorted(str(fn.role) for fn in chalice.functions.values()) == [
        ".chalice/config.json#api_handlerRole", ".chalice/config.json#importerRole",
        ".chalice/config.json#thumbnailRole"]  # per-function iam_policy_file
    assert [api.tracing for api in chalice.apis.values()] == [True]  # xray: true
    assert {r.authorizer.scopes for r in chalice.routes if r.authorizer} == {
        ("orders/read",), ("orders/write",)}  # authorizer.with_scopes([...])
    zappa = load_path(LoadContext(root=str(EXAMPLES / "hardened-app-zappa"),
                                  file="zappa_settings.json"))
    prod = zappa.functions["zappa_settings.json#prod"]
    assert prod.dlq == "arn:aws:sqs:us-east-1:123456789012:orders-failed-events"
    assert [api.tracing for api in zappa.apis.values()] == [True]  # xray_tracing: true
    assert [t.source for t in prod.triggers if t.kind == "s3"] == ["orders-uploads-hardened"]
    vulnerable = load_path(LoadContext(root=str(EXAMPLES / "vulnerable-app-chalice"),
                                       file=".chalice/config.json"))
    assert {fn.role for fn in vulnerable.functions.values()} == {
        ".chalice/config.json#DefaultRole"}  # one policy file: one shared role
    assert [api.tracing for api in vulnerable.apis.values()] == [None]
