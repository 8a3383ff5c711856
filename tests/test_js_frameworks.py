"""Node.js web frameworks and middlewares behind Lambda (issue 7): Koa + @koa/router and
Fastify behind @fastify/aws-lambda are read as Express apps behind serverless-http are
(their routes are the handler's code, their request or context the HTTP event), and the
JSON schemas a framework checks the event against before the code runs (a Fastify
route's `schema`, @middy/validator's `eventSchema`) make the fields they hold to safe
values clean. A router a project function makes (`app.use("/r", makeRoutes())`) is
followed, and an Express-style app's routes are the API's app_routes behind the
function's catch-all route (`faasguard endpoints`), under the paths their routers are
mounted at. An app a handler runs itself (lambda-api's `api.run(event, context)`, Hapi's
`server.inject({ url: event.path, ... })`, an adapter given the app and the event) runs its
routes with the event as their request. NestJS controllers in a handler's module graph
are routes, their decorated parameters (`@Param("id")`, `@Query`, `@Body`, `@Headers`)
the event's fields (a parsing pipe, `ParseIntPipe`, makes one clean). Fixtures:
tests/fixtures/taint_js/http_koa_router.ts, http_fastify_schema.mjs,
http_middy_validator.js, http_lambda_api.js, http_hapi_inject.js, http_nest_controller.ts
+ lib/reports.controller.ts, http_express_router_factory.js (each with its silent lines),
tests/fixtures/js_frameworks/express_mounts, koa_prefix (a router's `prefix` option),
koa_prefix_later (its `prefix` call, options named),
nest_app (a Nest app's controller routes behind the catch-all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_js_suite import expected, run_suite

from faasguard.analysis.endpoints import build_endpoints
from faasguard.analysis.js.frameworks import validated_paths
from faasguard.analysis.js.parse import JsModule, parse_bytes
from faasguard.cli import main
from faasguard.findings import Finding
from faasguard.scan import scan

MOUNTS = Path(__file__).resolve().parent / "fixtures" / "js_frameworks" / "express_mounts"
KOA_PREFIX = MOUNTS.parent / "koa_prefix"
FILES = ("http_koa_router.ts", "http_fastify_schema.mjs", "http_middy_validator.js",
         "http_lambda_api.js", "http_hapi_inject.js", "lib/reports.controller.ts")


@pytest.fixture(scope="module")
def found_all() -> list[Finding]:
    _, _, findings = run_suite()
    return findings


@pytest.fixture(scope="module")
def found(found_all: list[Finding]) -> list[Finding]:
    return [f for f in found_all if f.location.file in FILES]


@pytest.mark.parametrize("file", FILES)
def test_each_marked_line_and_only_those_are_reported(found: list[Finding], file: str) -> None:
    want = {(line, rule) for name, line, rule in expected() if name == file}
    assert want
    assert {(f.location.line, f.rule_id) for f in found if f.location.file == file} == want


def test_a_koa_context_is_the_request(found: list[Finding]) -> None:
    sources = {f.location.line: f.properties["source"] for f in found
               if f.location.file == "http_koa_router.ts"}
    assert sources == {14: "path parameter 'name'", 19: "query string parameter 'file'",
                       24: "HTTP request body"}


def _module(text: str) -> JsModule:
    source = text.encode()
    return JsModule("schema.js", source, parse_bytes(source, "javascript"))


def _paths(text: str) -> set[tuple[str, ...]]:
    module = _module(text)
    declarator = next(n for n in module.root.named_children[0].named_children)
    return set(validated_paths(module, declarator.child_by_field_name("value")))


def test_schema_fields_held_to_safe_values() -> None:
    assert _paths("""const s = { properties: { body: { properties: {
        a: { enum: ["x"] }, b: { const: 1 }, c: { type: "integer" }, d: { type: "boolean" },
        e: { type: "string", format: "uuid" }, f: { type: "string", pattern: "^[a-z]+$" },
        g: { type: "string" }, h: { type: "string", format: "email" },
        i: { pattern: "^.*$" }, j: { pattern: "[a-z]+" }, k: { pattern: "^[^/]+$" },
        l: { type: ["string", "null"] }, m: { type: "string", format: "uri" } } } } };""") \
        == {("body", "a"), ("body", "b"), ("body", "c"), ("body", "d"), ("body", "e"),
            ("body", "f")}


def test_a_schema_written_elsewhere_is_followed() -> None:
    module = _module("""const inner = { properties: { n: { type: "number" } } };
