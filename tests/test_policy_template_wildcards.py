"""SAM policy templates given `*`: the loader records on each expanded statement the
template parameters given a wildcard that its resources are built from
(`Statement.wildcard_parameters`), the model fact FG-PERM-005 reads."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from test_loader_cloudformation import load_fixture

from faasguard.loaders.intrinsics import Scope
from faasguard.loaders.policies import expand_template, policy_templates
from faasguard.model import Ref, Statement, Unknown


def _scope() -> Scope:
    return Scope(file="template.yaml", resources={"Table": "AWS::DynamoDB::Table"},
                 pseudo={"AWS::Partition": "aws", "AWS::Region": "eu-west-1",
                         "AWS::AccountId": "123456789012"})


def _expand(name: str, arguments: object, memo: dict | None = None,
            line: int = 7) -> list[Statement]:
    return expand_template(name, arguments, _scope(), "template.yaml", line, memo)[0]


def _uses(raw_statement: dict, parameter: str) -> bool:
    """Does a template statement's Resource refer to `parameter` (read from the JSON
    text of the shipped definition, independently of the loader)?"""
    text = json.dumps(raw_statement.get("Resource", []))
    return json.dumps({"Ref": parameter}) in text


@pytest.mark.parametrize("name", sorted(n for n, t in policy_templates().items()
                                        if t.get("Parameters")))
def test_every_shipped_template_records_the_parameter_given_a_star(name: str) -> None:
    template = policy_templates()[name]
    parameters = list(template["Parameters"])
    definition = template["Definition"]["Statement"]
    named = _expand(name, {p: "orders" for p in parameters})
    assert named and all(s.wildcard_parameters == () for s in named)
    for star in parameters:
        arguments = {p: "*" if p == star else "orders" for p in parameters}
        statements = _expand(name, arguments)
        assert len(statements) == len(definition)
        for statement, raw in zip(statements, definition, strict=True):
            expected = (star,) if _uses(raw, star) else ()
            assert statement.wildcard_parameters == expected, (star, raw)


@pytest.mark.parametrize("value, wildcard", [
    ("*", True), (" * ", True), ("orders-*", True), ("arn:aws:s3:::logs-*", True),
    ("orders", False), (Ref("template.yaml#Table"), False), (Unknown("ssm"), False),
    (7, False), ({"Fn::Sub": "x-*"}, False),  # not resolved: no text substituted
])
def test_a_value_counts_when_its_substituted_text_holds_a_star(value: object,
                                                               wildcard: bool) -> None:
    statements = _expand("DynamoDBCrudPolicy", {"TableName": value})
    assert [s.wildcard_parameters for s in statements] == \
        [("TableName",) if wildcard else ()] * len(statements)


def test_several_parameters_each_recorded_once_in_template_order() -> None:
    statements = _expand("DynamoDBStreamReadPolicy", {"TableName": "*", "StreamName": "*"})
    assert [s.wildcard_parameters for s in statements] == [("TableName", "StreamName"),
                                                           ("TableName",)]
    statements = _expand("DynamoDBStreamReadPolicy", {"TableName": "t", "StreamName": "*"})
    assert [s.wildcard_parameters for s in statements] == [("StreamName",), ()]


def test_a_template_written_star_is_not_a_parameter_given_one() -> None:
    (statement,) = _expand("CloudWatchPutMetricPolicy", {})
    assert statement.resources == ("*",) and statement.wildcard_parameters == ()
    athena = _expand("AthenaQueryPolicy", {"WorkGroupName": "primary"})
    assert ("*",) in [s.resources for s in athena]
    assert all(s.wildcard_parameters == () for s in athena)


def test_missing_or_misshapen_arguments_record_nothing() -> None:
    assert all(s.wildcard_parameters == () for s in _expand("DynamoDBCrudPolicy", {}))
    assert all(s.wildcard_parameters == () for s in _expand("DynamoDBCrudPolicy", "*"))


def test_a_memoised_expansion_keeps_them_at_its_own_line() -> None:
    memo: dict = {}
    first = _expand("S3ReadPolicy", {"BucketName": "*"}, memo, line=5)
    again = _expand("S3ReadPolicy", {"BucketName": "*"}, memo, line=9)
    assert [s.wildcard_parameters for s in again] == [("BucketName",)] * len(first)
    assert {s.location.line for s in again} == {9}
    assert all(a is not b for a, b in zip(first, again, strict=True))


def test_they_survive_pickling() -> None:
    (statement, *_) = _expand("S3ReadPolicy", {"BucketName": "*"})
    copy = pickle.loads(pickle.dumps(statement))
    assert copy == statement and copy.wildcard_parameters == ("BucketName",)


def _template_statements(folder: Path) -> list[Statement]:
    """The statements expanded from SAM policy templates in the role of function `Fn` of
    folder/template.yaml."""
    app = load_fixture(folder, "template.yaml")
    return [s for s in app.roles["template.yaml#FnRole"].statements
            if s.source.startswith("sam-template:")]


def test_loaded_template_records_them_through_intrinsics(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Pattern:\n    Type: String\n    Default: '*'\n"
        "  Stage:\n    Type: String\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: a.b\n      Runtime: python3.12\n      Policies:\n"
        "        - DynamoDBReadPolicy: {TableName: !Ref Pattern}\n"
        "        - SQSSendMessagePolicy: {QueueName: !Sub '${Stage}-*'}\n"
        "        - S3ReadPolicy: {BucketName: !Ref Stage}\n"
        "        - KinesisStreamReadPolicy: {StreamName: '*'}\n")
    found = {(s.source, s.wildcard_parameters) for s in _template_statements(tmp_path)}
    assert found == {
        ("sam-template:DynamoDBReadPolicy", ("TableName",)),
        ("sam-template:SQSSendMessagePolicy", ("QueueName",)),
        ("sam-template:S3ReadPolicy", ()),
        ("sam-template:KinesisStreamReadPolicy", ()),  # ListStreams on its own stream/*
        ("sam-template:KinesisStreamReadPolicy", ("StreamName",)),
    }


def test_a_resource_named_like_a_template_parameter_does_not_take_its_place(
        tmp_path: Path) -> None:
    """Inside a policy template, `${FileSystem}` is the template's parameter (SAM
    substitutes the arguments), not the stack's resource that happens to share its name."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n  FileSystem:\n    Type: AWS::EFS::FileSystem\n"
        "  TableName:\n    Type: AWS::DynamoDB::Table\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: a.b\n      Runtime: python3.12\n      Policies:\n"
        "        - EFSWriteAccessPolicy: {FileSystem: '*', AccessPoint: fsap-1}\n"
        "        - DynamoDBReadPolicy: {TableName: orders}\n"
        "        - DynamoDBCrudPolicy: {TableName: !Ref TableName}\n")
    found = [(s.source.split(":")[1], s.resources, s.wildcard_parameters)
             for s in _template_statements(tmp_path)]
    efs = [f for f in found if f[0] == "EFSWriteAccessPolicy"]
    assert [f[2] for f in efs] == [("FileSystem",)]
    assert str(efs[0][1][0]).endswith(":file-system/*")
    read = [f for f in found if f[0] == "DynamoDBReadPolicy"]
    assert read and all(str(f[1][0]).endswith(":table/orders") for f in read)
    crud = [f for f in found if f[0] == "DynamoDBCrudPolicy"]  # the resource itself: kept
    assert crud and all(f[1][0] == Ref("template.yaml#TableName", "Arn") for f in crud)


def test_templates_from_globals_and_a_settled_if_record_them(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Stage:\n    Type: String\n"
        "Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n"
        "Globals:\n  Function:\n    Policies:\n      - S3ReadPolicy: {BucketName: '*'}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: a.b\n      Runtime: python3.12\n      Policies:\n"
        "        - !If [IsProd, {SQSPollerPolicy: {QueueName: '*'}},"
        " {SQSPollerPolicy: {QueueName: '*'}}]\n"
        "        - !If [IsProd, {SNSPublishMessagePolicy: {TopicName: '*'}},"
        " {SNSPublishMessagePolicy: {TopicName: t}}]\n")
    found = {(s.source, s.wildcard_parameters) for s in _template_statements(tmp_path)}
    assert found == {("sam-template:S3ReadPolicy", ("BucketName",)),
                     ("sam-template:SQSPollerPolicy", ("QueueName",))}  # the other If: unknown
