"""Review of d439341 (FG-WALLET-001: a reserved concurrency the deployment decides): a
value the deployment gives (a parameter with no default) is taken as a cap on every
deployment and not reported. In Terraform, `reserved_concurrent_executions =
var.reserved` with no default is no such cap: -1 is Terraform's own "unreserved" (its
default, which faasguard reads as none when written), a value the variable's domain
holds. Before d439341 the exposed functions were 'has no reserved concurrency'; now
nothing. Fixtures tests/fixtures/review_tf_reserved_variable: no_default (pinned, strict
xfail, for the rule's owner: reported, worded from the variable), default_unreserved
(-1: reported, control) and default_10 (nothing, control)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_reserved_variable"


def test_a_terraform_variable_without_default_may_leave_the_function_unreserved() -> None:
    [finding] = findings(FIXTURES / "no_default", "FG-WALLET-001")
    assert "var.reserved" in finding.message


def test_a_default_of_minus_one_is_no_reserved_concurrency() -> None:
    assert findings(FIXTURES / "default_unreserved", "FG-WALLET-001")


def test_a_default_cap_is_no_finding() -> None:
    assert findings(FIXTURES / "default_10", "FG-WALLET-001") == []
