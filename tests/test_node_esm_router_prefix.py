"""Express routers imported as ES modules keep their mount path: `import users from
"./routes/users.mjs"; app.use("/api/users", users)` binds the router (the module's
default export, `export default router` or `export { router as default }`), not a module
value as `require("./routes/users")` does, and its routes were listed at the app's root.
Fixtures tests/fixtures/node_esm_router_prefix: `esm` and its CommonJS twin `cjs` list the
same routes and report the same findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.endpoints import build_endpoints
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"


# node_barrel_router_prefix: the same routers imported through a barrel
# (tests/test_node_barrel_router_prefix.py)
@pytest.mark.parametrize("form", ["node_esm_router_prefix/esm", "node_esm_router_prefix/cjs",
                                  "node_barrel_router_prefix/esm-default",
                                  "node_barrel_router_prefix/esm-named",
                                  "node_barrel_router_prefix/cjs"])
def test_an_imported_router_keeps_its_mount_path(form: str) -> None:
    result = scan(str(FIXTURES / form))
    behind = sorted((e.method, e.path) for e in build_endpoints(result.app)
                    if e.behind is not None)
    assert behind == [("GET", "/v1/users/{id}"), ("GET", "/v2/health"),
                      ("POST", "/api/users/{id}/avatar")]
    # the route rules read the mounted paths: /v1/ beside /v2/ is an old version
    [old] = [f for f in result.findings if f.rule_id == "FG-SHADOW-006"]
    assert old.location.line == 5 and old.location.file.startswith("src/routes/legacy.")
