"""SDK objects a class body creates (`client = boto3.client(...)` as a class attribute),
read through an instance (`self.client`) or the class, as a base class's too."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache

CODE = '''
import os

import boto3


class Store:
    client = boto3.client("dynamodb")
    table = boto3.resource("dynamodb").Table(os.environ["ORDERS"])
    retries = 3

    def get(self, key):
        return self.client.get_item(TableName="orders", Key={"id": {"S": key}})


class Orders(Store):
    def put(self, item):
        return self.table.put_item(Item=item)


class Plain:
    def get(self, key):
        return self.client.get_item(TableName="orders", Key={"id": {"S": key}})


def handler(event, context):
    orders = Orders()
    orders.get(event["id"])
    orders.put({"id": event["id"]})
    Store.client.delete_item(TableName="orders", Key={"id": {"S": "x"}})
    Plain().get("x")
    return orders.retries
'''


def test_class_attributes_hold_sdk_objects(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CODE)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler") or []
    found = [(c.line, c.operation, tuple((t.name.literal, t.name.env) for t in c.targets))
             for c in calls]
    assert found == [
        (13, "GetItem", (("orders", None),)),
        (18, "PutItem", ((None, "ORDERS"),)),
        (30, "DeleteItem", (("orders", None),)),
    ]
