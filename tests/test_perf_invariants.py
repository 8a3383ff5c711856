"""Structural properties the scan's speed relies on (never timings): same output as the
slow way, each file read once, each question answered once."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from faasguard.report.jsontext import dumps


class _Label(str):
    pass


class _Count(int):
    pass


class _Colour(enum.Enum):
    RED = "red"


JSON_SAMPLES: list[Any] = [
    {}, [], (), "", 0, -7, 1.5, -0.0, 1e300, None, True, False,
    {"a": [], "b": {}, "c": [{}], "d": [[]]},
    {3: "int key", 2.5: "float key", True: "bool key", False: "false", None: "none key"},
    [float("nan"), float("inf"), -float("inf")],
    "quotes \" backslash \\ newline \n tab \t nul \x00 line sep \u2028 accents é 漢字 😀",
    (1, (2, (3,))),
    _Label("a str subclass"), _Count(12), {_Label("k"): [_Label("v")]},
    {"enum": _Colour.RED, "in a list": [_Colour.RED], "set": frozenset()},
    {"deep": {"deeper": {"deepest": [1, {"x": [None, "y"]}]}}},
]


@pytest.mark.parametrize("value", JSON_SAMPLES, ids=range(len(JSON_SAMPLES)))
def test_jsontext_writes_the_bytes_json_dumps_writes(value: Any) -> None:
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False, default=str)


def test_jsontext_other_indent() -> None:
    value = {"a": [1, {"b": "c"}]}
    assert dumps(value, indent=4) == json.dumps(value, indent=4)


def test_jsontext_rejects_keys_json_rejects() -> None:
    with pytest.raises(TypeError):
        json.dumps({(1, 2): 1})
    with pytest.raises(TypeError):
        dumps({(1, 2): 1})


IAM_PATTERNS: list[tuple[Any, ...]] = [
    (), ("*",), ("*:*",), ("s3:GetObject",), ("S3:getobject ",), ("s3:Get*", "iam:PassRole"),
    ("iam:*Role*", "lambda:Create?unction"), ("sts:AssumeRole", "sts:*"), ("ec2:Describe*",),
    ("iam:PassRole", 7, None),  # entries that are not strings are ignored
]
IAM_ACTIONS = ["s3:GetObject", "s3:getobject", "S3:PUTOBJECT", "iam:PassRole", "iam:passrole\n",
               "iam:CreateRole", "lambda:CreateFunction", "lambda:CreateXunction",
               "sts:AssumeRole", "ec2:DescribeInstances", "dynamodb:PutItem", "iam:Pass"]


@pytest.mark.parametrize("patterns", IAM_PATTERNS, ids=range(len(IAM_PATTERNS)))
def test_statement_matcher_answers_as_each_pattern_would(patterns: tuple[Any, ...]) -> None:
    from faasguard.rules.iam_tables import action_matches, any_matches

    for action in IAM_ACTIONS:
        expected = any(isinstance(p, str) and action_matches(p, action) for p in patterns)
        assert any_matches(patterns, action) is expected, (patterns, action)


def test_statement_matcher_with_unhashable_entries() -> None:
    from faasguard.rules.iam_tables import any_matches

    patterns: tuple[Any, ...] = ({"Ref": "Action"}, "s3:Get*")
    assert any_matches(patterns, "s3:GetObject")
    assert not any_matches(patterns, "s3:PutObject")


# ------------------------------------------------------------------ each file read once

SAM_WITH_SECRET = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  DbPassword:
    Type: String
    Default: hunter2-is-not-a-password
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: src/
      Handler: app.handler
"""

SERVERLESS_WITH_SECRET = """\
service: shop
provider:
  name: aws
  runtime: python3.12
custom:
  stripeSecretKey: sk_live_51Habcdefghijklmnopqrstuvwx
functions:
  orders:
    handler: src/orders.handler
"""

HANDLER = """\
import subprocess


def handler(event, context):
    subprocess.run("echo " + event["body"], shell=True)
    return {"statusCode": 200}
"""


