"""FG-AUTH-001 on a function URL of AuthType NONE written as a resource of its own
(AWS::Lambda::Url, Terraform's aws_lambda_function_url): AWS lets callers in only with a
permission letting everyone call lambda:InvokeFunctionUrl, which nothing adds for such a
URL. With none in the project, or only ones for an account or tied to a source, nobody
can call it yet: `low`, low confidence, saying why. The twin with a public permission is
`high`, as before. Fixtures under tests/fixtures/rules/FG-AUTH-001/*-url-(un)opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-AUTH-001"


def _urls(case: str) -> list[tuple[int, str, str, str]]:
    return sorted((f.location.line, f.severity, f.confidence, f.message)
                  for f in scan(str(CASES / case)).findings if f.rule_id == "FG-AUTH-001")


def test_no_permission_or_none_for_everyone_is_low() -> None:
    unpermitted, partner = _urls("sam-pos-url-unopened")
    assert unpermitted[:3] == (16, "low", "low")
    assert "but no permission of the project lets anyone call it (lambda:InvokeFunctionUrl " \
        "to '*'): AWS refuses every call to it until one is added" in unpermitted[3]
    assert partner[:3] == (28, "low", "low")
    assert "its URL permissions (ReportsUrlPartner, ReportsUrlSourced) name a principal" \
        in partner[3]


@pytest.mark.parametrize("case", ["sam-pos-url-opened", "terraform-pos-url-opened"])
def test_a_public_permission_opens_the_url(case: str) -> None:
    [(_, severity, confidence, message)] = _urls(case)
    assert (severity, confidence) == ("high", "high")
    assert message.endswith("has a public function URL (AuthType NONE): anyone can invoke it.")


def test_a_terraform_permission_for_one_account_leaves_it_closed() -> None:
    [(_, severity, confidence, message)] = _urls("terraform-pos-url-unopened")
    assert (severity, confidence) == ("low", "low")
    assert "its URL permissions (aws_lambda_permission.partner)" in message


def test_urls_the_framework_opens_itself_are_unchanged() -> None:
    # SAM's FunctionUrlConfig and serverless.yml's `url` add the public permission
    for case in ("sam-pos", "serverless-pos"):
        assert all(severity == "high" for _, severity, _, _ in _urls(case)), case
