"""data/call_actions.json: every IAM action it names exists in the catalogue, and every
operation it maps exists in botocore's service models."""

from __future__ import annotations

from faasguard.analysis import aws_sdk
from faasguard.analysis.iam_catalog import access_level, expand, lookup


def _named_actions() -> set[str]:
    table = aws_sdk.table()
    names = {a for actions in table["operations"].values() for a in actions}
    names |= {a for spec in table["transfer"].values() for a in spec["actions"]}
    names |= set(table["partiql"].values()) | set(table["transact_items"].values())
    names |= {a for actions in table["kms"].values() for a in actions}
    names |= {a for actions in table["platform"].values() for a in actions}
    return names


def test_every_mapped_action_is_a_real_iam_action() -> None:
    unknown = sorted(a for a in _named_actions() if lookup(a) is None)
    assert unknown == []


def test_every_mapped_operation_exists_in_botocore() -> None:
    prefixes = {}
    for name in ("s3", "dynamodb", "sqs", "sns", "lambda", "kms", "bedrock-runtime",
                 "apigatewaymanagementapi"):
        sdk = aws_sdk.service(name)
        assert sdk is not None
        prefixes.setdefault(sdk.prefix, set()).update(sdk.operations.values())
    for key in aws_sdk.table()["operations"]:
        prefix, _, operation = key.partition(":")
        assert operation in prefixes[prefix], key


def test_catalogue_levels_and_wildcards() -> None:
    assert access_level("iam:PassRole") == "Permissions management"
    assert access_level("s3:GetObject") == "Read"
    assert access_level("s3:PutObject") == "Write"
    assert access_level("s3:ListBucket") == "List"
    assert access_level("nope:Nothing") is None
    assert "dynamodb:GetItem" in expand("dynamodb:Get*")
    assert "dynamodb:PutItem" not in expand("dynamodb:Get*")
    assert len(expand("*")) > 15000
    assert expand("custom:Unknown") == ("custom:Unknown",)


def test_unknown_service_is_none() -> None:
    assert aws_sdk.service("not-a-service") is None
    s3 = aws_sdk.service("s3")
    assert s3 is not None and aws_sdk.iam_actions(s3, "ListObjectsV2") == ("s3:ListBucket",)
    assert aws_sdk.iam_actions(s3, "GetObject") == ("s3:GetObject",)


def test_powertools_operations_exist() -> None:
    for spec in aws_sdk.table()["powertools"].values():
        sdk = aws_sdk.service(spec["service"])
        assert sdk is not None
        for operation in (spec["operation"], *spec.get("also", ())):
            assert operation in sdk.operations.values(), operation
