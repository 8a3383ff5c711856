"""Overlapping findings: one place reads as one problem (findings.fold_overlaps).

The vulnerable example has all the overlaps the rules declare: `Action: "*"` on the
provider role (FG-PERM-001 absorbs FG-PERM-102; so does FG-PERM-002 on `dynamodb:*`),
that role shared by functions whose code needs different permissions (FG-PERM-104
absorbs FG-PERM-008), and a catch-all route without an authoriser (FG-AUTH-002 and
FG-SHADOW-003 name each other).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.config import Config
from faasguard.findings import Finding, fold_overlaps, make_finding
from faasguard.model import Location
from faasguard.scan import ScanResult, scan_paths

VULNERABLE = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-app"
ROLE = "IamRoleLambdaExecution"


def _scan(disable: tuple[str, ...] = ()) -> ScanResult:
    return scan_paths([str(VULNERABLE)], config=Config(disable=list(disable)))


@pytest.fixture(scope="module")
def findings() -> dict[tuple[str, str], Finding]:
    return {(f.rule_id, f.subject): f for f in _scan().findings}


def test_action_star_absorbs_the_narrowing_of_the_same_statement(findings) -> None:
    star = findings[("FG-PERM-001", f"statement:{ROLE}:serverless:provider:0")]
    assert ("FG-PERM-102", f"narrow:{ROLE}:serverless:provider:0") not in findings
    note = [m for loc, m in star.related if m.startswith("FG-PERM-102 ")]
    assert len(note) == 1 and "narrow it to dynamodb:Scan on ${OrdersTable.Arn}" in note[0]
    absorbed = {a["rule_id"]: a for a in star.properties["absorbed"]}
    assert set(absorbed) == {"FG-PERM-102", "FG-PERM-101"}
    assert absorbed["FG-PERM-102"]["properties"]["replacement"]["dynamodb:Scan"] == \
        ["${OrdersTable.Arn}"]
    assert star.severity == "critical" and star.location.line == 22


def test_action_star_absorbs_what_the_role_leaves_unused(findings) -> None:
    """The role's FG-PERM-101 ('grants every action of every service; ... never used') is
    that statement's doing: one problem at one line, reported as FG-PERM-001."""
    assert ("FG-PERM-101", f"unused-role:{ROLE}") not in findings
    star = findings[("FG-PERM-001", f"statement:{ROLE}:serverless:provider:0")]
    [note] = [m for _, m in star.related if m.startswith("FG-PERM-101 ")]
    assert "grants every action of every service" in note
    assert not any(m.startswith("see also FG-PERM-101") for f in findings.values()
                   for _, m in f.related)  # FG-PERM-104 names no folded finding


def test_every_action_of_a_service_absorbs_the_narrowing_of_the_same_statement(findings) -> None:
    """`dynamodb:*` on `*`: FG-PERM-002 (high) and FG-PERM-102's replacement are one
    problem at one line, as FG-PERM-001 and FG-PERM-102 are on `Action: "*"`."""
    assert ("FG-PERM-102", f"narrow:{ROLE}:serverless:provider:1") not in findings
    service = findings[("FG-PERM-002", f"service-star:{ROLE}:serverless:provider:1")]
    assert service.location.line == 25 and service.severity == "high"
    note = [m for _, m in service.related if m.startswith("FG-PERM-102 ")]
    assert len(note) == 1 and "narrow it to dynamodb:Scan on ${OrdersTable.Arn}" in note[0]
    assert [a["rule_id"] for a in service.properties["absorbed"]] == ["FG-PERM-102"]


def test_shared_role_with_different_needs_is_one_finding(findings) -> None:
    assert ("FG-PERM-008", f"shared-role:{ROLE}") not in findings
    shared = findings[("FG-PERM-104", f"shared-needs:{ROLE}")]
    note = [m for _, m in shared.related if m.startswith("FG-PERM-008 ")]
    assert len(note) == 1 and "shared by 7 functions" in note[0]
    assert shared.properties["absorbed"][0]["properties"]["functions"] == [
        "deleteOrder", "getOrder", "importer", "proxy", "report", "search", "thumbnail"]


def test_catch_all_route_without_authoriser_keeps_both_findings(findings) -> None:
    subject = "route:ApiGatewayRestApi:ANY:/{proxy+}"
    auth, catch_all = findings[("FG-AUTH-002", subject)], findings[("FG-SHADOW-003", subject)]
    assert (catch_all.location, "see also FG-AUTH-002: API route without an authoriser") \
        in catch_all.related
    assert (auth.location, "see also FG-SHADOW-003: Catch-all route") in auth.related
    # a route that is not a catch-all names nothing
    plain = findings[("FG-AUTH-002", "route:HttpApi:GET:/search")]
    assert not any(m.startswith("see also") for _, m in plain.related)


