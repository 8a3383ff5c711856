"""CDK asset copies: a function whose code cdk synth copied to cdk.out/asset.<hash>/ is
reported once, in the project's source file, when the copy is byte-identical to it
(bundled packages aside); else in the copy, saying it is generated (analysis.cdk_assets,
finding_origins)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cdk_assets"
GENERATED = "This file is generated: cdk synth wrote it to"


def _injections(case: str) -> list[tuple[str, int, str, bool]]:
    result = scan(str(FIXTURES / case))
    assert not result.diagnostics
    return sorted((f.location.file, f.location.line, f.confidence, GENERATED in f.message)
                  for f in result.findings if f.rule_id == "FG-INJ-001")


@pytest.mark.parametrize(("case", "source"), [
    ("copy", ("lambda/handler.py", 6)),  # a byte-identical copy of lambda/
    ("bundled", ("lambda/handler.py", 6)),  # plus a package bundling installed
    ("node_copy", ("lambda/index.js", 4)),
])
def test_a_copy_is_reported_once_at_its_source(case: str, source: tuple[str, int]) -> None:
    assert _injections(case) == [(*source, "high", False)]


def test_the_function_reads_its_source_folder() -> None:
    result = scan(str(FIXTURES / "bundled"))
    (function,) = result.app.functions.values()
    assert (function.code_dir, function.source_file) == ("lambda", "lambda/handler.py")
    assert not [f.path for f in result.app.files if f.path.startswith("cdk.out/asset.")]


def test_an_asset_no_source_matches_is_reported_there_as_generated() -> None:
    # the source quotes the name since the synth: what deploys is the asset's code
    assert _injections("changed") == [("cdk.out/asset.2b7e44/handler.py", 6, "high", True)]
    assert _injections("no_source") == [("cdk.out/asset.91aa0f/handler.py", 6, "high", True)]


def test_asset_folder() -> None:
    from faasguard.analysis.cdk_assets import asset_folder

    assert asset_folder("cdk.out/asset.4f1c2a/handler.py") == "cdk.out/asset.4f1c2a"
    assert asset_folder("infra/cdk.out/asset.4f1c2a") == "infra/cdk.out/asset.4f1c2a"
    assert asset_folder("cdk.out/ApiStack.template.json") is None
    assert asset_folder("src/asset.4f1c2a/handler.py") is None
