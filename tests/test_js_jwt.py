"""FG-AUTH-101: JWTs decoded and trusted without verifying their signature."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.scan import ScanResult, scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "jwt"
_EXPECT = re.compile(r"(?://|#)\s*expect:\s*(FG-AUTH-101)")


def _marked(root: Path) -> set[tuple[str, int]]:
    out = set()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".js", ".mjs", ".ts", ".py"):
            for number, text in enumerate(path.read_text().splitlines(), 1):
                if _EXPECT.search(text):
                    out.add((path.relative_to(root).as_posix(), number))
    return out


def _reported(result: ScanResult) -> set[tuple[str, int]]:
    return {(f.location.file, f.location.line) for f in result.findings
            if f.rule_id == "FG-AUTH-101"}


@pytest.mark.parametrize("folder", ["node", "python"])
def test_exactly_the_marked_decodes_are_reported(folder: str) -> None:
    root = FIXTURES / folder
    result = scan(str(root))
    want = _marked(root)
    assert want and _reported(result) == want


def test_node_findings_name_the_function_and_the_decoder() -> None:
    result = scan(str(FIXTURES / "node"))
    by_file = {f.location.file: f for f in result.findings if f.rule_id == "FG-AUTH-101"}
    assert by_file["decode_only.js"].properties["how"] == "jsonwebtoken.decode"
    assert "function 'decodeOnly'" in by_file["decode_only.js"].message
    assert by_file["decode_base64.ts"].properties["how"] == "base64 of the token's middle segment"
    assert by_file["decode_only.js"].severity == "high"
    assert "aws-jwt-verify" in by_file["decode_only.js"].remediation


def test_python_remediation_is_python() -> None:
    result = scan(str(FIXTURES / "python"))
    finding = next(f for f in result.findings if f.rule_id == "FG-AUTH-101")
    assert finding.remediation.startswith("claims = jwt.decode(")
    assert {f.properties["language"] for f in result.findings
            if f.rule_id == "FG-AUTH-101"} == {"python"}
