"""One wording for a NONE only the setting's domain offers (`endpoints.unlisted_text`):
the auth rules, FG-SHADOW-004 and `faasguard cost` say it the same way, it names what a
Terraform validation leaves of the setting's values instead of claiming there is none,
and `faasguard endpoints` marks such a route as its JSON does."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from faasguard.analysis.endpoints import decided_by, none_unlisted, unlisted_text
from faasguard.analysis.facts import Options
from faasguard.cli import main
from faasguard.model import Unknown
from faasguard.scan import scan

RULES = Path(__file__).resolve().parent / "fixtures" / "rules"
VALIDATED = RULES / "FG-AUTH-002" / "terraform-pos-validation-equality"


def _messages(folder: Path, rule: str) -> list[str]:
    return [f.message for f in scan(str(folder), Options()).findings if f.rule_id == rule]


def _cli(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(list(argv))
    return out.getvalue()


def test_a_validation_ruling_a_value_out_is_not_called_no_validation() -> None:
    # other_auth: default AWS_IAM, validation var.other_auth != "CUSTOM"
    [put] = [m for m in _messages(VALIDATED, "FG-AUTH-002") if m.startswith("Route PUT ")]
    assert "no AllowedValues or validation" not in put
    assert ("its authoriser depends on the variable var.other_auth, which defaults to "
            "AWS_IAM and lists no other value, leaving NONE and COGNITO_USER_POOLS of what "
            "the setting accepts; NONE only if a deployment passes it, and such a "
            "deployment lets anyone from the internet call it") in put
    # upper_auth's validation is not read: every other value of the attribute is left
    [patch] = [m for m in _messages(VALIDATED, "FG-AUTH-002") if m.startswith("Route PATCH ")]
    assert "leaving NONE, CUSTOM and COGNITO_USER_POOLS of what the setting accepts" in patch


@pytest.mark.parametrize("case", ["sam-pos-unlisted", "terraform-pos-unlisted"])
def test_the_rules_share_one_wording(case: str) -> None:
    folder = RULES / "FG-SHADOW-004" / case
    [shadow] = _messages(folder, "FG-SHADOW-004")
    [auth] = _messages(folder, "FG-AUTH-002")
    shared = auth.split("its authoriser depends on ", 1)[1].split(", and such a deployment")[0]
    assert shared.endswith("; NONE only if a deployment passes it")
    assert f"(route POST /entries: {shared})." in shadow


@pytest.mark.parametrize("value, text", [
    (Unknown("parameter P", ("AWS_IAM", "NONE"), ("NONE",)),
     "the parameter P, which defaults to AWS_IAM and lists no other value, leaving NONE of "
     "what the setting accepts; NONE only if a deployment passes it"),
    (Unknown("If UseToken", ("TokenAuth", "AWS_IAM", "NONE"), ("NONE",)),
     "the condition UseToken, whose values as written (TokenAuth, AWS_IAM) authenticate, "
     "leaving NONE of what the setting accepts; NONE only if a deployment passes it"),
])
def test_unlisted_text(value: Unknown, text: str) -> None:
    assert unlisted_text(value) == text
    assert unlisted_text(value).startswith(decided_by(value))


def test_the_inventory_text_says_what_its_json_says() -> None:
    data = json.loads(_cli("endpoints", str(VALIDATED), "--format", "json"))
    text = _cli("endpoints", str(VALIDATED))
    rows = {tuple(line.split()[1:3]): line for line in text.splitlines()
            if line.startswith(("rest ", "http "))}
    for entry in data["endpoints"]:
        undecided = entry["undecided"]
        value = Unknown(undecided["by"], tuple(undecided["choices"]),
                        tuple(undecided.get("unlisted", ())))
        assert undecided.get("none_only_if_passed", False) is none_unlisted(value)
        row = rows[(entry["method"], entry["path"])]
        if none_unlisted(value):
            assert "iam (AWS_IAM), none if passed" in row and "?" not in row
        else:
            assert "iam (AWS_IAM) or none?" in row
    assert [m for m, _ in rows if "none if passed" in rows[(m, "/orders")]] == \
        ["PUT", "PATCH", "GET"]
    assert text.splitlines()[-2] == (
        "5 endpoints, 0 without authentication, 2 without it on some deployments (? the "
        "deployment decides: see `undecided` in --format json), 3 authenticated as the "
        "template writes them (none if passed: the setting accepts NONE, and only a "
        "deployment that passes it gets none; `undecided.none_only_if_passed` in "
        "--format json).")
