"""Change detection of the service-code reader follows JavaScript's scopes: a name that a
function, block, `for`, `catch` or parameter binds again is another variable, and
changing it does not make the module's configuration unknown (it did: 'config' is
changed after it is declared, the service not modelled, its findings lost)."""

from __future__ import annotations

import os

import pytest

from faasguard.loaders import LoadContext, load_path
from faasguard.scan import scan

SCOPE = os.path.join(os.path.dirname(__file__), "fixtures", "serverless_ts_scope")
SHAPES = ["parameter", "arrow_body", "block", "for_loop", "catch", "hoisted_var"]


def load(folder, name="serverless.ts"):
    app = load_path(LoadContext(root=folder, file=name))
    return app, [(d.line, d.level, d.message.split(":")[0]) for d in app.diagnostics]


@pytest.mark.parametrize("shape", SHAPES)
def test_another_binding_of_the_name_is_not_a_change(shape):
    app, found = load(os.path.join(SCOPE, shape, "neg"))
    assert found == []
    assert sorted(app.functions) == ["serverless.ts#list"]


@pytest.mark.parametrize("shape, line", [
    ("parameter", 11),  # the parameter is given the module's config: `forLocal(config)`
    ("arrow_body", 12), ("block", 13), ("for_loop", 12), ("catch", 13),
    ("hoisted_var", 12),  # a top-level block's `var` is the module's own
])
def test_a_change_of_the_modules_own_config_still_warns(shape, line):
    app, found = load(os.path.join(SCOPE, shape, "pos"))
    assert found[0] == (line, "warning", f"'config' is changed after it is declared "
                        f"(line {line})")
    assert app.functions == {}


def test_inside_with_the_reader_cannot_tell_and_warns():
    app, found = load(os.path.join(SCOPE, "with", "pos"), "serverless.js")
    assert found[0] == (13, "warning", "'config' is changed after it is declared (line 13)")
    assert app.functions == {}


def test_the_public_route_of_a_service_with_a_shadowing_helper_is_reported():
    # the true positive the false warning hid
    result = scan(os.path.join(SCOPE, "parameter", "neg"))
    assert [(f.location.file, f.location.line) for f in result.findings
            if f.rule_id == "FG-AUTH-002"] == [("serverless.ts", 7)]
    assert scan(os.path.join(SCOPE, "parameter", "pos")).findings == []


def test_aliases_and_parameters_resolve_to_their_own_bindings(tmp_path):
    # a local alias of a local `provider` is not the module's; a function's own `p`,
    # given the module's config by a call, is; a shadowed helper name is not the helper
    (tmp_path / "serverless.ts").write_text("""const provider = { name: 'aws' };
const config = { service: 's', provider };
function local() {
  const provider = { stage: 'x' };
  const p = provider; // (the module's provider, were it not declared again)
  p.stage = 'y';
}
function tweak(c: any) { c.provider.name = 'changed'; }
function outer(tweak: (x: any) => void) { tweak(config); }
export default config;
""")
    app, found = load(str(tmp_path))
    assert found == [] and app.functions == {}
    (tmp_path / "serverless.ts").write_text((tmp_path / "serverless.ts").read_text()
                                             .replace("tweak(config); }", "tweak(config); }\n"
                                                      "tweak(config);"))
    app, found = load(str(tmp_path))
    assert found[0] == (8, "warning", "'config' is changed after it is declared (line 8, "
                        "through 'c')")


@pytest.mark.parametrize("shape", ["rebinding_for", "rebinding_destructure"])
def test_a_loop_or_destructuring_assignment_setting_the_config_is_a_change(shape):
    # `for (config of defaults)`, `({ config, other } = ...)`: the module's config set,
    # which was not seen (the literal read as what the framework gets)
    app, found = load(os.path.join(SCOPE, shape, "pos"))
    assert found[0] == (12, "warning", "'config' is changed after it is declared (line 12)")
    assert app.functions == {}
    neg, found = load(os.path.join(SCOPE, shape, "neg"))
    assert found == [] and sorted(neg.functions) == ["serverless.ts#list"]


@pytest.mark.parametrize("change", ["for (config.key in { a: 1 }) {}",
                                    "({ tracing: config.provider.tracing } = { tracing: 1 });",
                                    "[config.provider.name] = ['x'];"])
def test_members_a_loop_or_destructuring_sets_change_the_object(tmp_path, change):
    (tmp_path / "serverless.ts").write_text(
        "const config = { service: 's', provider: { name: 'aws' } };\n"
        f"{change}\nexport default config;\n")
    app, found = load(str(tmp_path))
    assert found[0] == (2, "warning", "'config' is changed after it is declared (line 2)")


@pytest.mark.parametrize("change", [
    "Object.values(config.functions).forEach((fn) => { fn.events = []; });",
    "for (const [name, fn] of Object.entries(config.functions)) { fn.events = []; }",
    "[config.functions.list].forEach(function (fn) { fn.events = []; });",
    "config.provider.tags.map((tag: any) => tag.value = 'x');",
    "function open(c = config) { c.functions.list.events = []; }",
])
def test_a_change_through_the_items_a_loop_takes_from_the_config(tmp_path, change):
    # the reviewer's pinned values_loop case (93c173a) in its other shapes: the items of
    # Object.values / Object.entries, of an array of its parts, a parameter's default
    (tmp_path / "serverless.ts").write_text(
        "const config = { service: 's', provider: { name: 'aws', tags: [{ value: 'a' }] },\n"
        "  functions: { list: { handler: 'h.main', events: [{ httpApi: 'GET /a' }] } } };\n"
        f"{change}\nexport default config;\n")
    app, found = load(str(tmp_path))
    assert found[0][:2] == (3, "warning")
    assert found[0][2].startswith("'config' is changed after it is declared (line 3")
    assert app.functions == {}


@pytest.mark.parametrize("loop", [
    "Object.values(config.functions).forEach((fn) => console.log(fn.handler));",
    "for (const [name, fn] of Object.entries(config.functions)) { console.log(name, fn); }",
    "Object.values(other).forEach((fn: any) => { fn.events = []; });",
    "function open(c = other) { c.events = []; }",
])
def test_a_loop_that_only_reads_the_config_or_changes_another_value_is_none(tmp_path, loop):
    (tmp_path / "serverless.ts").write_text(
        "const other = { a: { events: [] } };\n"
        "const config = { service: 's', provider: { name: 'aws' },\n"
        "  functions: { list: { handler: 'h.main', events: [{ httpApi: 'GET /a' }] } } };\n"
        f"{loop}\nexport default config;\n")
    app, found = load(str(tmp_path))
    assert found == [] and sorted(app.functions) == ["serverless.ts#list"]
