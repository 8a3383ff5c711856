"""AWS SDK for JavaScript calls (v2, v3 commands, v3 aggregated, lib-dynamodb) -> IAM actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.aws_values import AwsCall
from faasguard.analysis.js.awssdk import calls_in_modules, v2_service, v3_service
from faasguard.analysis.js.parse import JsModuleCache
from faasguard.analysis.js.project import module_graph


def _calls(tmp_path: Path, source: str, name: str = "app.js") -> list[AwsCall]:
    (tmp_path / name).write_text(source)
    cache = JsModuleCache(str(tmp_path))
    return calls_in_modules(cache, module_graph(cache, name))


def _summary(calls: list[AwsCall]) -> list[tuple[str, tuple[str, ...], list[str]]]:
    return [(c.operation, c.actions, [t.name.env or t.name.literal or t.name.text
                                      for t in c.targets]) for c in calls]


def test_v3_commands_through_send(tmp_path: Path) -> None:
    calls = _calls(tmp_path, """
const { S3Client, GetObjectCommand, ListObjectsV2Command } = require("@aws-sdk/client-s3");
const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
const s3 = new S3Client({});
const sqs = new SQSClient({});
exports.handler = async (event) => {
  const listing = new ListObjectsV2Command({ Bucket: "reports" });
  await s3.send(listing);
  await s3.send(new GetObjectCommand({ Bucket: process.env.BUCKET, Key: "a.txt" }));
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: "x" }));
};
""")
    assert _summary(calls) == [
        ("ListObjectsV2", ("s3:ListBucket",), ["reports"]),
        ("GetObject", ("s3:GetObject",), ["BUCKET"]),
        ("SendMessage", ("sqs:SendMessage",), ["QUEUE_URL"]),
    ]


def test_lib_dynamodb_and_aggregated_clients(tmp_path: Path) -> None:
    calls = _calls(tmp_path, """
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { SecretsManager } from "@aws-sdk/client-secrets-manager";
const TABLE = process.env.TABLE_NAME;
const docs = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManager({});
export const handler = async (event) => {
  await docs.send(new PutCommand({ TableName: TABLE, Item: { id: event.id } }));
  await docs.send(new QueryCommand({ TableName: TABLE, IndexName: "byDate" }));
  await secrets.getSecretValue({ SecretId: "prod/db" });
};
""", name="app.mjs")
    assert _summary(calls) == [
        ("PutItem", ("dynamodb:PutItem",), ["TABLE_NAME"]),
        ("Query", ("dynamodb:Query",), ["TABLE_NAME"]),
        ("GetSecretValue", ("secretsmanager:GetSecretValue",), ["prod/db"]),
    ]
    assert calls[1].targets[0].key is not None and calls[1].targets[0].key.literal == "byDate"


def test_v2_clients_and_document_client(tmp_path: Path) -> None:
    calls = _calls(tmp_path, """
const AWS = require("aws-sdk");
const S3 = require("aws-sdk/clients/s3");
const docs = new AWS.DynamoDB.DocumentClient();
const sns = new AWS.SNS();
const s3 = new S3();
exports.handler = async (event) => {
  await docs.update({ TableName: "orders", Key: { id: 1 } }).promise();
  await sns.publish({ TopicArn: process.env.TOPIC, Message: "hi" }).promise();
  await s3.putObject({ Bucket: event.Records[0].s3.bucket.name, Key: "out/" + event.id }).promise();
};
""")
    assert _summary(calls)[:2] == [
        ("UpdateItem", ("dynamodb:UpdateItem",), ["orders"]),
        ("Publish", ("sns:Publish",), ["TOPIC"]),
    ]
    put = calls[2]
    assert (put.operation, put.actions) == ("PutObject", ("s3:PutObject",))
    assert put.targets[0].name.event is not None and "bucket" in put.targets[0].name.event
    assert put.targets[0].key is not None and put.targets[0].key.prefix == "out/"


def test_calls_in_required_project_files(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "repo.ts").write_text(
        'import { KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";\n'
        "const k = new KinesisClient({});\n"
        "export async function load(id: string) {\n"
        '  return k.send(new PutRecordCommand({ StreamName: "clicks", Data: id, '
        'PartitionKey: id }));\n}\n')
    calls = _calls(tmp_path, "const repo = require('./lib/repo');\n"
                             "exports.handler = async (e) => repo.load(e.id);\n")
    assert [(c.file, c.operation, c.actions) for c in calls] == [
        ("lib/repo.ts", "PutRecord", ("kinesis:PutRecord",))]


def test_unknown_operations_and_plain_objects_are_ignored(tmp_path: Path) -> None:
    calls = _calls(tmp_path, """
