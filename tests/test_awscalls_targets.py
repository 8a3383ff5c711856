"""Calls on the left of a binding: the key of a subscript target and the object of an
attribute target are evaluated (for the calls in them) wherever a target stands: plain,
augmented and annotated assignments, `del`, `for`, `with ... as` and comprehension targets,
starred and nested ones, in the order Python evaluates them."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache

HEAD = '''\
import boto3

s3 = boto3.client("s3")
ddb = boto3.client("dynamodb")
table = boto3.resource("dynamodb").Table("t")
cache = {}


'''

#: One handler per kind of target, each with an SDK call inside the target itself.
TARGETS = {
    "assign key": '''
def handler(event, context):
    cache[ddb.get_item(TableName="t", Key={})["Item"]["id"]] = 1
''',
    "assign subscript as key": '''
def handler(event, context):
    x = {}
    x[table.query()] = event["a"]
''',
    "assign attribute object": '''
def handler(event, context):
    s3.get_object(Bucket="b", Key="k")["Body"].seen = True
''',
    "augmented key": '''
def handler(event, context):
    cache[s3.head_object(Bucket="b", Key="k")["ETag"]] += 1
''',
    "augmented attribute object": '''
def handler(event, context):
    ddb.describe_table(TableName="t")["Table"].count += 1
''',
    "annotated key": '''
def handler(event, context):
    cache[table.scan()["Count"]]: int = 1
''',
    "annotated without value": '''
def handler(event, context):
    cache[table.scan()["Count"]]: int
''',
    "delete key": '''
def handler(event, context):
    del cache[s3.list_buckets()["Owner"]]
''',
    "for key": '''
def handler(event, context):
    for cache[s3.list_objects_v2(Bucket="b")["Name"]] in event["Records"]:
        pass
''',
    "with key": '''
def handler(event, context):
    with open("/tmp/x") as cache[table.get_item(Key={})["Item"]]:
        pass
''',
    "tuple with starred key": '''
def handler(event, context):
    first, *cache[table.delete_item(Key={})["x"]] = event["Records"]
''',
    "comprehension key": '''
def handler(event, context):
    return [1 for cache[s3.get_bucket_acl(Bucket="b")["x"]] in event["Records"]]
''',
    "nested subscript key": '''
def handler(event, context):
    cache["a"][s3.get_bucket_policy(Bucket="b")["Policy"]] = 2
''',
}

EXPECTED = {
    "assign key": ["GetItem"],
    "assign subscript as key": ["Query"],
    "assign attribute object": ["GetObject"],
    "augmented key": ["HeadObject"],
    "augmented attribute object": ["DescribeTable"],
    "annotated key": ["Scan"],
    "annotated without value": ["Scan"],
    "delete key": ["ListBuckets"],
    "for key": ["ListObjectsV2"],
    "with key": ["GetItem"],
    "tuple with starred key": ["DeleteItem"],
    "comprehension key": ["GetBucketAcl"],
    "nested subscript key": ["GetBucketPolicy"],
}


def _calls(tmp_path: Path, body: str) -> list[tuple[str, int]]:
    (tmp_path / "handler.py").write_text(HEAD + dedent(body), encoding="utf-8")
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "handler.py", "handler")
    assert calls is not None
    return [(c.operation, c.line) for c in calls]


@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_a_call_inside_a_target_is_recorded(tmp_path: Path, kind: str) -> None:
    found = _calls(tmp_path, TARGETS[kind])
    assert [operation for operation, _ in found] == EXPECTED[kind]
    handler_line = (HEAD + dedent(TARGETS[kind])).splitlines().index(
        "def handler(event, context):") + 1
    assert all(line > handler_line for _, line in found)  # at the target's own line


def test_the_target_is_evaluated_after_the_value_and_before_for_augmented(
        tmp_path: Path) -> None:
    found = _calls(tmp_path, '''
def handler(event, context):
    cache[s3.get_object(Bucket="b", Key="k")] = ddb.get_item(TableName="t", Key={})
    cache[s3.head_bucket(Bucket="b")] += ddb.scan(TableName="t")["Count"]
    x: dict = {}
    x[s3.list_buckets()]: int = ddb.query(TableName="t")
''')
    assert [operation for operation, _ in found] == [
        "GetItem", "GetObject", "HeadBucket", "Scan", "Query", "ListBuckets"]


def test_targets_without_calls_record_nothing(tmp_path: Path) -> None:
    found = _calls(tmp_path, '''
def handler(event, context):
    out = {}
    out[event["id"]] = event["body"]
    out["n"] += 1
    out[event.get("k")]: int = 2
    del out[event["id"]]
    for out[event["k"]] in event["Records"]:
        pass
    with open("/tmp/x") as out["f"]:
        pass
    first, *out[len(event)] = event["Records"]
    event["x"].y = 1
    [1 for out["k"] in event["Records"]]
''')
    assert found == []


def test_a_starred_name_is_bound_to_no_known_value(tmp_path: Path) -> None:
    """`first, *rest = ...` binds `rest` to a list of what is not tracked: an older value
    of `rest` (here a client) is not used after it."""
    found = _calls(tmp_path, '''
def handler(event, context):
    rest = s3
    first, *rest = event["Records"]
    rest.get_object(Bucket="b", Key="k")
''')
    assert found == []


def test_a_call_in_a_match_guard_is_recorded(tmp_path: Path) -> None:
    found = _calls(tmp_path, '''
def handler(event, context):
    match event["kind"]:
        case "a" if s3.head_bucket(Bucket="b"):
            ddb.get_item(TableName="t", Key={})
        case _ if event["x"]:
            pass
''')
    assert [operation for operation, _ in found] == ["HeadBucket", "GetItem"]


#: Python's own order, one handler per kind of target: the calls in the order CPython
#: makes them (checked by running the same shapes with objects that log their calls; a
#: `match` runs each case in turn here, as if every earlier one had not matched).
ORDERS = {
    "assign: value, then each target left to right, object before key": ('''
def handler(event, context):
    cache[s3.head_bucket(Bucket="b")][ddb.scan(TableName="t")] = \\
        cache[s3.list_buckets()] = ddb.query(TableName="t")
''', ["Query", "HeadBucket", "Scan", "ListBuckets"]),
    "assign attribute: value, then the object": ('''
def handler(event, context):
    s3.get_object(Bucket="b", Key="k")["Body"].seen = ddb.get_item(TableName="t", Key={})
''', ["GetItem", "GetObject"]),
    "tuple: value, then each element left to right (after a starred one too)": ('''
def handler(event, context):
    cache[s3.head_bucket(Bucket="b")], *cache[ddb.scan(TableName="t")], \\
        cache[s3.list_buckets()] = ddb.query(TableName="t")
''', ["Query", "HeadBucket", "Scan", "ListBuckets"]),
    "augmented: object, key, then value": ('''
def handler(event, context):
    cache[s3.head_bucket(Bucket="b")][ddb.scan(TableName="t")] += ddb.query(TableName="t")
''', ["HeadBucket", "Scan", "Query"]),
    "annotated without value: object, then key": ('''
def handler(event, context):
    cache[s3.head_bucket(Bucket="b")][ddb.scan(TableName="t")]: int
''', ["HeadBucket", "Scan"]),
    "del: each target left to right, object before key": ('''
def handler(event, context):
    del cache[s3.head_bucket(Bucket="b")][ddb.scan(TableName="t")], \\
        cache[s3.list_buckets()]
''', ["HeadBucket", "Scan", "ListBuckets"]),
    "for: the iterable, then the target, then the body": ('''
def handler(event, context):
    for cache[s3.head_bucket(Bucket="b")] in ddb.query(TableName="t")["Items"]:
        s3.list_buckets()
''', ["Query", "HeadBucket", "ListBuckets"]),
    "with: each item's context, then its target, then the next item": ('''
def handler(event, context):
    with open(ddb.query(TableName="t")) as cache[s3.head_bucket(Bucket="b")], \\
            open(ddb.scan(TableName="t")) as cache[s3.list_buckets()]:
        pass
''', ["Query", "HeadBucket", "Scan", "ListBuckets"]),
    "comprehension: iterable, target, conditions, inner iterable, element": ('''
def handler(event, context):
    return [s3.list_buckets() for cache[s3.head_bucket(Bucket="b")] in
            ddb.query(TableName="t")["Items"] if ddb.scan(TableName="t")
            for x in s3.list_objects_v2(Bucket="b")["Contents"]]
''', ["Query", "HeadBucket", "Scan", "ListObjectsV2", "ListBuckets"]),
    "match: the subject, then each case's guard before its body": ('''
def handler(event, context):
    match ddb.query(TableName="t"):
        case {"a": 1} if s3.head_bucket(Bucket="b"):
            ddb.scan(TableName="t")
        case _ if s3.list_buckets():
            pass
''', ["Query", "HeadBucket", "Scan", "ListBuckets"]),
}


@pytest.mark.parametrize("kind", sorted(ORDERS))
def test_targets_are_evaluated_in_pythons_order(tmp_path: Path, kind: str) -> None:
    body, expected = ORDERS[kind]
    assert [operation for operation, _ in _calls(tmp_path, body)] == expected


def test_names_after_a_starred_target_take_the_last_items(tmp_path: Path) -> None:
    """`a, *rest, last = (s3, x, y, ddb)`: `last` is the last item (ddb), not the third;
    with too few items to tell, what comes after the starred name is not known."""
    found = _calls(tmp_path, '''
def handler(event, context):
    a, *rest, last = (s3, event, event, ddb)
    last.get_item(TableName="t", Key={})
    a.head_bucket(Bucket="b")
    *rest, last = (ddb, s3)
    last.list_buckets()
    first, *rest, last = (s3,)
    last.list_buckets()
''')
    assert [operation for operation, _ in found] == ["GetItem", "HeadBucket", "ListBuckets"]
