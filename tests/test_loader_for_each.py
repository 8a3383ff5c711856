"""`Fn::ForEach` (AWS::LanguageExtensions) in Resources: each item of the collection makes
a copy of the loop's output with the identifier replaced, at the loop body's lines."""

from __future__ import annotations

from pathlib import Path

from test_loader_cloudformation import load_fixture

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Workers: {Type: CommaDelimitedList, Default: "billing, mail-out"}
  Regions: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Workers:
    - Name
    - !Ref Workers
    - "&{Name}Function":
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: !Sub "workers/${Name}/"
          Environment:
            Variables: {WORKER: !Ref Name}
          Events:
            Http:
              Type: Api
              Properties: {Path: "/${Name}", Method: post}
  Fn::ForEach::Tiers:
    - Tier
    - [hot, cold]
    - Fn::ForEach::Stores:
        - Kind
        - [Orders]
        - "${Kind}${Tier}Table":
            Type: AWS::DynamoDB::Table
  Fn::ForEach::Unknown:
    - Region
    - !Ref Regions
    - "Queue${Region}":
        Type: AWS::SQS::Queue
"""


def test_loops_make_one_resource_per_item(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    app = load_fixture(tmp_path, "template.yaml")
    functions = {fid.split("#")[-1]: fn for fid, fn in app.functions.items()}
    assert set(functions) == {"billingFunction", "mailoutFunction"}
    mail = functions["mailoutFunction"]
    assert mail.code_dir == "workers/mail-out"
    assert mail.environment["WORKER"].value == "mail-out"
    assert mail.location.line == 10 and mail.environment["WORKER"].location.line == 17
    assert sorted((r.method, r.path, r.location.line) for r in app.routes) == [
        ("POST", "/billing", 19), ("POST", "/mail-out", 19)]
    tables = {rid.split("#")[-1] for rid, r in app.resources.items() if r.kind == "table"}
    assert tables == {"OrdershotTable", "OrderscoldTable"}


def test_a_collection_not_known_statically_is_one_warning(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    app = load_fixture(tmp_path, "template.yaml")
    assert [(d.level, d.line, d.message) for d in app.diagnostics] == [
        ("warning", 30, "Fn::ForEach::Unknown: its collection is not known statically; the "
         "resources it makes are not read")]
