"""Variables resolved with the file's text at hand: parts whose lines hold no `${` are kept
without a walk; the result (values, lines, problems) is the one of a full walk."""

import textwrap
from pathlib import Path

import pytest

from faasguard.loaders.documents import LDict, LList, load_file, parse
from faasguard.loaders.variables import (
    StageValues,
    VariableResolver,
    VariableSettings,
    _variable_lines,
)

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT / "fixtures"


def _shape(value):
    """The value with every line it carries, for comparing two resolutions."""
    if isinstance(value, LDict):
        lines = value.key_lines
        return ("map", value.line, value.end_line,
                [(repr(k), lines.get(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, LList):
        lines = value.item_lines
        return ("list", value.line, value.end_line, list(lines), [_shape(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(repr(k), _shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("plain-list", [_shape(v) for v in value])
    return (type(value).__name__, repr(value))


def _both(text, base, **settings):
    """(shape, problems) of the resolution without and with the text."""
    results = []
    for given in (None, text):
        doc = parse(text)
        resolver = VariableResolver(doc.data, VariableSettings(
            root=str(base), base_dir=str(base), **settings), given)
        results.append((_shape(resolver.resolve()), resolver.problems))
    return results


TRICKY = {
    "plain": """
        service: shop
        provider:
          name: aws
          stage: ${opt:stage, 'dev'}
          environment:
            TABLE: ${self:service}-${sls:stage}
        functions:
          a:
            handler: a.h
            events: [{http: {path: /a, method: get}}]
          b:
            handler: b.h
            environment:
              WHO: ${self:functions.a.handler}
        """,
    "long form of a tag over several lines": """
        service: shop
        resources:
          Resources:
            Q:
              Type: AWS::SQS::Queue
              Properties:
                QueueName: !Sub
                  - "${Stage}-q"
                  - Stage: ${sls:stage}
        """,
    "flow collections and block scalars": """
        service: shop
        custom: {a: 1, b: "${self:service}", c: [x, "${self:custom.a}"]}
        other:
          text: |
            no variable here
            but here ${self:service}
          list:
            - plain
            - ${self:custom.c}
        """,
    "anchors and merge keys": """
        service: shop
        base: &base
          name: ${self:service}
        derived:
          <<: *base
          extra: 1
        """,
    "escapes": """
        service: shop
        custom:
          escaped: "\\x24{self:service}"
        """,
    "windows line ends": "service: shop\r\ncustom:\r\n  a: ${self:service}\r\n  b: 2\r\n",
    "a lone carriage return": "service: shop\rcustom:\r  a: ${self:service}\r",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_same_resolution_with_and_without_the_text(name):
    text = TRICKY[name]
    text = textwrap.dedent(text) if "\n" in text else text
    without, with_text = _both(text, FIXTURES / "serverless", stage="prod")
    assert with_text == without


def test_every_serverless_fixture_resolves_the_same_with_the_text():
    files = sorted(FIXTURES.rglob("serverless.y*ml")) + \
        sorted((ROOT.parent / "examples").rglob("serverless.y*ml"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        without, with_text = _both(text, path.parent)
        assert with_text == without, path


def test_lines_of_variables_and_when_the_text_cannot_say():
    assert _variable_lines("a: 1\nb: ${x}\nc: ${y} ${z}\n") == [2, 3, 3]
    assert _variable_lines("a: 1\r\nb: ${x}\r\n") == [2]
    assert _variable_lines("a: 1\n") == []
    for unsure in ('a: "\\x24{x}"\n', "a: &x 1\nb: *x\n", "a: !!binary JHt4fQ==\n",
                   "a: 1\rb: ${x}\r", "a: 1\u2028b: ${x}\n"):
        assert _variable_lines(unsure) is None


def test_a_mapping_without_variables_is_kept_as_read():
    text = textwrap.dedent("""
        service: shop
        provider:
          name: aws
          environment:
            A: ${self:service}
        functions:
          a:
            handler: a.h
            events: [{http: {path: /a, method: get}}]
        """)
    doc = parse(text)
    resolver = VariableResolver(doc.data, VariableSettings(root=".", base_dir="."), text)
    resolved = resolver.resolve()
    assert resolved["functions"] is doc.data["functions"]
    assert resolved["provider"]["environment"]["A"] == "shop"
    assert resolved["provider"] is not doc.data["provider"]


def test_a_file_read_by_a_variable_is_walked_in_full(tmp_path):
    (tmp_path / "extra.yml").write_text("one:\n  two: ${self:service}\n", encoding="utf-8")
    text = "service: shop\ncustom: ${file(./extra.yml)}\n"
    (tmp_path / "serverless.yml").write_text(text, encoding="utf-8")
    doc = load_file(str(tmp_path / "serverless.yml"))
    resolver = VariableResolver(doc.data, VariableSettings(
        root=str(tmp_path), base_dir=str(tmp_path)), doc.text)
    assert resolver.resolve()["custom"]["one"]["two"] == "shop"


def _stage_answers(text, base):
    """What StageValues tells of every setting of the file (`at` of each line and key a
    full walk finds, and the stages the file names), without and with the text."""
    results = []
    keys = None
    for given in (None, text):
        doc = parse(text)
        resolver = VariableResolver(doc.data, VariableSettings(
            root=str(base), base_dir=str(base)), given)
        resolver.resolve()
        stages = StageValues(doc.data, resolver)
        if keys is None:
            keys = sorted(stages._settings(), key=repr)
        results.append(([stages.at(line, key) for line, key in keys], stages._all_stages()))
    return results


STAGED = """
    service: shop
    provider:
      name: aws
      stage: ${opt:stage, 'dev'}
    custom:
      auth:
        prod: aws_iam
        dev: ''
      others: {a: 1, b: [x, y]}
    functions:
      a:
        handler: a.h
        events:
          - http:
              path: /a
              method: get
              authorizer: ${self:custom.auth.${sls:stage}}
      b:
        handler: b.h
        events: [{http: {path: /b, method: get}}]
    """


@pytest.mark.parametrize("name", sorted({**TRICKY, "staged": STAGED}))
def test_same_stage_values_with_and_without_the_text(name):
    text = {**TRICKY, "staged": STAGED}[name]
    text = textwrap.dedent(text) if "\n" in text else text
    without, with_text = _stage_answers(text, FIXTURES / "serverless")
    assert with_text == without


def test_every_serverless_fixture_has_the_same_stage_values_with_the_text():
    files = sorted(FIXTURES.rglob("serverless.y*ml")) + \
        sorted((ROOT.parent / "examples").rglob("serverless.y*ml"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        without, with_text = _stage_answers(text, path.parent)
        assert with_text == without, path


def test_stage_values_read_only_the_settings_whose_lines_hold_a_variable():
    text = textwrap.dedent(STAGED)
    doc = parse(text)
    resolver = VariableResolver(doc.data, VariableSettings(root=".", base_dir="."), text)
    resolver.resolve()
    stages = StageValues(doc.data, resolver)
    settings = stages._settings()
    assert (18, "authorizer") in settings and (5, "stage") in settings
    # custom's and function b's lines hold no variable: their settings are not read
    assert not any(key in ("prod", "dev", "others") for _, key in settings)
    assert (20, "handler") not in settings and (13, "handler") in settings
    assert stages.at(18, "authorizer")[1] == ("", "aws_iam")
