"""Template secrets: the text prefilter that spares the walk of templates without a hint."""

from pathlib import Path

import pytest

from faasguard.analysis.template_secrets import may_hold_secrets, secrets_in
from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.documents import parse

PLAIN_SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Description: {description}
"""


@pytest.mark.parametrize("description", [
    "reads orders",  # no hint at all
    "'a quoted ''value'''",
])
def test_a_template_without_hints_needs_no_walk(description: str) -> None:
    text = PLAIN_SAM.format(description=description)
    assert not may_hold_secrets(text)
    assert secrets_in(parse(text).data, "t.yaml").facts == []


@pytest.mark.parametrize("description", [
    "AKIAIOSFODNN7EXAMPLE",  # a known format's anchor
    "see https://example.com",  # the anchor of connection strings
    '"\\x41KIAIOSFODNN7EXAMPLE"',  # an escape can make an anchor: judged in full
    "!!binary QUtJQUlPU0ZPRE5ON0VYQU1QTEU=",  # so can a binary value
])
def test_anchors_escapes_and_binary_values_are_judged(description: str) -> None:
    assert may_hold_secrets(PLAIN_SAM.format(description=description))


@pytest.mark.parametrize("name", ["DbPassword", "API_KEY", "authToken", "ClientSecret"])
def test_a_secret_name_anywhere_is_judged(name: str) -> None:
    assert may_hold_secrets(PLAIN_SAM.format(description="x") + f"      {name}: y\n")


@pytest.mark.parametrize("value, found", [  # a key id (made up), not the documentation's
    ('"\\x41KIAQ3HTX7N2LWPZ4RKB"', ["an AWS access key id at Resources.Fn.Properties.Description"]),
    ("!!binary QUtJQVEzSFRYN04yTFdQWjRSS0I=",
     ["an AWS access key id at Resources.Fn.Properties.Description"]),
    ("reads orders", []),
])
def test_the_loader_finds_what_the_walk_finds(tmp_path: Path, value: str,
                                              found: list[str]) -> None:
    (tmp_path / "template.yaml").write_text(PLAIN_SAM.format(description=value))
    app = load_path(LoadContext(root=str(tmp_path), file="template.yaml"))
    (source,) = app.files
    assert [fact.detail for fact in source.facts.of_kind("template-secret")] == found