def test_a_disabled_rule_absorbs_nothing() -> None:
    found = {(f.rule_id, f.subject): f for f in _scan(("FG-PERM-104", "FG-PERM-001")).findings}
    shared = found[("FG-PERM-008", f"shared-role:{ROLE}")]
    assert "absorbed" not in shared.properties
    narrow = found[("FG-PERM-102", f"narrow:{ROLE}:serverless:provider:0")]
    assert narrow.severity == "medium" and narrow.location.line == 22


def _finding(rule_id: str, file: str, subject: str, **extra) -> Finding:
    return make_finding(rule_id, f"{rule_id} here", Location(file, 3), subject, **extra)


def test_overlaps_are_matched_in_the_same_file_only() -> None:
    generic = _finding("FG-PERM-008", "a/serverless.yml", "shared-role:R",
                       folds_into=("FG-PERM-104", "shared-needs:R"))
    other_file = _finding("FG-PERM-104", "b/serverless.yml", "shared-needs:R")
    catch_all = _finding("FG-SHADOW-003", "a/serverless.yml", "route:A:ANY:/{p+}",
                         see_also=(("FG-AUTH-002", "route:A:ANY:/{p+}"),))
    other_route = _finding("FG-AUTH-002", "b/serverless.yml", "route:A:ANY:/{p+}")
    kept = fold_overlaps([generic, other_file, catch_all, other_route])
    assert kept == [generic, other_file, catch_all, other_route]
    assert all(f.related == [] and "absorbed" not in f.properties for f in kept)

    specific = _finding("FG-PERM-104", "a/serverless.yml", "shared-needs:R")
    assert fold_overlaps([generic, specific]) == [specific]
    assert specific.properties["absorbed"] == [
        {"rule_id": "FG-PERM-008", "fingerprint": generic.fingerprint}]


def test_the_instances_of_one_block_are_one_finding() -> None:
    """A Terraform `for_each` block's functions share its line and its fix."""
    def fn(key: str, severity: str = "low", line: int = 7) -> Finding:
        return make_finding("FG-MON-001", f"Function 'fn[\"{key}\"]' has no tracing.",
                            Location("main.tf", line), f"tracing:aws_lambda_function.fn[\"{key}\"]",
                            severity=severity)

    a, b, c = fn("a"), fn("b", "medium"), fn("c")
    alone, elsewhere = fn("d", line=30), make_finding(
        "FG-MON-001", "m", Location("main.tf", 7), "tracing:aws_lambda_function.other")
    kept = fold_overlaps([a, b, alone, c, elsewhere])
    assert kept == [a, alone, elsewhere]
    assert a.subject == 'tracing:aws_lambda_function.fn["a"]'  # its fingerprint stays
    assert a.severity == "medium"  # the highest of them
    assert a.message.endswith('The block at this line makes 2 more instances this rule '
                              'reports: ["b"], ["c"].')
    assert a.properties["instances"] == [f.subject for f in (a, b, c)]
    assert "instances" not in alone.properties and alone.message.endswith("no tracing.")


def test_a_count_block_and_another_rule_are_apart() -> None:
    first, second = (make_finding("FG-TP-005", "old runtime", Location("main.tf", 3),
                                  f"runtime:aws_lambda_function.job[{n}]") for n in (0, 1))
    other_rule = make_finding("FG-MON-001", "m", Location("main.tf", 3),
                              "tracing:aws_lambda_function.job[1]")
    assert fold_overlaps([first, second, other_rule]) == [first, other_rule]
    assert first.properties["instances"] == ["runtime:aws_lambda_function.job[0]",
                                             "runtime:aws_lambda_function.job[1]"]


def test_terraform_example_reports_its_for_each_functions_once_per_rule() -> None:
    example = VULNERABLE.parent / "vulnerable-app-terraform"
    found = [f for f in scan_paths([str(example)]).findings if f.rule_id == "FG-MON-001"]
    assert len(found) == 1 and len(found[0].properties["instances"]) == 7


def test_an_index_in_a_flow_is_no_instance_key() -> None:
    flows = [make_finding("FG-INJ-001", "m", Location("app.py", 9),
                          f"command:t.yml#Fn:app.py:handler:os.system:event['Records'][{n}]")
             for n in (0, 1)]
    assert fold_overlaps(flows) == flows


def test_the_folded_finding_is_as_sure_as_its_surest_instance() -> None:
    """A block whose first instance is a guess and whose second is certain is certain."""
    unsure, sure = (make_finding("FG-MON-001", "no tracing", Location("main.tf", 7),
                                 f'tracing:aws_lambda_function.fn["{key}"]',
                                 confidence=confidence)
                    for key, confidence in (("a", "low"), ("b", "high")))
    kept = fold_overlaps([unsure, sure])
    assert kept == [unsure] and unsure.confidence == "high"
