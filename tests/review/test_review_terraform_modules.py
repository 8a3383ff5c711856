"""Review of the Terraform authorisation readers (69a86a6, f55b8b8) through a module call:
the root module passes its variable to a child under the same name (`method_auth =
var.method_auth`), the usual way. Fixtures tests/fixtures/review_s12/tf_module_input_*.

Fixed (loaders/terraform/module.py): the child's input was evaluated in the caller under
the child's own key `var.method_auth`, so the caller's `var.method_auth` it reads looked
like a cycle: '<UNKNOWN: VAR.METHOD_AUTH REFERS TO ITSELF>' became a Lambda authoriser
(a false FG-AUTH-005) and the public method was not reported. Pinned: a root variable
listing NONE reaches the child's attribute as its default, a fact."""

from __future__ import annotations

from .support import FIXTURES, findings


def test_a_same_name_module_input_takes_the_callers_value() -> None:
    folder = FIXTURES / "tf_module_input_none"
    [route] = findings(folder, "FG-AUTH-002")
    assert "Route POST /orders " in route.message and route.severity == "high"
    assert findings(folder, "FG-AUTH-005") == []


def test_a_same_name_module_input_given_by_tfvars_authenticates() -> None:
    folder = FIXTURES / "tf_module_input_given"
    assert findings(folder, "FG-AUTH-002") == []
    assert findings(folder, "FG-AUTH-005") == []


def test_a_root_variable_listing_none_is_followed_through_the_module() -> None:
    [route] = findings(FIXTURES / "tf_module_input_listed", "FG-AUTH-002")
    assert (route.severity, route.confidence) == ("high", "high")
