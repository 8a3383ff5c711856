"""The AWS-call interpreter remembers, for a scan, the imports that name no module of the
scanned code (`csv`), and does not evaluate docstrings: the calls found are those of a
run that starts afresh for each handler, and the look-ups saved are those that should be."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest

from faasguard.analysis import aws_interp
from faasguard.analysis.aws_interp import Interpreter
from faasguard.analysis.aws_values import ClassV, ClientV, Frame, FuncV, ModuleV
from faasguard.analysis.taint.modules import Module, ModuleCache
from tests.compiled_support import pure_only

#: Handlers (and a module of the project, store.py) using imports of the standard library,
#: of the project and of the SDK, globals, closures, walrus and comprehension bindings.
HANDLERS = {
    "walrus.py": '''\
        import boto3
        s3 = boto3.client("s3")

        def handler(event, context):
            print(bucket := event["bucket"])
            s3.get_object(Bucket=bucket, Key="k")
    ''',
    "comprehension.py": '''\
        import boto3
        s3 = boto3.client("s3")

        def handler(event, context):
            print([name for name in event["names"]])
            s3.delete_object(Bucket=name, Key="k")
    ''',
    "helper_call.py": '''\
        import json
        import boto3

        def save(item):
            boto3.resource("dynamodb").Table("t").put_item(Item=item)

        def handler(event, context):
            print(json.dumps(event))
            save(event)
            return {"ok": True}
    ''',
    "tail_client.py": '''\
        import boto3
        sqs = boto3.client("sqs")

        def handler(event, context):
            body = event["body"]
            return sqs.send_message(QueueUrl="q", MessageBody=body)
    ''',
    "tail_local_client.py": '''\
        import logging
        import boto3

        def handler(event, context):
            logging.info("start")
            c = boto3.client("sns")
            logging.info("publishing")
            c.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message="m")
            return None
    ''',
    "global_rebound.py": '''\
        import boto3
        client = None

        def connect():
            global client
            client = boto3.client("kinesis")

        def handler(event, context):
            connect()
            print(event)
            client.put_record(StreamName="s", Data=b"x", PartitionKey="p")
    ''',
    "closure.py": '''\
        import boto3

        def handler(event, context):
            table = boto3.resource("dynamodb").Table("orders")

            def write(item):
                table.put_item(Item=item)
            print(event)
            write(event)
    ''',
    "local_module.py": '''\
        import store

        def handler(event, context):
            print(event)
            store.save(event["id"])
    ''',
    "store.py": '''\
        import boto3
        ssm = boto3.client("ssm")
        ssm.get_parameter(Name="/app/config")

        def save(value):
            ssm.put_parameter(Name="/app/last", Value=value)
    ''',
    "substring.py": '''\
        import boto3
        s3 = boto3.client("s3")

        def handler(event, context):
            print("s3 is where it goes " + str(event))
            s3.put_object(Bucket="b", Key="k", Body=b"")
    ''',
    "form_feed.py": '''\
        import boto3
        s3 = boto3.client("s3")
        \f
        def handler(event, context):
            print(event)
            s3.head_bucket(Bucket="b")
    ''',
    "non_ascii.py": '''\
        import boto3
        s3 = boto3.client("s3")

        def handler(event, context):
            print("é" + str(event))
            s3.head_bucket(Bucket="b")
    ''',
}


#: A module of the project named like one of the standard library: never taken for it
#: (unless the Lambda runtime loaded that module before the handler: `json`, `logging`).
HANDLERS["shadow/queue.py"] = '''\
    import boto3

    def dumps(value):
        boto3.client("sqs").send_message(QueueUrl="q", MessageBody=value)
'''
HANDLERS["shadow/json.py"] = '''\
    import boto3

    def dumps(value):
        boto3.client("sns").publish(TopicArn="t", Message=value)
'''
HANDLERS["shadow/handler.py"] = '''\
    import json
    import queue

    def handler(event, context):
        json.dumps(event["body"])
        queue.dumps(event["body"])
'''
HANDLERS["plain_json.py"] = '''\
    """Docstring of the module."""
    import csv
    import json
    import boto3

    def handler(event, context):
        """Docstring of the handler."""
        csv.field_size_limit()
        boto3.client("sqs").send_message(QueueUrl="q", MessageBody=json.dumps(event))
'''
ENTRIES = sorted(f for f, text in HANDLERS.items() if "def handler(" in text)


def _write(root: Path) -> None:
    for name, text in HANDLERS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(dedent(text), encoding="utf-8")


def _run(cache: ModuleCache, file: str) -> list[tuple[str, str, str, int, tuple[object, ...]]]:
    module = cache.get(file)
    base = str(Path(file).parent) if "/" in file else ""
    calls = Interpreter(cache, base).run_handler(module, module.functions["handler"])
    return [(c.service, c.operation, c.file, c.line, c.targets) for c in calls]


def test_calls_are_those_of_a_fresh_run_per_handler(tmp_path: Path) -> None:
    _write(tmp_path)
    shared = ModuleCache(str(tmp_path))  # one scan: what one handler learnt serves the next
    for _ in range(2):
        for file in ENTRIES:
            assert _run(shared, file) == _run(ModuleCache(str(tmp_path)), file), file
    found = {file: _run(shared, file) for file in ENTRIES}
    assert all(found.values()), "every fixture handler makes AWS calls"
    assert [c[1] for c in found["shadow/handler.py"]] == ["SendMessage"]  # the local queue
    assert found["walrus.py"][0][4][0].name.event == "bucket"
    assert found["comprehension.py"][0][4][0].name.event == "names.[]"
    assert [c[1] for c in found["global_rebound.py"]] == ["PutRecord"]
    assert [c[1] for c in found["closure.py"]] == ["PutItem"]
    assert [c[1] for c in found["local_module.py"]] == ["GetParameter", "PutParameter"]


@pure_only("records calls through a replaced ModuleCache.find")
def test_an_import_found_outside_the_code_is_looked_up_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path)
    cache = ModuleCache(str(tmp_path))
    asked: list[str] = []
    real_find = ModuleCache.find

    def find(self: ModuleCache, dotted: str, search: tuple[str, ...]) -> Module | None:
        asked.append(dotted)
        return real_find(self, dotted, search)

    monkeypatch.setattr(ModuleCache, "find", find)
    _run(cache, "plain_json.py")
    assert "csv" in asked and "json" not in asked  # (json: the runtime's, never looked up)
    asked.clear()
    _run(cache, "plain_json.py")  # the same scan: not asked again
    assert "csv" not in asked
    _run(cache, "local_module.py")
    first = asked.count("store")
    _run(cache, "local_module.py")  # a module of the project: asked each time
    assert first > 0 and asked.count("store") == 2 * first
    asked.clear()
    _run(ModuleCache(str(tmp_path)), "plain_json.py")  # another scan: asked again
    assert "csv" in asked


def test_docstrings_are_not_evaluated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path)
    evaluated: list[str] = []
    real_ev = Interpreter.ev

    def spy(self: Interpreter, node: ast.expr, f: Frame) -> object:
        evaluated.append(ast.unparse(node))
        return real_ev(self, node, f)

    monkeypatch.setattr(Interpreter, "ev", spy)
    assert [c[1] for c in _run(ModuleCache(str(tmp_path)), "plain_json.py")] == ["SendMessage"]
    assert "json.dumps(event)" in evaluated
    assert not any("Docstring" in text for text in evaluated)


def test_iam_actions_kept_per_operation_leave_dynamodb_parameters_their_own(
        tmp_path: Path) -> None:
    """The IAM actions of an operation are kept once found, per (service, operation), for
    every scan of the process; DynamoDB's PartiQL statements and transactions need the
    actions their parameters name: each call its own, whichever was asked first."""
    calls = '''\
        ddb.execute_statement(Statement=event["q"])
        ddb.execute_statement(Statement="SELECT * FROM t")
        ddb.execute_statement(Statement="DELETE FROM t WHERE k = 1")
        ddb.transact_write_items(TransactItems=event["items"])
        ddb.transact_write_items(TransactItems=[{"Delete": {"TableName": "t"}}])
        ddb.put_item(TableName="t", Item={})
        s3.get_object(Bucket="b", Key="k")
    '''.splitlines()
    head = 'import boto3\nddb = boto3.client("dynamodb")\ns3 = boto3.client("s3")\n\n' \
        "def handler(event, context):\n"
    (tmp_path / "forward.py").write_text(head + "\n".join(calls) + "\n", encoding="utf-8")
    (tmp_path / "backward.py").write_text(head + "\n".join(calls[::-1]) + "\n",
                                          encoding="utf-8")
    every = ("dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
             "dynamodb:PartiQLDelete")
    transact = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                "dynamodb:ConditionCheckItem")
    want = [every, ("dynamodb:PartiQLSelect",), ("dynamodb:PartiQLDelete",), transact,
            ("dynamodb:DeleteItem",), ("dynamodb:PutItem",), ("s3:GetObject",)]
    for _ in range(2):  # the second time, in other scans: every answer already kept
        for file, expected in (("backward.py", want[::-1]), ("forward.py", want)):
            cache = ModuleCache(str(tmp_path))
            module = cache.get(file)
            found = Interpreter(cache).run_handler(module, module.functions["handler"])
            assert [c.actions for c in found] == expected, file


def _described(value: object) -> object:
    """A value as comparable data (local functions, classes and modules compare by identity)."""
    if isinstance(value, FuncV):
        return ("function", value.module.file, value.node.lineno, value.self_value)
    if isinstance(value, ClassV):
        return ("class", value.info.key)
    if isinstance(value, ModuleV):
        return ("module", value.module.file)
    return value


def test_a_global_name_in_an_expression_is_what_global_name_gives(tmp_path: Path) -> None:
    """`ev` looks a module-level name up itself (5014ae3, 01377eb) rather than calling
    `global_name`: the same answer, in the same order (bound value, function, class,
    import), for every kind of name."""
    (tmp_path / "store.py").write_text(dedent('''\
        import boto3

        def save(value):
            boto3.client("ssm").put_parameter(Name="/p", Value=value)
    '''), encoding="utf-8")
    (tmp_path / "names.py").write_text(dedent('''\
        import boto3
        import os.path
        import json
        import store
        from boto3 import client
        from boto3 import resource
        from store import save
        from nowhere import lost

        s3 = boto3.client("s3")
        unknown = None
        bucket = "b"
        helper = boto3.client("sqs")

        def helper():
            pass

        def client():
            pass

        class resource:
            pass

        def handler(event, context):
            pass
    '''), encoding="utf-8")
    cache = ModuleCache(str(tmp_path))
    module = cache.get("names.py")
    names = ["s3", "unknown", "bucket", "helper", "client", "resource", "handler", "boto3",
             "os", "json", "store", "save", "lost", "str", "undefined"]
    for fresh in (True, False):  # before and after the module's top level ran
        inline, called = Interpreter(cache), Interpreter(cache)
        if not fresh:
            inline.module_env(module)
            called.module_env(module)
        for name in names:
            frame = Frame(module)
            got = inline.ev(ast.Name(id=name, ctx=ast.Load()), frame)
            assert _described(got) == _described(called.global_name(module, name)), name
    env = inline.module_env(module)
    assert isinstance(env["helper"], FuncV) and isinstance(env["s3"], ClientV)


RESOURCES = '''\
    import boto3

    s3 = boto3.resource("s3")
    table = boto3.resource("dynamodb").Table("orders")

    def handler(event, context):
        obj = s3.Bucket("bucket").Object(event["key"])
        obj.get()
        size = obj.content_length
        table.put_item(Item={})
        table.item_count
        s3.Bucket("b").objects.all()
        obj.meta.client.head_bucket(Bucket="b")
        return obj.get(), obj.content_length, table.put_item(Item={})
'''


@pure_only("replaces Interpreter._model")
def test_resource_methods_found_once_answer_as_the_models_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`resource_attribute` remembers which attributes are plain methods; what it answers
    with the memo filled (a second run) is what it answers with the memo empty, loaded
    attributes (`content_length`, `item_count`) still record their load call each time,
    and the model is read once per attribute only while the memo is empty."""
    (tmp_path / "resources.py").write_text(dedent(RESOURCES), encoding="utf-8")

    def run() -> list[tuple[str, str, str, int, tuple[object, ...]]]:
        return _run(ModuleCache(str(tmp_path)), "resources.py")

    aws_interp._PLAIN_ATTRIBUTES.clear()
    empty = run()
    assert ("s3", None, "Bucket") in aws_interp._PLAIN_ATTRIBUTES
    assert ("s3", "Object", "get") in aws_interp._PLAIN_ATTRIBUTES
    assert not any(attr in ("content_length", "item_count", "objects", "meta")
                   for _, _, attr in aws_interp._PLAIN_ATTRIBUTES)
    models: list[object] = []
    real_model = Interpreter._model

    def model(owner: object) -> object:
        models.append(owner)
        return real_model(owner)  # type: ignore[arg-type]

    monkeypatch.setattr(Interpreter, "_model", staticmethod(model))
    assert run() == empty
    assert [c[1] for c in empty] == ["GetObject", "HeadObject", "PutItem", "DescribeTable",
                                     "ListObjects", "HeadBucket", "GetObject", "HeadObject",
                                     "PutItem"]
    read = len(models)
    aws_interp._PLAIN_ATTRIBUTES.clear()
    assert run() == empty
    assert len(models) > read  # the memo spared model reads
