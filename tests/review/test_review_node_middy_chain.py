"""Review of the Node.js taint analysis on middy (the form middy's own documentation has
used since v4: `export const handler = middy().use(httpHeaderNormalizer()).handler(getDoc)`)
and its validator middleware.

- The `.handler(fn)` form was not resolved: 'exports no function named handler' (a
  warning), and the path traversal in getDoc was reported only as code 'not reached from
  any handler found', without its function, trigger or exposure (`middy(getDoc).use(...)`
  was resolved). Fixed, also for `const handler = middy(); handler.use(cors()).handler(fn)`
  (thumbnail.js), and a `validator({ eventSchema })` given by `.use()` before
  `.handler(fn)` applies to fn (resize.mjs: an enum is silent, a free string reported);
  not for an ES `export const handler = middy()` completed by a later statement (the
  export keeps the value it was declared with).
- `middy(createJob).use(jsonBodyParser()).use(validator({ eventSchema }))`: the event is
  validated against the schema before the handler runs, as `ajv.compile(schema)`'s
  `validate(job)` guard (already a sanitiser), yet a body field held to an `enum` was still
  FG-INJ-001. Closed: the fields an eventSchema holds to safe values (enum, const, number,
  a closed format or pattern) are clean in the handler (js/frameworks.py). A field the
  schema leaves a free string stays reported (the pos twin).

Fixtures tests/fixtures/review_node_middy_chain."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_middy_chain"


def test_the_handler_form_of_middy_is_resolved() -> None:
    [found] = findings(FIXTURES / "pos", "FG-INJ-005")
    assert (found.location.file, found.location.line) == ("src/docs.mjs", 6)
    assert "in function 'getDoc'" in found.message
    [statement] = [f for f in findings(FIXTURES / "pos", "FG-INJ-001")
                   if f.location.file == "src/thumbnail.js"]
    assert statement.location.line == 6
    assert "in function 'thumbnail'" in statement.message
    assert not [d for d in scan(str(FIXTURES / "pos")).diagnostics if d.code == "handler"]


def test_a_validator_given_before_the_handler_applies_to_it() -> None:
    [found] = [f for f in findings(FIXTURES / "pos", "FG-INJ-001")
               if f.location.file == "src/resize.mjs"]
    assert found.location.line == 19
    assert "in function 'resize'" in found.message
    assert [f for f in findings(FIXTURES / "neg", "FG-INJ-001")
            if f.location.file == "src/resize.mjs"] == []


def test_a_free_string_under_the_validator_is_reported() -> None:
    [found] = [f for f in findings(FIXTURES / "pos", "FG-INJ-001")
               if f.location.file == "src/create.js"]
    assert found.location.line == 20
    assert "in function 'createJob'" in found.message


def test_an_enum_under_the_validator_is_not_reported() -> None:
    assert [f for f in findings(FIXTURES / "neg", "FG-INJ-001")
            if f.location.file == "src/create.js"] == []


def test_the_twins_stay_silent() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-005") == []
    assert [f for f in findings(FIXTURES / "neg", "FG-INJ-001")
            if f.location.file == "src/thumbnail.js"] == []