const { S3Client, MadeUpCommand } = require("@aws-sdk/client-s3");
const cache = new Map();
exports.handler = async () => {
  await new S3Client({}).send(new MadeUpCommand({}));
  cache.get("x");
  await fetch("https://example.com");
};
""")
    assert calls == []


@pytest.mark.parametrize("package, service", [
    ("@aws-sdk/client-s3", "s3"), ("@aws-sdk/client-sfn", "stepfunctions"),
    ("@aws-sdk/client-secrets-manager", "secretsmanager"),
    ("@aws-sdk/client-eventbridge", "events"), ("@aws-sdk/lib-dynamodb", "dynamodb"),
    ("@aws-sdk/client-cognito-identity-provider", "cognito-idp"), ("lodash", None),
])
def test_v3_package_names(package: str, service: str | None) -> None:
    assert v3_service(package) == service


def test_v2_class_names() -> None:
    assert v2_service("CloudWatchLogs") == "logs"
    assert v2_service("DynamoDB") == "dynamodb"


def test_a_command_the_analysis_cannot_see_is_an_unidentified_call(tmp_path: Path) -> None:
    calls = _calls(tmp_path, """
const { S3Client } = require("@aws-sdk/client-s3");
const s3 = new S3Client({});
exports.handler = async (event, context, makeCommand) => {
  await s3.send(makeCommand(event));
};
""")
    assert [(c.service, c.operation, c.known, c.via) for c in calls] == [
        ("*", "*", False, "unknown")]
    assert "s3 client send(makeCommand(event))" == calls[0].method


def test_a_method_names_the_first_operation_of_its_lower_case_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (as the scan of every operation did before the index: the model's first wins)
    from faasguard.analysis import aws_sdk
    from faasguard.analysis.js import awssdk

    real = aws_sdk.service("s3")
    assert real is not None
    fake = aws_sdk.SdkService("s3", "s3", {"get_object": "GetObject",
                                           "get_object_": "GETOBJECT",
                                           **real.operations}, real.structures)
    monkeypatch.setattr(aws_sdk, "service", lambda name: fake if name == "s3" else None)
    awssdk._operations.cache_clear()
    try:
        calls = _calls(tmp_path, """
const AWS = require("aws-sdk");
exports.handler = async () => { await new AWS.S3().getobject({ Bucket: "b" }).promise(); };
""")
    finally:
        awssdk._operations.cache_clear()
    assert [(c.operation, c.method) for c in calls] == [("GetObject", "getobject")]


def test_transact_write_actions_follow_the_item_kinds(tmp_path: Path) -> None:
    # TransactWriteItems needs the action of each kind of item it holds (Update ->
    # UpdateItem), with the tables the items name; an array the code builds at run time
    # still stands for every write action
    calls = _calls(tmp_path, """
const AWS = require("aws-sdk");
const { DynamoDBDocumentClient, TransactWriteCommand } = require("@aws-sdk/lib-dynamodb");
const docs = new AWS.DynamoDB.DocumentClient();
const v3 = DynamoDBDocumentClient.from({});
exports.handler = async (event, items) => {
  const request = { TransactItems: [
    { Update: { TableName: process.env.ORDERS, Key: { id: event.id } } },
    { ConditionCheck: { TableName: "stock", Key: { sku: "a" } } },
  ] };
  await docs.transactWrite(request).promise();
  await v3.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: "log" } }] }));
  await docs.transactWrite({ TransactItems: items }).promise();
};
""")
    assert _summary(calls) == [
        ("TransactWriteItems", ("dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"),
         ["ORDERS", "stock"]),
        ("TransactWriteItems", ("dynamodb:PutItem",), ["log"]),
        ("TransactWriteItems", ("dynamodb:PutItem", "dynamodb:UpdateItem",
                                "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"), []),
    ]


def test_lib_storage_upload_is_a_put_object(tmp_path: Path) -> None:
    # `new Upload({ client, params }).done()` of @aws-sdk/lib-storage writes the object
    # (in parts for a large body; aborted on failure, which needs AbortMultipartUpload)
    calls = _calls(tmp_path, """
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
const s3 = new S3Client({});
export const handler = async (event) => {
  const params = { Bucket: process.env.OUT, Key: event.key, Body: event.body };
  await new Upload({ client: s3, params }).done();
  const upload = new Upload({ client: s3, params: { Bucket: "archive", Key: "a" } });
  await upload.done();
  upload.on("httpUploadProgress", () => {});
};
""", name="app.mjs")
    assert _summary(calls) == [
        ("PutObject", ("s3:PutObject", "s3:AbortMultipartUpload"), ["OUT"]),
        ("PutObject", ("s3:PutObject", "s3:AbortMultipartUpload"), ["archive"]),
    ]
    assert all(c.optional == ("s3:AbortMultipartUpload",) and c.via == "transfer"
               for c in calls)


def test_transact_items_added_to_after_their_declaration_keep_every_action(
        tmp_path: Path) -> None:
    # the declared array is not what is sent when the code pushes more items to it (or
    # assigns it again): its literal items would under-state the actions the call needs
    calls = _calls(tmp_path, """
const AWS = require("aws-sdk");
const docs = new AWS.DynamoDB.DocumentClient();
exports.handler = async (event) => {
  const items = [{ Put: { TableName: "orders", Item: event.order } }];
  if (event.old) items.push({ Delete: { TableName: "orders", Key: { id: event.old } } });
  await docs.transactWrite({ TransactItems: items }).promise();
  const fixed = [{ Update: { TableName: "stock", Key: { sku: event.sku } } }];
  await docs.transactWrite({ TransactItems: fixed }).promise();
};
""")
    assert [c[1] for c in _summary(calls)] == [
        ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
         "dynamodb:ConditionCheckItem"),
        ("dynamodb:UpdateItem",),
    ]
