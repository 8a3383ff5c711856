"""FG-AUTH-002 on webhook receivers whose signature check lives in another module of the
project: a helper the handler calls (raising on a bad signature, or answering yes or no
and tested by an `if` that stops), or a decorator whose wrapper checks before it calls
the handler, lowers the route to info and names the check where it is. A helper's answer
ignored, a check after the work, a decorator checking after the handler ran, a route the
check does not gate and a helper that checks nothing stay high."""

from __future__ import annotations

import ast
from pathlib import Path

from faasguard.analysis.signatures import HELPER, KIND, project_check, signature_checks
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case, findings_of

CASE = FIXTURES / "FG-AUTH-002" / "serverless-pos-webhooks-helpers"
_HMAC = "an HMAC signature of the request (hmac.compare_digest)"


def test_checks_in_project_helpers_and_decorators_lower_the_route_to_info() -> None:
    found = {f.location.line: f for f in check_case(Case("FG-AUTH-002", CASE))}
    verified = {11: ("webhooks/security.py", 20),  # verify_signature(event): raises
                15: ("webhooks/security.py", 26),  # if not signature_ok(event): return
                19: ("webhooks/security.py", 20),  # webhooks.security.verify_signature
                23: ("webhooks/decorators.py", 13),  # @verified
                27: ("webhooks/decorators.py", 13)}  # @verified_by("...")
    for line, finding in sorted(found.items()):
        if line in verified:
            assert finding.severity == "info", line
            assert finding.properties["verified_in_code"] == _HMAC
            file, at = verified[line]
            assert f"verifies {_HMAC} at {file}:{at}" in finding.message
            assert (finding.related[0][0].file, finding.related[0][0].line) == (file, at)
        else:
            assert finding.severity == "high", line
    assert sorted(set(found) - set(verified)) == [31, 35, 39, 43, 44, 48]


def test_project_check_names_where_the_check_is() -> None:
    cache = ModuleCache(str(CASE))
    assert project_check(cache, "hooks.py", "not_a_checker") is None
    check = project_check(cache, "hooks.py", "raising_helper")
    assert check is not None and (check.file, check.line, check.raises) == \
        ("webhooks/security.py", 20, True)
    assert project_check(cache, "hooks.py", "no_such_handler") is None


def test_the_code_facts_name_the_helpers_and_decorators_that_check() -> None:
    # what lets the rule parse a handler again only in a project holding a check
    found = {}
    for rel in ("webhooks/security.py", "webhooks/decorators.py", "hooks.py"):
        source = (CASE / rel).read_text()
        found[rel] = {name: (kind, check.line)
                      for kind, name, check in signature_checks(ast.parse(source), source)}
    # verify_signature raises before any work, as a gated handler would: a KIND fact
    assert found == {"webhooks/security.py": {"verify_signature": (KIND, 20),
                                              "signature_ok": (HELPER, 26)},
                     "webhooks/decorators.py": {"_signed": (HELPER, 13),
                                                "verified": (HELPER, 13),
                                                "verified_by": (HELPER, 13)},
                     "hooks.py": {}}


def test_a_handler_returning_a_check_s_answer_is_not_taken_for_a_gated_one(
        tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        "  hook:\n    handler: hook.handler\n    events:\n      - httpApi: POST /hook\n")
    (tmp_path / "hook.py").write_text(
        "import hashlib\nimport hmac\n\nfrom orders import record\n\n\n"
        "def handler(event, context):\n"
        "    signature = hmac.new(b'k', event['body'].encode(), hashlib.sha256).hexdigest()\n"
        "    return record(event) and hmac.compare_digest(signature, "
        "event['headers']['x-signature'])\n")
    [found] = findings_of(scan(str(tmp_path)), "FG-AUTH-002")
    assert found.severity == "high"
