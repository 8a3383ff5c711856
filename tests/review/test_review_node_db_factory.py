"""Review of the Node.js taint analysis on a realistic data layer: a knex instance made
once and handed out by a function (`export async function getDb() { if (!db) db =
knex(...); return db; }`, the usual way to reuse a connection across invocations).
Fixtures tests/fixtures/review_node_db_factory.

Closed: a project function called without tainted arguments is run for its value
when it may return an object of a table kind (js/calls `_may_return_kind`: its text
makes one, or it returns a name bound to one), so `(await getDb()).raw(...)` with
`'${status}'` in its text is knex.raw and the SQL injection is reported, whether getDb builds the
instance lazily (factory) or returns a module constant (getter); so is the NoSQL
injection of MongoDB's own Lambda pattern (`connectToDatabase()` caching `client.db(...)`,
mongo_cached: `findOne({ password: body.password })`). The same instance imported directly
(`import { db }`) is reported (exported: control). The safe twins: factory_bound (a
bound parameter), mongo_cached_cast (String() of each field) report nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_node_db_factory"


@pytest.mark.parametrize("project", ["factory", "getter"])
def test_raw_sql_through_a_connection_factory_is_reported(project: str) -> None:
    [sqli] = findings(FIXTURES / project, "FG-INJ-003")
    assert (sqli.location.file, sqli.location.line) == ("src/list.mjs", 6)


def test_raw_sql_on_the_imported_instance_is_reported() -> None:
    [sqli] = findings(FIXTURES / "exported", "FG-INJ-003")
    assert (sqli.location.file, sqli.location.line) == ("src/list.mjs", 5)


def test_a_query_through_a_cached_mongodb_connection_is_reported() -> None:
    found = findings(FIXTURES / "mongo_cached", "FG-INJ-004")
    assert {(f.location.file, f.location.line) for f in found} == {("src/login.mjs", 15)}


@pytest.mark.parametrize(("project", "rule_id"), [("factory_bound", "FG-INJ-003"),
                                                  ("mongo_cached_cast", "FG-INJ-004")])
def test_the_safe_twins_report_nothing(project: str, rule_id: str) -> None:
    assert not findings(FIXTURES / project, rule_id)
