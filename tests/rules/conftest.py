"""Fixture-driven rule tests: the layout every rule module's tests follow.

Layout (one folder per rule id, one sub-folder per case)::

    tests/fixtures/rules/<RULE-ID>/<format>-<pos|neg>[-<what>]/
        serverless.yml | template.yaml | main.tf   (+ handler files, openapi specs, ... as needed)
        options.json                     (optional: Options fields for this case; its
                                          openapi_files are relative to the case folder)

`<format>` is `serverless` or `sam` (every rule has at least one positive and one negative
case in each) or `terraform` (optional); `-<what>` names extra cases (`sam-pos-openapi`).
In a positive case, every line where the rule must fire ends with the comment
`# expect: <RULE-ID>` (several ids may follow, comma-separated); the rule must fire at
exactly those lines, in exactly those files.
In a negative case the rule must not fire at all. Every case must load without an
error-level diagnostic about the templates (handler files may be left out), so a broken
fixture cannot pass as a negative.

Usage in a test module::

    from .conftest import cases, check_case

    @pytest.mark.parametrize("case", cases("FG-AUTH-002"), ids=str)
    def test_fixture(case):
        check_case(case)
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.findings import Finding
from faasguard.scan import ScanResult, scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+-[A-Z]+-\d{3}(?:\s*,\s*[A-Z]+-[A-Z]+-\d{3})*)")
_CASE_NAME = re.compile(r"^(serverless|sam|terraform)-(pos|neg)(-[\w-]+)?$")
_LOADER = {"serverless": "serverless", "sam": "cloudformation", "terraform": "terraform"}
_TEXT_SUFFIXES = {".yml", ".yaml", ".json", ".py", ".js", ".ts", ".template", ".tf"}


@dataclass(frozen=True, order=True)
class Case:
    """One fixture folder for one rule."""

    rule_id: str
    path: Path

    @property
    def positive(self) -> bool:
        """True for a `-pos` case (the rule must fire)."""
        match = _CASE_NAME.match(self.path.name)
        return bool(match and match.group(2) == "pos")

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.path.name}"


def cases(rule_id: str) -> list[Case]:
    """Every fixture case of a rule; fails when the four mandatory cases are not all there."""
    folder = FIXTURES / rule_id
    found = sorted(Case(rule_id, p) for p in folder.iterdir()
                   if p.is_dir() and _CASE_NAME.match(p.name)) if folder.is_dir() else []
    kinds = {(m.group(1), m.group(2)) for c in found if (m := _CASE_NAME.match(c.path.name))}
    missing = {(f, k) for f in ("serverless", "sam") for k in ("pos", "neg")} - kinds
    if missing:
        raise AssertionError(f"{rule_id}: missing fixture cases "
                             f"{sorted(f'{f}-{k}' for f, k in missing)} under {folder}")
    return found


def expected_lines(case: Case) -> set[tuple[str, int]]:
    """(file relative to the case folder, line) of every `# expect: <rule id>` marker."""
    expected: set[tuple[str, int]] = set()
    for file in sorted(case.path.rglob("*")):
        if not file.is_file() or file.suffix not in _TEXT_SUFFIXES:
            continue
        for number, line in enumerate(file.read_text().splitlines(), 1):
            match = _EXPECT.search(line)
            if match and case.rule_id in {i.strip() for i in match.group(1).split(",")}:
                expected.add((file.relative_to(case.path).as_posix(), number))
    return expected


def case_options(case: Case) -> Options:
    """The Options for a case: defaults, overridden by the case's options.json if any."""
    path = case.path / "options.json"
    if not path.exists():
        return Options()
    raw = json.loads(path.read_text())
    known = {f.name for f in fields(Options)}
    unknown = set(raw) - known
    assert not unknown, f"{path}: unknown Options fields {sorted(unknown)}"
    raw["openapi_files"] = [str(case.path / f) for f in raw.get("openapi_files", [])]
    return Options(**raw)


def scan_case(case: Case) -> ScanResult:
    """Scan a case folder through the full pipeline, asserting it loaded cleanly."""
    result = scan(str(case.path), case_options(case))
    # handler code is not what these fixtures are about: a missing handler file is fine
    errors = [d for d in result.diagnostics if d.level == "error" and d.code != "handler"]
    assert not errors, f"{case}: fixture does not load cleanly: {errors}"
    assert result.app.functions or result.app.apis or result.app.resources or \
        result.app.trails or result.app.budgets, f"{case}: nothing was loaded"
    return result


def findings_of(result: ScanResult, rule_id: str) -> list[Finding]:
    """The findings one rule produced in a scan."""
    return [f for f in result.findings if f.rule_id == rule_id]


def check_case(case: Case) -> list[Finding]:
    """Scan a case; the rule fires exactly at the marked lines (pos) or nowhere (neg)."""
    # until both loaders have landed, the cases of the missing one are skipped (not passed)
    pytest.importorskip("faasguard.loaders." + _LOADER[case.path.name.split("-", 1)[0]])
    result = scan_case(case)
    got = {(f.location.file, f.location.line) for f in findings_of(result, case.rule_id)}
    if case.positive:
        expected = expected_lines(case)
        assert expected, f"{case}: a positive case needs an '# expect: {case.rule_id}' marker"
        assert got == expected, f"{case}: fired at {sorted(got)}, expected {sorted(expected)}"
    else:
        assert not got, f"{case}: must not fire, fired at {sorted(got)}"
    return findings_of(result, case.rule_id)
