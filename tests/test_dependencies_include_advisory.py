"""FG-TP-101 on a requirement an included file declares (`-r ../shared/prod.txt`): the
functions using the files that include it are named (59c96b9 left the list empty)."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.scan import scan

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "deps_include"
DB = Path(__file__).resolve().parent / "fixtures" / "osv" / "db"


def test_an_included_requirements_advisory_names_the_functions() -> None:
    result = scan(str(FIXTURE), Options(osv_db=str(DB)))
    [finding] = [f for f in result.findings if f.rule_id == "FG-TP-101"]
    assert (finding.location.file, finding.location.line) == ("shared/prod.txt", 1)
    assert finding.properties["functions"] == ["template.yaml#Api", "template.yaml#Worker"]
    assert finding.message.endswith("Used by function(s) 'Api', 'Worker'.")
