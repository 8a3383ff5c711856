"""Nested stacks of local templates: the values a parent passes reach the child."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline_support import run_cli

from faasguard.model import Ref, Unknown
from faasguard.scan import load_app

CHILD = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  HookAuth:
    Type: String
    Default: AWS_IAM
  Stage:
    Type: String
    Default: prod
  TableArn:
    Type: String
    Default: none
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Hook:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Tracing: !If [IsProd, Active, PassThrough]
      Environment:
        Variables:
          TABLE: !Ref TableArn
      FunctionUrlConfig:
        AuthType: !Ref HookAuth
"""

PARENT = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
  Hooks:
    Type: AWS::Serverless::Application
    Properties:
      Location: hooks/template.yaml
      Parameters:
        HookAuth: NONE
        Stage: !Ref Stage
        TableArn: !GetAtt Table.Arn
"""


def _project(tmp_path: Path, parent: str = PARENT) -> list[str]:
    (tmp_path / "hooks").mkdir(exist_ok=True)
    (tmp_path / "hooks" / "template.yaml").write_text(CHILD)
    (tmp_path / "template.yaml").write_text(parent)
    return ["hooks/template.yaml", "template.yaml"]


def _hook(tmp_path: Path, files: list[str], **params: str):
    app = load_app(str(tmp_path), files, params=params)
    return app, app.functions["hooks/template.yaml#Hook"]


def test_the_parent_values_reach_the_child(tmp_path):
    app, hook = _hook(tmp_path, _project(tmp_path))
    assert hook.url.auth_type == "NONE"  # a literal of the parent: a fact
    assert hook.environment["TABLE"].value == Ref("template.yaml#Table", "Arn")
    # the parent's Stage is its default (dev): it replaces the child's prod, but is no
    # fact, so the child's condition on it stays undecided
    assert hook.tracing == Unknown("If IsProd", ("Active", "PassThrough"))
    assert [(d.file, d.message) for d in app.diagnostics if d.code == "parameters"] == [
        ("hooks/template.yaml", "deployed as a nested stack of template.yaml: read with "
         "the parameter values it passes (HookAuth, Stage, TableArn)")]


def test_a_value_given_to_the_parent_is_a_fact_for_the_child(tmp_path):
    _, hook = _hook(tmp_path, _project(tmp_path), Stage="dev")
    assert hook.tracing == "PassThrough"


#: The child's URL read alone: HookAuth (default AWS_IAM, no AllowedValues) is the
#: deployment's choice of either AuthType, NONE only as a value AuthType accepts.
ALONE = Unknown("parameter HookAuth", ("AWS_IAM", "NONE"), ("NONE",))


def test_the_child_alone_keeps_its_defaults(tmp_path):
    _project(tmp_path)
    _, hook = _hook(tmp_path, ["hooks/template.yaml"])
    assert hook.url.auth_type == ALONE
    assert hook.environment["TABLE"].value == "none"


def test_the_finding_follows_the_parent(capsys, tmp_path):
    _project(tmp_path)
    code, out, _ = run_cli(capsys, "scan", str(tmp_path), "--format", "json",
                           "--fail-on", "none")
    urls = [(f["location"]["file"], f["message"]) for f in json.loads(out)["findings"]
            if f["rule_id"] == "FG-AUTH-001"]
    assert code == 0 and urls == [("hooks/template.yaml", "Function 'Hook' has a public "
                                   "function URL (AuthType NONE): anyone can invoke it.")]
    code, out, _ = run_cli(capsys, "scan", str(tmp_path / "hooks"), "--format", "json",
                           "--fail-on", "none")  # alone: the deployment decides
    assert [(f["message"], f["severity"], f["confidence"]) for f in json.loads(out)["findings"]
            if f["rule_id"] == "FG-AUTH-001"] == [(
        "Function 'Hook' may have a public function URL: its AuthType depends on the "
        "parameter HookAuth, which defaults to AWS_IAM and lists no other value, leaving "
        "NONE of what the setting accepts; NONE only if a deployment passes it, and such a "
        "deployment lets anyone invoke it.", "medium", "low")]


def test_two_stacks_passing_different_values_leave_them_open(tmp_path):
    twice = PARENT + """\
  OtherHooks:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./hooks/template.yaml
      Parameters:
        HookAuth: AWS_IAM
        Stage: prod
"""
    _, hook = _hook(tmp_path, _project(tmp_path, twice))
    assert hook.url.auth_type == Unknown("parameter HookAuth", ("NONE", "AWS_IAM"))
    assert hook.tracing == Unknown("If IsProd", ("Active", "PassThrough"))
    assert isinstance(hook.environment["TABLE"].value, Unknown)  # one stack passes none


def test_remote_missing_and_outside_templates_are_not_followed(tmp_path):
    for location in ("https://example.com/hooks.yaml", "s3://bucket/hooks.yaml",
                     "hooks/missing.yaml", "../outside/template.yaml"):
        text = PARENT.replace("hooks/template.yaml", location)
        app, hook = _hook(tmp_path, _project(tmp_path, text))
        assert hook.url.auth_type == ALONE and app.stacks == [], location


def test_a_nested_child_reads_no_samconfig_of_its_own(tmp_path):
    files = _project(tmp_path)
    (tmp_path / "hooks" / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "HookAuth=AWS_IAM"\n')
    _, hook = _hook(tmp_path, files)
    assert hook.url.auth_type == "NONE"


def test_a_template_nesting_itself_ends(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Self:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: ./template.yaml\n      Parameters: {A: b}\n"
        "  Loop:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: other.yaml\n")
    (tmp_path / "other.yaml").write_text(
        "Parameters:\n  A: {Type: String, Default: x}\nResources:\n"
        "  Back:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        "      TemplateURL: template.yaml\n      Parameters: {A: !Ref A}\n")
    app = load_app(str(tmp_path), ["other.yaml", "template.yaml"])
    assert {s.template for s in app.stacks} == {"template.yaml", "other.yaml"}
