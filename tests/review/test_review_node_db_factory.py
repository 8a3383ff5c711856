"""Review of the Node.js taint analysis on a realistic data layer: a knex instance made
once and handed out by a function (`export async function getDb() { if (!db) db =
knex(...); return db; }`, the usual way to reuse a connection across invocations).
Fixtures tests/fixtures/review_node_db_factory.

Pinned (strict xfail), for the Node.js engine's owners: the value a project function
returns keeps no kind when the call has no tainted argument (js/calls.call_value inlines
a project function for its arguments' taint only), so `(await getDb()).raw(\\`...
'${status}'\\`)` is no knex.raw call and the SQL injection is not reported, whether
getDb builds the instance lazily (factory) or returns a module constant (getter); nor is
the NoSQL injection of MongoDB's own Lambda pattern (`connectToDatabase()` caching
`client.db(...)`, mongo_cached: `findOne({ password: body.password })`). The same
instance imported directly (`import { db }`) is reported (exported: control)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_db_factory"


@pytest.mark.xfail(strict=True, reason="a project function's returned knex instance "
                   "loses its kind: knex.raw through getDb() is not a sink")
@pytest.mark.parametrize("project", ["factory", "getter"])
def test_raw_sql_through_a_connection_factory_is_reported(project: str) -> None:
    [sqli] = findings(FIXTURES / project, "FG-INJ-003")
    assert (sqli.location.file, sqli.location.line) == ("src/list.mjs", 6)


def test_raw_sql_on_the_imported_instance_is_reported() -> None:
    [sqli] = findings(FIXTURES / "exported", "FG-INJ-003")
    assert (sqli.location.file, sqli.location.line) == ("src/list.mjs", 5)


@pytest.mark.xfail(strict=True, reason="a project function's returned MongoDB database "
                   "loses its kind: findOne through connectToDatabase() is not a sink")
def test_a_query_through_a_cached_mongodb_connection_is_reported() -> None:
    assert findings(FIXTURES / "mongo_cached", "FG-INJ-004")
