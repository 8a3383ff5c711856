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
from tests.compiled_support import pure_only

#: The clients both handlers below call.
CLIENTS = '''\
    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    sns = boto3.client("sns")
    ddb = boto3.client("dynamodb")
    lam = boto3.client("lambda")
'''

DISCARDED = '''\
    import json
    import boto3

''' + CLIENTS + '''

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

''' + CLIENTS + '''

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


@pure_only("records calls through a replaced Interpreter.subscript")
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


#: Every kind of expression in every position whose value nothing uses, with SDK calls,
#: event parts, helpers and other modules' names wherever one can stand, the places `ev`
#: does not evaluate included (a dict's keys, a format spec).
EVERY_KIND = '''\
    import json
    import os
    import boto3
    import helpers

    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    ddb = boto3.resource("dynamodb")
    table = ddb.Table(os.environ["TABLE"])

    def bucket(name):
        s3.head_bucket(Bucket=name)
        return s3

    class Store:
        def __init__(self, queue):
            self.queue = queue

        def send(self, body):
            return sqs.send_message(QueueUrl=self.queue, MessageBody=body)

    async def handler(event, context):
        store = Store(event["queue"])
        s3.get_object(Bucket="a", Key="k")[s3.list_buckets()["x"]]
        event.get(s3.get_bucket_acl(Bucket="b"), sqs.list_queues())
        event.get(*[sqs.get_queue_url(QueueName=event["q"])], default=table.scan())
        event.to_dict()
        event.Records[0].get(sqs.purge_queue(QueueUrl="p"))
        get = event.get
        get(s3.get_bucket_policy_status(Bucket="b2"))
        event["Records"][sqs.get_queue_url(QueueName="q")]
        await s3.get_bucket_ownership_controls(Bucket="aw")
        f"{s3.get_bucket_policy(Bucket='c')!r:{sqs.purge_queue(QueueUrl='u')}}"
        {s3.delete_bucket(Bucket="key"): s3.put_object(Bucket="d", Key="k", Body=b""),
         **{"x": table.put_item(Item={})}}
        s3.list_objects(Bucket="e") and table.get_item(Key={}) or store.send("m")
        s3.list_objects_v2(Bucket="f") + bucket("g").get_object(Bucket="g", Key="k")
        s3.copy_object(Bucket="h", Key="k", CopySource="s") if table.scan() else \\
            sqs.delete_queue(QueueUrl="v")
        [s3.delete_object(Bucket="i", Key="k"), *[table.query()]]
        (sqs.send_message(QueueUrl="w", MessageBody="m"), event.get("body"))
        {s3.get_bucket_location(Bucket="j")}
        [table.delete_item(Key={}) for r in event["Records"] if sqs.get_queue_attributes(
            QueueUrl=r["q"])]
        {k: s3.get_object_acl(Bucket=k, Key="k") for k in s3.list_buckets()["Buckets"]}
        (n := s3.head_object(Bucket="k", Key="k"))
        lambda: s3.delete_bucket(Bucket="lambda")
        not s3.get_bucket_tagging(Bucket="l")
        s3.get_bucket_versioning(Bucket="m") < table.update_item(Key={})
        helpers.Thing.attr
        json.dumps(s3.get_bucket_cors(Bucket="n"), default=table.batch_writer())
        getattr(s3, "get_bucket_website")(Bucket="o")
        if s3.get_bucket_logging(Bucket="p")[event["x"]]:
            pass
        while event.get(sqs.change_message_visibility(QueueUrl="x", ReceiptHandle="r")):
            break
        total = 0
        total += s3.get_bucket_encryption(Bucket="q")["n"]
        store.items[s3.get_bucket_lifecycle(Bucket="r")] = n
        assert table.get_item(Key={"k": event["k"]}), f"{s3.list_multipart_uploads(Bucket='s')}"
        return {"a": bucket(event["b"]).put_object(Bucket="t", Key=event["k"], Body=b"")}
'''


def test_effects_records_what_ev_records(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """`effects` must follow and record the calls `ev` would, in the same order (two
    evaluators of one language: a case added to one and not the other shows here): with
    `ev` in its place, the very same calls are found, targets and actions included."""
    (tmp_path / "every.py").write_text(dedent(EVERY_KIND), encoding="utf-8")
    (tmp_path / "helpers.py").write_text(
        "import boto3\nThing = boto3.client('sns')\nThing.publish(TopicArn='t', Message='m')\n",
        encoding="utf-8")

    def calls() -> list[Any]:
        cache = ModuleCache(str(tmp_path))
        module = cache.get("every.py")
        return Interpreter(cache).run_handler(module, module.functions["handler"])

    fast = calls()
    monkeypatch.setattr(Interpreter, "effects", lambda self, node, f: self.ev(node, f))
    assert len(fast) >= 40
    assert fast == calls()
