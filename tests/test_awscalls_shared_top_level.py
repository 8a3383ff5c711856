"""The AWS-call interpreter runs a module's top level once in a scan when its outcome
depends on nothing but the module's text and the SDK (no function followed, no project
module or class read, no global rebound from a function): every later handler of that
module, or of a module importing it, takes its globals and records its calls again. The
calls found are those of a fresh run per handler, shared or not."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from textwrap import dedent

from faasguard.analysis.aws_interp import Interpreter
from faasguard.analysis.aws_values import FuncV
from faasguard.analysis.taint.modules import ModuleCache

#: Modules of several handlers each. `multi.py`, `store.py` and `uses_store.py` (an import
#: only) have top levels of their own text and the SDK; the others' read more than that (a
#: global a function rebinds, a function followed, a project module's name, a class of the
#: module).
MODULES = {
    "multi.py": '''\
        import os
        import boto3

        ssm = boto3.client("ssm")
        CONFIG = ssm.get_parameter(Name="/app/config")
        TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t"))
        BUCKET = os.environ["BUCKET"]

        def first(event, context):
            TABLE.put_item(Item={"id": event["id"]})

        def second(event, context):
            boto3.client("s3").get_object(Bucket=BUCKET, Key=event["key"])

        def third(event, context):
            return TABLE.get_item(Key={"id": "x"})
    ''',
    "rebinds.py": '''\
        import boto3

        client = boto3.client("sqs")

        def connect():
            global client
            client = boto3.client("kinesis")

        def first(event, context):
            connect()
            client.put_record(StreamName="s", Data=b"x", PartitionKey="p")

        def second(event, context):
            client.send_message(QueueUrl="q", MessageBody="m")
    ''',
    "follows.py": '''\
        import boto3

        def make_table():
            return boto3.resource("dynamodb").Table("orders")

        TABLE = make_table()

        def first(event, context):
            TABLE.put_item(Item=event)

        def second(event, context):
            TABLE.delete_item(Key={"id": event["id"]})
    ''',
    "uses_store.py": '''\
        from store import table

        def first(event, context):
            table.put_item(Item=event)

        def second(event, context):
            table.scan()
    ''',
    "store.py": '''\
        import boto3

        table = boto3.resource("dynamodb").Table("store")
        boto3.client("sts").get_caller_identity()
    ''',
    "reads_store.py": '''\
        from store import table

        ALIAS = table

        def first(event, context):
            ALIAS.put_item(Item=event)

        def second(event, context):
            ALIAS.scan()
    ''',
    "classy.py": '''\
        import boto3

        class Config:
            TABLE = "settings"

        NAME = Config.TABLE
        table = boto3.resource("dynamodb").Table(NAME)

        def first(event, context):
            table.put_item(Item=event)

        def second(event, context):
            table.get_item(Key={"id": "x"})
    ''',
}
HANDLERS = [(file, name) for file in sorted(MODULES) for name in ("first", "second", "third")
            if f"def {name}(" in MODULES[file]]


def _write(root: Path) -> None:
    for name, text in MODULES.items():
        (root / name).write_text(dedent(text), encoding="utf-8")


def _run(cache: ModuleCache, file: str, handler: str) -> list[tuple[object, ...]]:
    module = cache.get(file)
    calls = Interpreter(cache).run_handler(module, module.functions[handler])
    return [(c.service, c.operation, c.method, c.actions, c.targets, c.file, c.line, c.via)
            for c in calls]


def test_calls_are_those_of_a_fresh_run_per_handler(tmp_path: Path) -> None:
    _write(tmp_path)
    shared = ModuleCache(str(tmp_path))
    for _ in range(2):  # (the second pass takes every shared top level)
        for file, handler in HANDLERS:
            assert _run(shared, file, handler) == \
                _run(ModuleCache(str(tmp_path)), file, handler), (file, handler)
    found = {(file, handler): [c[1] for c in _run(shared, file, handler)]
             for file, handler in HANDLERS}
    assert found["multi.py", "first"] == ["GetParameter", "PutItem"]
    assert found["multi.py", "second"] == ["GetParameter", "GetObject"]
    assert found["multi.py", "third"] == ["GetParameter", "GetItem"]
    assert found["rebinds.py", "first"] == ["PutRecord"]
    assert found["rebinds.py", "second"] == ["SendMessage"]
    assert found["uses_store.py", "first"] == ["GetCallerIdentity", "PutItem"]
    assert found["uses_store.py", "second"] == ["GetCallerIdentity", "Scan"]
    assert found["reads_store.py", "second"] == ["GetCallerIdentity", "Scan"]


def test_only_top_levels_of_their_own_text_and_the_sdk_are_shared(tmp_path: Path) -> None:
    _write(tmp_path)
    cache = ModuleCache(str(tmp_path))
    shared = {}
    for file in sorted(MODULES):
        module = cache.get(file)
        first = Interpreter(cache).module_env(module)
        again = Interpreter(cache).module_env(module)
        shared[file] = file in cache.aws_tops
        assert [(name, value.node if isinstance(value, FuncV) else value)
                for name, value in first.items()] == \
            [(name, value.node if isinstance(value, FuncV) else value)
             for name, value in again.items()], file
        # a function a top-level `def` binds reads the globals of its own analysis
        assert all(value.closure is again for value in again.values()
                   if isinstance(value, FuncV)), file
    # (an import runs nothing at the top level: `table` of uses_store.py is looked up
    # in store.py where a handler reads it)
    assert shared == {"multi.py": True, "store.py": True, "uses_store.py": True,
                      "rebinds.py": False, "follows.py": False, "reads_store.py": False,
                      "classy.py": False}


def test_shared_per_base_and_layers(tmp_path: Path) -> None:
    _write(tmp_path)
    cache = ModuleCache(str(tmp_path))
    module = cache.get("multi.py")
    Interpreter(cache).module_env(module)
    Interpreter(cache, "lib").module_env(module)  # another base: imports may differ
    assert sorted(cache.aws_tops["multi.py"]) == [((), ""), ((), "lib")]


def test_dropped_with_the_tree(tmp_path: Path) -> None:
    """A shared top level refers to its module's tree (a function's node): it goes when
    the cache drops the tree, and it holds no reference cycle, so reference counting
    frees the tree (the cyclic collector is paused during the analyses)."""
    _write(tmp_path)
    gc.collect()
    gc.disable()
    try:
        cache = ModuleCache(str(tmp_path), retain=0)
        module = cache.get("multi.py")
        Interpreter(cache).module_env(module)
        gc.collect()  # the analysis's own cycles (as `release` collects between handlers)
        assert "multi.py" in cache.aws_tops
        tree = weakref.ref(module.tree)
        del module
        cache.release()  # (retain=0: the tree is dropped)
        assert "multi.py" not in cache.aws_tops and tree() is None
        kept = ModuleCache(str(tmp_path))
        module = kept.get("multi.py")
        Interpreter(kept).module_env(module)
        gc.collect()
        assert "multi.py" in kept.aws_tops
        tree = weakref.ref(module.tree)
        del module, kept  # the scan's end: the cache goes
        assert tree() is None
    finally:
        gc.enable()
