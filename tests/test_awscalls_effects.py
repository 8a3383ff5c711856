"""Values nothing uses (a test, an unknown function's arguments, the handler's own return
value, a method of the event whose result is dropped) are evaluated for their effects
only: every call in them is still found, in source order, and the values `ev` would
throw away (parts of the event, dicts) are not built."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from faasguard.analysis import aws_interp
from faasguard.analysis.aws_interp import Interpreter
from faasguard.analysis.taint.modules import ModuleCache

DISCARDED = '''\
    import json
    import boto3

    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    sns = boto3.client("sns")
    ddb = boto3.client("dynamodb")
    lam = boto3.client("lambda")

    def handler(event, context):
        if s3.head_bucket(Bucket="tested"):
            pass
        while sqs.receive_message(QueueUrl=f"https://q/{event['q']}"):
            break
        print(json.dumps({"item": ddb.get_item(TableName="unknown-arg", Key={})}))
        event.get("body", sns.publish(TopicArn="arn:aws:sns:eu-west-1:1:event-arg", Message="m"))
        assert lam.invoke(FunctionName="asserted") or event["x"][s3.list_buckets()]
        total = 0
        total += len(sqs.list_queues() or [])
        return {"status": ddb.put_item(TableName="returned", Item={}), "raw": event["a"]}
'''

#: The same calls where every value is used: what ev finds there, effects must find too.
USED = '''\
    import boto3

    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    sns = boto3.client("sns")
    ddb = boto3.client("dynamodb")
    lam = boto3.client("lambda")

    def handler(event, context):
        a = s3.head_bucket(Bucket="tested")
        b = sqs.receive_message(QueueUrl=f"https://q/{event['q']}")
        c = ddb.get_item(TableName="unknown-arg", Key={})
        d = sns.publish(TopicArn="arn:aws:sns:eu-west-1:1:event-arg", Message="m")
        e = lam.invoke(FunctionName="asserted")
        f = s3.list_buckets()
        g = sqs.list_queues()
        h = ddb.put_item(TableName="returned", Item={})
'''

HELPER = '''\
    import boto3

    def bucket_client():
        return boto3.client("s3")

    def handler(event, context):
        bucket_client().get_object(Bucket="b", Key="k")
        return bucket_client().put_object(Bucket="b", Key="k", Body=b"")
'''


def _calls(tmp_path: Path, name: str, text: str) -> list[tuple[Any, ...]]:
    (tmp_path / name).write_text(dedent(text), encoding="utf-8")
    cache = ModuleCache(str(tmp_path))
    module = cache.get(name)
    calls = Interpreter(cache).run_handler(module, module.functions["handler"])
    return [(c.operation, c.actions, tuple((t.kind, t.name) for t in c.targets))
            for c in calls]


def test_calls_in_discarded_values_are_found_in_order(tmp_path: Path) -> None:
    found = _calls(tmp_path, "discarded.py", DISCARDED)
    assert [c[0] for c in found] == ["HeadBucket", "ReceiveMessage", "GetItem", "Publish",
                                     "Invoke", "ListBuckets", "ListQueues", "PutItem"]
    assert found == _calls(tmp_path, "used.py", USED)


def test_discarded_values_are_not_built(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real_subscript, real_dict = Interpreter.subscript, Interpreter._dict

    def subscript(self: Interpreter, base: Any, key: Any) -> Any:
        built.append("subscript")
        return real_subscript(self, base, key)

    def make_dict(self: Interpreter, node: Any, f: Any) -> Any:
        built.append("dict")
        return real_dict(self, node, f)

    monkeypatch.setattr(Interpreter, "subscript", subscript)
    monkeypatch.setitem(aws_interp._EXPRESSIONS, ast.Dict, make_dict)
    _calls(tmp_path, "discarded.py", DISCARDED)
    # only the values SDK calls take are built: the f-string's `event['q']`, the Key={}
    # and Item={} arguments; none of the dropped `event[...]`, `{"item": ...}`, `{...}`
    assert built == ["subscript", "dict", "dict"]


def test_a_helper_s_return_value_is_still_used(tmp_path: Path) -> None:
    assert [c[0] for c in _calls(tmp_path, "helper.py", HELPER)] == ["GetObject", "PutObject"]
