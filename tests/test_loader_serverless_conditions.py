"""serverless.yml's `resources.Conditions` in a function's settings: an `Fn::If` there is
decided as the CloudFormation loader decides it (cloudformation.read_conditions: a
condition on literals, on the file's own settings, on a parameter that allows one value
or is given with --param), where every one was left undecided. A condition on a
parameter's default stays undecided (another deployment sets another value), and so does
one written with the stage when the scan is given none (the stage assumed is no fact);
`resources:` itself is read for the stage assumed, as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.model import Unknown
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case


@pytest.mark.parametrize(("rule", "name"), [
    ("FG-WALLET-003", "serverless-pos-timeout-condition"),
    ("FG-WALLET-003", "serverless-neg-timeout-condition"),
    ("FG-TP-001", "serverless-neg-conditional-layer-decided"),
    ("FG-TP-001", "serverless-pos-conditional-layer"),
])
def test_fixture(rule: str, name: str) -> None:
    check_case(Case(rule, FIXTURES / rule / name))


_SERVICE = """service: conditions
provider:
  name: aws
  runtime: python3.12
params:
  prod:
    vendor: 'yes'
  default:
    vendor: 'no'
functions:
  show:
    handler: h.handler
    timeout: !If [Literal, 900, 6]
    memorySize: !If [OnDefault, 2048, 128]
    environment:
      STAGED: !If [OnStage, prod, other]
      PARAM: !If [OnStageParam, vendor, none]
resources:
  Parameters:
    Size:
      Type: String
      Default: big
  Conditions:
    Literal: !Equals [a, a]
    OnDefault: !Equals [!Ref Size, big]
    OnStage: !Equals ['${sls:stage}', prod]
    OnStageParam: !Equals ['${param:vendor}', 'yes']
  Resources:
    Topic:
      Type: AWS::SNS::Topic
      Properties:
        KmsMasterKeyId: !If [OnStage, alias/aws/sns, !Ref AWS::NoValue]
"""


def _load(tmp_path: Path, options: Options | None = None):  # type: ignore[no-untyped-def]
    (tmp_path / "serverless.yml").write_text(_SERVICE)
    (tmp_path / "h.py").write_text("def handler(event, context):\n    return 1\n")
    return scan(str(tmp_path), options).app


def test_conditions_the_file_decides_are_decided(tmp_path: Path) -> None:
    show = _load(tmp_path).functions["serverless.yml#show"]
    assert show.timeout_s == 900
    # a parameter's default: another deployment may set another value
    assert show.memory_mb is None
    # the stage (and a parameter of per-stage params) when no stage is given
    for name, choices in (("STAGED", ("prod", "other")), ("PARAM", ("vendor", "none"))):
        value = show.environment[name].value
        assert isinstance(value, Unknown) and value.choices == choices


def test_a_given_stage_and_parameter_decide_theirs(tmp_path: Path) -> None:
    show = _load(tmp_path, Options(stage="prod", parameters={"Size": "small"})
                 ).functions["serverless.yml#show"]
    assert (show.memory_mb, show.timeout_s) == (128, 900)
    assert {name: var.value for name, var in show.environment.items()} == \
        {"STAGED": "prod", "PARAM": "vendor"}


def test_resources_are_read_for_the_stage_assumed(tmp_path: Path) -> None:
    # (as before: FG-DATA-005 reports the topic the assumed stage deploys unencrypted)
    assert _load(tmp_path).resources["serverless.yml#Topic"].encryption is None
    assert _load(tmp_path, Options(stage="prod")).resources[
        "serverless.yml#Topic"].encryption is not None


def test_a_parameter_the_settings_use_is_declared(tmp_path: Path) -> None:
    # Parameters and Conditions without Resources: no CloudFormation load declares Size,
    # yet --param Size decides the memory size (no 'declared by none of the files' warning)
    (tmp_path / "serverless.yml").write_text(
        "service: c\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        "  show:\n    handler: h.handler\n    memorySize: !If [Big, 2048, 128]\n"
        "resources:\n  Parameters:\n    Size:\n      Type: String\n      Default: big\n"
        "  Conditions:\n    Big: !Equals [!Ref Size, big]\n")
    (tmp_path / "h.py").write_text("def handler(event, context):\n    return 1\n")
    result = scan(str(tmp_path), Options(parameters={"Size": "small"}))
    assert result.app.functions["serverless.yml#show"].memory_mb == 128
    assert not [d for d in result.app.diagnostics if "Size" in d.message]
