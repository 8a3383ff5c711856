"""The thirteenth session's cheaper paths in the taint analysis give what they replaced.

A module-level `name = call(...)` is evaluated for the kind of object it binds
(`Analyzer._global`); a call that can give neither kind nor taint and changes nothing
(`Analyzer._inert`: `TABLE = boto3.resource("dynamodb").Table(os.environ.get("T"))`) is no
longer evaluated through the whole call analysis. Each shape below is checked against
the full evaluation: the same kinds, hits, classes, class attributes and loop reads.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from test_taint_engine import analyse

from faasguard.analysis.taint.engine import Analyzer
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.analysis.taint.table import build_table
from tests.compiled_support import pure_only

HELPERS = """\
class Client:
    def __init__(self, region):
        self.region = region
"""

#: top-level bindings, each a module of its own (with a helpers module beside it)
SHAPES = {
    "boto3 chain": 'TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t"))',
    "logger": "logger = logging.getLogger(__name__)",
    "object of no kind": 'dynamodb = boto3.resource("dynamodb")\ntable = dynamodb.Table("t")',
    "keyword": 'client = boto3.client("s3", region_name=os.getenv("REGION"))',
    "kind": "session = requests.Session()",
    "kind of a named object": "session = requests.Session()\nother = session.get('u')",
    "kind kept over a rebinding": "session = requests.Session()\nsession = make()",
    "kind through an argument": 'root = str(pathlib.Path("/tmp"))',
    "safe parser": "parser = etree.XMLParser(resolve_entities=False)",
    "local class": "class Db:\n    def __init__(self):\n        self.url = 'x'\n\n\ndb = Db()",
    "imported class": 'client = Client("eu-west-1")',
    "imported class, a method": 'client = boto3.client("s3", region_name=Client.region)',
    "local function": "def make():\n    return requests.Session()\n\n\nsession = make()",
    "declared source": "COMMAND = os.getenv('CMD')",
    "sink at the top level": "RESULT = subprocess.run(os.getenv('CMD'), shell=True)",
    "a source's method": "RESULT = subprocess.run(os.environ.get('CMD'), shell=True)",
    # a validated name is clean from there on: `first` takes no kind from `session`
    "validated": "CHECKED = jsonschema.validate(session, SCHEMA)\n"
                 "session = requests.Session()\nfirst = requests.Request(session)",
    "a mutator": "ITEMS = []\nADDED = ITEMS.append(boto3.client('s3'))",
    "a name of the module": "CONFIG = {'a': 1}\nCOPY = dict(CONFIG)",
    "a validator method": "CHECKED = boto3.client('s3').validate(session)\n"
                          "session = requests.Session()\nfirst = requests.Request(session)",
}

IMPORTS = """\
import logging
import os
import pathlib
import subprocess

import boto3
import jsonschema
import requests
from lxml import etree
from helpers import Client
"""


def _run(tmp_path: Path, body: str, table_user: dict[str, Any] | None,
         inert: bool) -> tuple[Any, ...]:
    """What `_global` leaves, from inside a loop's pass: the kinds, the analyzer's hits,
    classes, class attributes, loop reads and budget."""
    (tmp_path / "helpers.py").write_text(HELPERS)
    (tmp_path / "app.py").write_text(IMPORTS + "\n\n" + textwrap.dedent(body) + "\n")
    analyzer = Analyzer(build_table(table_user), ModuleCache(str(tmp_path)), set(), base="")
    if not inert:
        analyzer._inert = lambda node, f: False  # type: ignore[method-assign]
    analyzer._reads, analyzer._written = set(), set()
    module = analyzer.cache.get("app.py")
    kinds = {name: analyzer._global(module, name) for name in sorted(module.assigned)}
    return (kinds, analyzer.hits, sorted(analyzer.classes), analyzer.class_attrs,
            analyzer._reads, analyzer.budget)


@pure_only("replaces Analyzer._inert on an instance")
@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("declared", [False, True])
def test_an_inert_top_level_call_binds_what_its_evaluation_binds(
        tmp_path: Path, shape: str, declared: bool) -> None:
    table_user = {"sources": ["os.getenv", "os.environ"]} if declared else None
    fast = _run(tmp_path, SHAPES[shape], table_user, inert=True)
    assert fast == _run(tmp_path, SHAPES[shape], table_user, inert=False)


def test_kinds_classes_and_hits_come_through(tmp_path: Path) -> None:
    """The shapes above are not all inert: their kinds, classes and hits are there."""
    kinds, hits, classes, attrs, reads, _ = _run(
        tmp_path, "\n".join(SHAPES[s] for s in ("kind", "local class", "sink at the top level",
                                                  "logger")),
        {"sources": ["os.getenv"]}, inert=True)
    assert kinds["session"].kind == "http-client" and kinds["db"].kind == "cls:app.py:Db"
    assert [(h.category, h.sink) for h in hits] == [("command", "subprocess.run")]
    assert classes == ["app.py:Db"] and list(attrs) == [("app.py:Db", "url")]
    assert "__name__" in reads


@pure_only("counts calls through a replaced Analyzer._e_call")
def test_an_inert_top_level_call_is_not_evaluated(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    evaluated: list[int] = []
    e_call = Analyzer._e_call

    def counted(self: Analyzer, node: Any, f: Any) -> Any:
        evaluated.append(node.lineno)
        return e_call(self, node, f)

    monkeypatch.setattr(Analyzer, "_e_call", counted)
    kinds = _run(tmp_path, SHAPES["boto3 chain"] + "\n" + SHAPES["kind"], None, inert=True)[0]
    assert kinds["session"].kind == "http-client" and kinds["TABLE"].kind is None
    line = IMPORTS.count("\n") + 4  # `session = requests.Session()`: evaluated, alone
    assert evaluated == [line]


HANDLER = """\
import os
import boto3
import requests

TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t"))
session = {session}


def handler(event, context):
    TABLE.scan(FilterExpression=event["filter"])
    return session.get(event["url"])
"""


def test_a_handler_reads_module_objects_as_before(tmp_path: Path) -> None:
    """Positive: the session's kind makes `session.get` a request; negative twin: a
    session of no kind (`None`) is no client, and the inert table is still a NoSQL sink."""
    _, facts, _ = analyse(tmp_path, {"app.py": HANDLER.format(session="requests.Session()")})
    flows = facts.flows["template.yaml#Fn"]
    assert sorted((f.category, f.location.line) for f in flows) == [("nosql", 10),
                                                                     ("ssrf", 11)]
    _, facts, _ = analyse(tmp_path, {"app.py": HANDLER.format(session="None")})
    assert [(f.category, f.location.line) for f in facts.flows["template.yaml#Fn"]] == [
        ("nosql", 10)]
