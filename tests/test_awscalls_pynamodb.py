"""PynamoDB models: the DynamoDB operations their methods send, on the table their
`Meta.table_name` names (the item a `get` gives and the items of a `query` are instances of
the model, so the project's own methods on them are followed)."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache

MODELS = '''
import os

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model


class Base(Model):
    def touch(self):
        self.save()


class Order(Base):
    class Meta:
        table_name = os.environ["ORDERS_TABLE"]
        region = "eu-west-1"

    order_id = UnicodeAttribute(hash_key=True)

    def save(self, condition=None):
        super().save(condition)

    def archive(self):
        super(Order, self).delete()


class Note(Model):
    note_id = UnicodeAttribute(hash_key=True)


class Cache:
    def get(self, key):
        return key
'''

HANDLER = '''
from models import Cache, Note, Order


def handler(event, context):
    order = Order.get(event["id"])
    order.touch()
    for old in Order.query(event["customer"]):
        old.archive()
    Order.count()
    Note(note_id="n").refresh()
    Cache().get("x")
    return order
'''


def _calls(tmp_path: Path, handler: str = HANDLER) -> list:
    (tmp_path / "models.py").write_text(MODELS)
    (tmp_path / "app.py").write_text(handler)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler")
    assert calls is not None
    return calls


def test_model_methods_are_dynamodb_operations_on_the_meta_table(tmp_path: Path) -> None:
    found = {(c.operation, c.file, c.line, c.via,
              tuple((t.kind, t.name.env) for t in c.targets)) for c in _calls(tmp_path)}
    orders = (("table", "ORDERS_TABLE"),)
    assert found == {
        ("GetItem", "app.py", 6, "pynamodb", orders),
        ("PutItem", "models.py", 21, "pynamodb", orders),  # touch -> save -> super().save
        ("Query", "app.py", 8, "pynamodb", orders),
        ("DeleteItem", "models.py", 24, "pynamodb", orders),  # super(Order, self).delete
        ("Query", "app.py", 10, "pynamodb", orders),
        ("DescribeTable", "app.py", 10, "pynamodb", orders),
        ("GetItem", "app.py", 11, "pynamodb", ()),  # a model without Meta: table unknown
    }
    assert all(c.actions == (f"dynamodb:{c.operation}",) for c in _calls(tmp_path))


def test_classes_that_are_no_model_make_no_call(tmp_path: Path) -> None:
    assert _calls(tmp_path, "from models import Cache\n\n\ndef handler(event, context):\n"
                            "    return Cache().get(event['id'])\n") == []
