"""FG-AUTH-001 on an AuthType the deployment decides (model.Unknown and its choices)."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Facts
from faasguard.model import App, Function, FunctionUrl, Location, Unknown
from faasguard.rules.auth import function_url_without_auth


def _messages(auth_type: object) -> list[str]:
    app = App()
    app.functions["t.yaml#Fn"] = Function(
        "t.yaml#Fn", Location("t.yaml", 1), "sam",
        url=FunctionUrl(auth_type, Location("t.yaml", 9)))
    return [f.message for f in function_url_without_auth(app, Facts())]


@pytest.mark.parametrize("auth_type, decided_by", [
    (Unknown("If IsDev", ("NONE", "AWS_IAM")), "the condition IsDev"),
    (Unknown("parameter UrlAuth", ("AWS_IAM", "none")), "the parameter UrlAuth"),
    (Unknown("var.url_auth", ("AWS_IAM", "NONE")), "the variable var.url_auth"),
    (Unknown("conditional on var.public", ("NONE", "AWS_IAM")),
     "the conditional on var.public"),
    (Unknown("ImportValue", ("NONE",)), "a value known at deploy time (ImportValue)"),
])
def test_reported_when_none_is_a_possible_value(auth_type, decided_by):
    [message] = _messages(auth_type)
    assert message.startswith(f"Function 'Fn' may have a public function URL: its AuthType "
                              f"depends on {decided_by}, and NONE is one of its values")


@pytest.mark.parametrize("auth_type", [
    Unknown("If IsDev", ("AWS_IAM",)),  # every possible value is AWS_IAM
    Unknown("parameter UrlAuth"),  # nothing listed: not guessed
    Unknown("If IsDev", (5, True)),
    "AWS_IAM",
])
def test_silent_when_none_is_not_a_possible_value(auth_type):
    assert _messages(auth_type) == []


def test_a_known_none_keeps_its_message():
    assert _messages("NONE") == ["Function 'Fn' has a public function URL (AuthType NONE): "
                                 "anyone can invoke it."]