def _project(root: Any) -> None:
    (root / "sam").mkdir()
    (root / "sam" / "src").mkdir()
    (root / "sam" / "template.yaml").write_text(SAM_WITH_SECRET)
    (root / "sam" / "src" / "app.py").write_text(HANDLER)
    (root / "sls").mkdir()
    (root / "sls" / "src").mkdir()
    (root / "sls" / "serverless.yml").write_text(SERVERLESS_WITH_SECRET)
    (root / "sls" / "src" / "orders.py").write_text(HANDLER)
    (root / "sls" / "src" / "util.py").write_text("VALUE = 1\n")


def test_each_template_and_each_python_file_is_parsed_once(tmp_path: Any,
                                                           monkeypatch: Any) -> None:
    import ast
    import os

    from faasguard.loaders import documents
    from faasguard.scan import scan_paths

    _project(tmp_path)
    templates: list[str] = []
    parsed: list[str] = []
    read_text, parse = documents.read_text, ast.parse

    def counting_read(path: str, *args: Any, **kwargs: Any) -> str:
        templates.append(os.path.relpath(path, tmp_path).replace(os.sep, "/"))
        return read_text(path, *args, **kwargs)

    def counting_parse(source: Any, filename: str = "<unknown>", *args: Any,
                       **kwargs: Any) -> Any:
        if filename.endswith(".py"):
            parsed.append(filename)
        return parse(source, filename, *args, **kwargs)

    monkeypatch.setattr(documents, "read_text", counting_read)
    monkeypatch.setattr(ast, "parse", counting_parse)
    result = scan_paths([str(tmp_path)], jobs=1)

    assert sorted(templates) == ["sam/template.yaml", "sls/serverless.yml"]
    assert sorted(parsed) == ["sam/src/app.py", "sls/src/orders.py", "sls/src/util.py"]
    rules = {(f.rule_id, f.location.file) for f in result.findings}
    # the template secrets are still found (judged on the loader's document) ...
    assert ("FG-DATA-002", "sam/template.yaml") in rules
    assert ("FG-DATA-002", "sls/serverless.yml") in rules
    # ... and the handlers still analysed from the one parse
    assert {"sam/src/app.py", "sls/src/orders.py"} <= {
        f.location.file for f in result.findings if f.rule_id.startswith("FG-INJ")}


def test_template_secrets_read_the_file_when_the_loader_did_not(tmp_path: Any) -> None:
    from faasguard.analysis.facts import Facts
    from faasguard.analysis.template_secrets import analyse
    from faasguard.model import App, SourceFile

    (tmp_path / "template.yaml").write_text(SAM_WITH_SECRET)
    app = App(root=str(tmp_path), files=[SourceFile("template.yaml", "sam")])
    facts = Facts()
    analyse(app, facts)
    assert [f.kind for f in facts.code["template.yaml"].of_kind("template-secret")] == \
        ["template-secret"]


def test_code_facts_walk_visits_what_ast_walk_visits_in_its_order() -> None:
    import ast
    from pathlib import Path

    from faasguard.analysis.code_facts import walk

    source = Path(__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert [id(n) for n in walk(tree)] == [id(n) for n in ast.walk(tree)]


def test_name_index_finds_what_the_linear_match_finds() -> None:
    from faasguard.analysis.awscalls import NameIndex, _match_resource
    from faasguard.model import App, DataResource, Function, Location

    app = App()
    where = Location("t.yml", 1)
    resources: list[tuple[str, Any, str]] = [
        ("t.yml#A", "table", "orders"), ("t.yml#B", "bucket", "orders"),
        ("t.yml#C", "table", "orders"), ("t.yml#D", "queue", "jobs"),
        ("t.yml#E", "table", "arn-tail")]
    for rid, kind, name in resources:
        app.resources[rid] = DataResource(rid, kind, where, name=name)
    for fid, name in [("t.yml#F", "worker"), ("t.yml#G", "worker"), ("t.yml#H", "orders")]:
        app.functions[fid] = Function(fid, where, "sam", name=name)
    index = NameIndex(app)
    for kind in ("table", "bucket", "queue", "function", "topic", "unknown-kind"):
        for literal in ("orders", "jobs", "worker", "arn:aws:dynamodb:r:1:table/arn-tail",
                        "https://sqs.r.amazonaws.com/1/jobs", "nothing"):
            assert _match_resource(kind, literal, app, index) == \
                _match_resource(kind, literal, app), (kind, literal)