const s = wrap({ properties: { body: inner, q: { properties: { x: { enum: [1] } } } } });""")
    declarator = module.root.named_children[1].named_children[0]
    assert set(validated_paths(module, declarator.child_by_field_name("value"))) == {
        ("body", "n"), ("q", "x")}
    assert validated_paths(module, None) == frozenset()


def test_a_router_made_by_a_project_function_is_followed(found_all: list[Finding]) -> None:
    # lib/label_routes.js: `app.use("/labels", makeLabelRoutes({ printer }))`
    want = {(line, rule) for name, line, rule in expected() if name == "lib/label_routes.js"}
    assert want == {(7, "FG-INJ-001")}
    assert {(f.location.line, f.rule_id) for f in found_all
            if f.location.file == "lib/label_routes.js"} == want


def test_an_express_app_s_routes_are_listed_behind_the_catch_all() -> None:
    result = scan(str(MOUNTS))
    listed = {(e.method, e.path, e.location.file, e.location.line, e.behind)
              for e in build_endpoints(result.app) if e.behind is not None}
    assert listed == {
        ("GET", "/", "src/app.js", 11, "ANY *"),
        ("ANY", "/status", "src/app.js", 12, "ANY *"),
        ("GET", "/carts/{cartId}", "src/routes/carts.js", 5, "ANY *"),
        ("DELETE", "/carts/{cartId}/items/{sku}", "src/routes/carts.js", 6, "ANY *"),
        ("POST", "/carts/{cartId}/items", "src/routes/items.js", 4, "ANY *"),
        ("GET", "/invoices/{number}", "src/routes/invoices.js", 5, "ANY *")}
    # the function serving one declared route gets none of them: API Gateway sends it
    # only GET /admin/stats
    assert {e.function for e in build_endpoints(result.app) if e.behind is not None} == {
        "serverless.yml#api"}


def test_a_koa_router_s_prefix_is_part_of_its_routes() -> None:
    result = scan(str(KOA_PREFIX))
    assert {(e.method, e.path, e.location.line) for e in build_endpoints(result.app)
            if e.behind is not None} == {
        ("GET", "/media/{name}", 9), ("POST", "/media", 12), ("GET", "/health", 15)}


def test_a_koa_router_s_prefix_call_and_named_options_are_part_of_its_routes() -> None:
    """`router.prefix("/v1")` (overriding the option, chained after `new Router()`) and
    options named in the file; options without a prefix and a prefix not written out add
    none (koa_prefix_later)."""
    result = scan(str(MOUNTS.parent / "koa_prefix_later"))
    assert {(e.method, e.path, e.location.line) for e in build_endpoints(result.app)
            if e.behind is not None} == {
        ("GET", "/api/status", 18), ("GET", "/v1/orders/{id}", 21), ("POST", "/carts", 24),
        ("GET", "/stock/{sku}", 27), ("GET", "/health", 30), ("GET", "/ping", 33)}


def test_a_nest_app_s_controller_routes_are_listed_behind_the_catch_all() -> None:
    result = scan(str(MOUNTS.parent / "nest_app"))
    assert {(e.method, e.path, e.location.file, e.location.line, e.behind)
            for e in build_endpoints(result.app) if e.behind is not None} == {
        ("GET", "/reports", "src/reports.controller.ts", 6, "ANY *"),
        ("GET", "/reports/{id}/pages/{page}", "src/reports.controller.ts", 11, "ANY *"),
        ("POST", "/reports", "src/reports.controller.ts", 16, "ANY *"),
        ("DELETE", "/reports/{id}", "src/reports.controller.ts", 21, "ANY *")}


def test_the_endpoints_command_lists_a_node_app_s_routes(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    assert main(["endpoints", str(MOUNTS), "--format", "json"]) == 0
    listed = {(e["method"], e["path"]) for e in json.loads(capsys.readouterr().out)["endpoints"]}
    assert {("GET", "/carts/{cartId}"), ("GET", "/invoices/{number}"), ("ANY", "*")} <= listed
