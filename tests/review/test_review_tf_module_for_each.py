"""Review of the Terraform reader on a realistic for_each stack: one module instance per
function (`module "fn" { for_each = local.functions }`), and the API's integrations and
permissions made per instance by iterating the module itself (`for_each = module.fn`,
`integration_uri = each.value.invoke_arn`), as Terraform allows. Fixtures
tests/fixtures/review_tf_module_for_each.

Was pinned (strict xfail); `each.value` of a for_each over a module's instances is now
its outputs (tests/test_tf_module_for_each.py). Before, it was not read, so the routes
named no function (`faasguard endpoints`: FUNCTION '-'). What was lost:
FG-WALLET-001 (the exposed functions have no reserved concurrency), the injection's 'The
trigger is public' and FG-AUTH-002's function; the permission is FG-AUTH-004's subject
'<unknown: each.value>' when its source_arn is missing. The same stack indexing the module
(`for_each = local.functions`, `module.fn[each.key].invoke_arn`) links them (indexed:
control, passes)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_module_for_each"


def _route_functions(folder: Path) -> dict[str, str | None]:
    app = scan(str(folder)).app
    return {f"{r.method} {r.path}": r.function for r in app.routes}


def test_routes_integrated_over_the_modules_instances_name_their_functions() -> None:
    assert _route_functions(FIXTURES / "over_module") == \
        _route_functions(FIXTURES / "indexed")
    assert findings(FIXTURES / "over_module", "FG-WALLET-001")


def test_routes_integrated_by_module_index_name_their_functions() -> None:
    routes = _route_functions(FIXTURES / "indexed")
    assert routes["POST /orders"] is not None and 'module.fn["create"]' in routes["POST /orders"]
    assert findings(FIXTURES / "indexed", "FG-WALLET-001")
