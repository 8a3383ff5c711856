"""Review of d5d0bec's JSON schemas as sanitisers (Fastify route schemas, middy's
eventSchema): a `pattern` anchored at both ends counts as closing a field, but
`^[a-z0-9-]+|[a-z0-9-]+$` is `^[a-z0-9-]+` or `[a-z0-9-]+$`, which any text starting with a
letter or a digit matches (`abc; reboot`: the schema lets it through). The field was read
as clean and the command injection behind it was not reported. A `|` outside parentheses
now leaves the pattern open; `^([a-z0-9-]+|[0-9]+)$` still closes it. Fixtures
tests/fixtures/review_node_schema_alternation (Fastify behind @fastify/aws-lambda)."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_schema_alternation"


def test_a_pattern_alternating_outside_a_group_does_not_validate() -> None:
    [found] = findings(FIXTURES / "pos", "FG-INJ-001")
    assert (found.location.file, found.location.line) == ("src/app.mjs", 16)
    assert "query string parameter 'host'" in found.message


def test_a_grouped_alternation_anchored_at_both_ends_does() -> None:
    assert findings(FIXTURES / "neg", "FG-INJ-001") == []
