"""A finding on an element a Terraform module instance declares names the `module` blocks
that make the instance as related locations (loaders.terraform `MODULE_CALLS`,
finding_origins): the module's file is shared by every instance, so two calls of
./modules/lambda could not be told apart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tf_module_calls"
CALL = "the module call that makes"


def _calls(folder: str) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    result = scan(str(FIXTURES / folder))
    return sorted((f.rule_id, f.subject, tuple((f"{loc.file}:{loc.line}", text.split(":")[0])
                                               for loc, text in f.related if CALL in text))
                  for f in result.findings)


def test_each_instance_names_its_module_call() -> None:
    found = _calls("pos")
    public = ("main.tf:3", "module.public_api")
    admin = ("main.tf:9", "module.admin_api")
    for rule_id, subject in [("FG-AUTH-001", "function-url:module.public_api"),
                             ("FG-MON-001", "tracing:module.public_api"),
                             ("FG-PERM-002", "service-star:module.public_api")]:
        assert [calls for r, s, calls in found if r == rule_id and s.startswith(subject)] \
            == [(public,)]
    assert [calls for r, s, calls in found
            if r == "FG-MON-001" and "admin_api" in s] == [(admin,)]
    # taint flows in the code the instances share: each names its function's call
    assert sorted(calls for r, _, calls in found if r == "FG-INJ-001") == [(public,), (admin,)]
    # a module the module calls: both calls, the root module's first
    assert [calls for r, s, calls in found if r == "FG-DATA-009" and "public_api" in s] == \
        [(public, ("modules/lambda/main.tf:40", "module.public_api.module.uploads"))]
    # an element of no instance (the alarms of all functions) names none
    assert [calls for r, _, calls in found if r == "FG-MON-006"] == [()]


def test_the_root_module_names_no_call() -> None:
    found = _calls("neg")
    assert found and all(calls == () for _, _, calls in found)


def test_sarif_related_locations(tmp_path: Path) -> None:
    out = tmp_path / "r.sarif"
    subprocess.run([sys.executable, "-c", "from faasguard.cli import run; run()", "scan",
                    ".", "--format", "sarif", "-o", str(out)], cwd=FIXTURES / "pos",
                   check=False)
    results = json.loads(out.read_text())["runs"][0]["results"]
    url = [r for r in results if r["ruleId"] == "FG-AUTH-001"]
    assert [(rel["physicalLocation"]["artifactLocation"]["uri"],
             rel["physicalLocation"]["region"]["startLine"], rel["message"]["text"])
            for rel in url[0]["relatedLocations"]] == \
        [("main.tf", 3, 'module.public_api: the module call that makes this instance')]
