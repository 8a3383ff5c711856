"""aws_sdk.snake_name, faasguard's own CamelCase -> snake_case rule for boto3's names, is
botocore's `xform_name` on every name of every installed model: each operation (a client
method), waiter, structure member, and each name of boto3's resource models (actions,
collections, waiters, batch actions, sub-resources, identifiers). The scan no longer
imports botocore for it (this test does, to compare)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from faasguard.analysis import aws_models
from faasguard.analysis.aws_sdk import snake_name

botocore = pytest.importorskip("botocore")


def _model_names() -> tuple[set[str], set[str]]:
    """(operation names, every other name) of the installed models."""
    operations: set[str] = set()
    others: set[str] = set()
    for service in sorted(aws_models.available("service-2")):
        model = aws_models.read(service, "service-2") or {}
        operations.update(model.get("operations", {}))
        for spec in model.get("shapes", {}).values():
            if isinstance(spec, dict) and spec.get("type") == "structure":
                others.update(spec.get("members", {}))
        waiters = aws_models.read(service, "waiters-2") or {}
        others.update(waiters.get("waiters", {}))
        resources = aws_models.read(service, "resources-1", resources=True) or {}
        for part in [resources.get("service", {}), *resources.get("resources", {}).values()]:
            for key in ("actions", "hasMany", "waiters", "batchActions", "has"):
                others.update(part.get(key, {}))
            others.update(ident["name"] for ident in part.get("identifiers", []))
    return operations, others


def test_every_name_of_every_installed_model_is_botocores() -> None:
    operations, others = _model_names()
    assert len(operations) > 10_000 and len(others) > 30_000  # the models are there
    assert [(name, botocore.xform_name(name), snake_name(name, operation=True))
            for name in sorted(operations)
            if snake_name(name, operation=True) != botocore.xform_name(name)] == []
    assert [(name, botocore.xform_name(name), snake_name(name))
            for name in sorted(others) if snake_name(name) != botocore.xform_name(name)] == []


@pytest.mark.parametrize("name", [
    "PutItem", "ListObjectsV2", "SSEKMSKeyId", "ListARNs", "DBs", "ARNs", "Ec2Instance",
    "ABcDe", "ABCdEf", "AbCDe", "X-Amz-Date", "already_snake", "a", "", "S3Key",
    "HTTPResponse", "getHTTPResponseCode", "WhatsAppNumber", "CachediSCSIVolumes", "HITs"])
def test_the_rule_on_shapes_no_model_may_hold(name: str) -> None:
    assert snake_name(name) == botocore.xform_name(name)


@pytest.mark.parametrize(("operation", "method"), [
    ("CreateCachediSCSIVolume", "create_cached_iscsi_volume"),
    ("ListHITsForQualificationType", "list_hits_for_qualification_type"),
    ("ExecutePartiQLStatement", "execute_partiql_statement"),
    ("SendWhatsAppMessage", "send_whatsapp_message"),
    ("GetOTelEnrichment", "get_otel_enrichment"),
])
def test_operations_keep_some_words_whole(operation: str, method: str) -> None:
    assert snake_name(operation, operation=True) == method == botocore.xform_name(operation)


def test_a_scan_does_not_import_botocore(tmp_path) -> None:
    (tmp_path / "handler.py").write_text(
        "import boto3\n\n_s3 = boto3.client('s3')\n\n\ndef handler(event, context):\n"
        "    _s3.get_object(Bucket='b', Key=event['key'])\n"
        "    boto3.resource('dynamodb').Table('t').put_item(Item={})\n"
        "    _s3.get_waiter('bucket_exists').wait(Bucket='b')\n")
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  f:\n    handler: handler.handler\n")
    code = ("import sys\nfrom faasguard.scan import scan\n"
            f"result = scan({str(tmp_path)!r})\n"
            "calls = result.facts.aws_calls['serverless.yml#f']\n"
            "assert {c.operation for c in calls} >= {'GetObject', 'PutItem'}, calls\n"
            "print(sorted(m for m in sys.modules if m.partition('.')[0] == 'botocore'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
