"""Review of the serverless.ts reader's change detection (8090c2d, scope-aware): a change
of the module's config through the values a loop takes from it (`for (const fn of
Object.values(config.functions)) fn.events = [...]`; likewise `Object.values(...).forEach`,
`Object.entries` destructured, `[config.functions.list].forEach`, a parameter's default
`function f(c = config)`) is not seen: the service
is read as written, its route behind IAM, while the deployed one has no authoriser, and
nothing warns. The reader follows a name given the config's parts (`const fns =
config.functions`, a parameter), not the elements of what a call returns. Pinned (the
reader's files are Q1's, being edited). Also pinned: an exported list (or number, string)
is named in the warning by the reader's Python type ('(LList)', '(int)', '(str)').
Fixtures under tests/fixtures/review_ts_changes."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_ts_changes"


def _read(folder: str) -> tuple[list[str], list[str]]:
    """FG-AUTH-002's routes, and the diagnostics, of a scan."""
    result = scan(str(FIXTURES / folder))
    return ([f.message.split(" (")[0] for f in result.findings if f.rule_id == "FG-AUTH-002"],
            [d.message for d in result.diagnostics])


def test_a_change_through_object_values_is_a_change_of_config() -> None:
    routes, diagnostics = _read("values_loop/pos")
    assert routes == ["Route GET /orders"] or \
        any("'config' is changed after it is declared" in d for d in diagnostics)


def test_a_loop_reading_the_functions_changes_nothing() -> None:
    assert _read("values_loop/neg") == ([], [])


def test_an_exported_list_is_named_as_written() -> None:
    [warning] = _read("exported_list")[1]
    assert "not an object the scanner can read statically" in warning
    assert "LList" not in warning
