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
    names |= {a for methods in table["auth_tokens"].values() for actions in methods.values()
              for a in actions}
    return names


def test_every_mapped_action_is_a_real_iam_action() -> None:
    unknown = sorted(a for a in _named_actions() if lookup(a) is None)
    assert unknown == []


def test_every_mapped_operation_exists_in_botocore() -> None:
    prefixes: dict[str, set[str]] = {}
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


# Services whose models read here are compared with botocore's own loader: with and
# without an sdk-extras file, old and new, a signing name that is not the service name.
_COMPARED = ("s3", "secretsmanager", "dynamodb", "sqs", "lambda", "sdb", "eks",
             "apigatewaymanagementapi", "bedrock-runtime", "stepfunctions")


def test_model_files_are_read_as_botocore_reads_them() -> None:
    import botocore.loaders

    from faasguard.analysis import aws_models

    loader = botocore.loaders.create_loader()
    assert aws_models.available() == frozenset(loader.list_available_services("service-2"))
    for name in _COMPARED:
        assert aws_models.load(name, "service-2") == loader.load_service_model(
            name, "service-2"), name
    for name in ("s3", "dynamodb", "lambda"):
        assert aws_models.load(name, "waiters-2") == loader.load_service_model(
            name, "waiters-2"), name
    assert aws_models.load("sqs", "waiters-2") is None  # sqs has no waiters
    assert aws_models.load("not-a-service", "service-2") is None
    assert aws_models.load("../s3", "service-2") is None


def test_resource_models_are_boto3s() -> None:
    import botocore.loaders

    from faasguard.analysis import aws_models

    folder = aws_models.search_paths(resources=True)[0]
    loader = botocore.loaders.Loader(extra_search_paths=[folder])
    services = loader.list_available_services("resources-1")
    assert "dynamodb" in services and "s3" in services
    for name in services:
        assert aws_models.load(name, "resources-1", resources=True) == \
            loader.load_service_model(name, "resources-1"), name
    assert aws_models.load("lambda", "resources-1", resources=True) is None


def test_sdk_service_from_the_model_files() -> None:
    s3 = aws_sdk.service("s3")
    assert s3 is not None and s3.prefix == "s3"
    assert s3.operations["list_objects_v2"] == "ListObjectsV2"
    assert s3.waiter_operation("bucket_exists") == "HeadBucket"
    table = aws_sdk.service("dynamodb")
    assert table is not None and "table_name" in table.shape_members("TableDescription")
    assert table.shape_members("NoSuchShape") == frozenset()
    assert table.shape_members("TableName") == frozenset()  # a string, not a structure
    assert aws_sdk.service("apigatewaymanagementapi").prefix == "execute-api"  # type: ignore[union-attr]
    assert aws_sdk.known("lambda") and not aws_sdk.known("lambda/..")


def test_light_index_agrees_with_the_full_catalogue() -> None:
    """`action_levels` (the light index that `expand` and FG-PERM-101 sweep) says what
    `service_info` says, for every action of every service."""
    from faasguard.analysis.iam_catalog import _lines, action_levels, service_info

    every: list[str] = []
    for prefix in _lines():
        info = service_info(prefix)
        assert info is not None
        light = action_levels(prefix)
        assert light.keys() == info.actions.keys(), prefix
        for low, action in info.actions.items():
            assert light[low] == (action.name, action.level)
        every.extend(a.name for a in info.actions.values())
    assert expand("*") == tuple(sorted(every))
    assert expand("*:*") == expand("*")
    assert expand("s3:Get*") == tuple(sorted(
        a.name for a in service_info("s3").actions.values()  # type: ignore[union-attr]
        if a.name.lower().startswith("s3:get")))
    lists = expand("*:List*")
    assert "s3:ListBucket" in lists and "dynamodb:ListTables" in lists
    assert all(access_level(a) and a.split(":")[1].lower().startswith("list") for a in lists)
    assert expand("Dynamo?b:getitem") == ("dynamodb:GetItem",)
    assert expand("DynamoDB:GETITEM") == ("dynamodb:GetItem",)
    assert action_levels("nope") == {}
