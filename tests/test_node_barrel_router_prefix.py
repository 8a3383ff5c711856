"""A router imported through a barrel keeps its mount path: `import { users } from
"./routes/index.mjs"; app.use("/api/users", users)` where the barrel re-exports the router
(`export { default as users } from "./users.mjs"`, `export { users } from ...`, `export *
from ...`, or CommonJS `module.exports = { users: require("./users") }`) mounted the barrel
file, so the ES-module forms listed the routes at the app's root. Fixtures
tests/fixtures/node_barrel_router_prefix (esm-default, esm-named: a barrel of barrels and
an aliased import, cjs) list the routes and report the findings that importing each
router from its own file does (tests/fixtures/node_esm_router_prefix/esm): their routes
are checked in tests/test_node_esm_router_prefix.py."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.js.names import REEXPORT_DEPTH, export_origin
from faasguard.analysis.js.parse import JsModuleCache
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_the_barrel_and_the_direct_import_report_the_same() -> None:
    def seen(folder: Path) -> list[tuple[str, int]]:
        return sorted((f.rule_id, f.location.line) for f in scan(str(folder)).findings)

    assert seen(FIXTURES / "node_barrel_router_prefix" / "esm-default") == \
        seen(FIXTURES / "node_esm_router_prefix" / "esm")


def _project(tmp_path: Path, files: dict[str, str]) -> JsModuleCache:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return JsModuleCache(str(tmp_path))


def test_export_origin_stops_at_cycles_packages_and_depth(tmp_path: Path) -> None:
    cache = _project(tmp_path, {
        "a.mjs": 'export * from "./b.mjs";\nexport { Router as r } from "express";\n',
        "b.mjs": 'export * from "./a.mjs";\nexport { default as d } from "./c.cjs";\n',
        "c.cjs": "module.exports = require('express').Router();\n",
        **{f"n{i}.mjs": f'export {{ x }} from "./n{i + 1}.mjs";\n'
           for i in range(REEXPORT_DEPTH + 3)},
        f"n{REEXPORT_DEPTH + 3}.mjs": "export const x = 1;\n",
    })
    assert export_origin(cache, "a.mjs", "missing") == "a.mjs"  # a <-> b: not found
    assert export_origin(cache, "a.mjs", "r") == "a.mjs"  # a package's export
    assert export_origin(cache, "a.mjs", "d") == "c.cjs"  # CommonJS module: its default
    assert export_origin(cache, "n3.mjs", "x") == f"n{REEXPORT_DEPTH + 3}.mjs"
    # past the depth limit: the last module a re-export named
    assert export_origin(cache, "n0.mjs", "x") == f"n{REEXPORT_DEPTH + 1}.mjs"
