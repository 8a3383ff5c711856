"""Review of the Node.js taint analysis on middy (the form middy's own documentation has
used since v4: `export const handler = middy().use(httpHeaderNormalizer()).handler(getDoc)`)
and its validator middleware.

- The `.handler(fn)` form is not resolved: 'exports no function named handler' (a
  warning), and the path traversal in getDoc is reported only as code 'not reached from any
  handler found', without its function, trigger or exposure. `middy(getDoc).use(...)` is.
- `middy(createJob).use(jsonBodyParser()).use(validator({ eventSchema }))`: the event is
  validated against the schema before the handler runs, as `ajv.compile(schema)`'s
  `validate(job)` guard (already a sanitiser), yet a body field held to an `enum` was still
  FG-INJ-001. Closed: the fields an eventSchema holds to safe values (enum, const, number,
  a closed format or pattern) are clean in the handler (js/frameworks.py). A field the
  schema leaves a free string stays reported (the pos twin).

Fixtures tests/fixtures/review_node_middy_chain."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_middy_chain"


@pytest.mark.xfail(strict=True, reason="middy().use(...).handler(fn) is not read as fn "
                   "(js/calls.py method: a middy instance without a function is CLEAN)")
def test_the_handler_form_of_middy_is_resolved() -> None:
    [found] = findings(FIXTURES / "pos", "FG-INJ-005")
    assert (found.location.file, found.location.line) == ("src/docs.mjs", 6)
    assert "in function 'getDoc'" in found.message


def test_a_free_string_under_the_validator_is_reported() -> None:
    [found] = findings(FIXTURES / "pos", "FG-INJ-001")
    assert (found.location.file, found.location.line) == ("src/create.js", 20)
    assert "in function 'createJob'" in found.message


def test_an_enum_under_the_validator_is_not_reported() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-001") == []


def test_the_basename_twin_stays_silent() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-005") == []
