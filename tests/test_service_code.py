"""Serverless Framework services written as code (serverless.ts / serverless.js), read
statically by loaders.service_code: nothing is compiled, imported or run."""

from __future__ import annotations

import os
import textwrap

import pytest

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.documents import InputError
from faasguard.loaders.service_code import ServiceReader
from faasguard.model import Unknown
from faasguard.scan import scan

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")
TS = os.path.join(FIXTURES, "serverless_ts")
BAD = os.path.join(FIXTURES, "serverless_ts_bad")


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def read(root, name="serverless.ts"):
    """The evaluated export and the reader's notes (as (file, line, level, message))."""
    reader = ServiceReader(LoadContext(root=str(root), file=name))
    data = reader.read()
    return data.data, [(d.file, d.line, d.level, d.message) for d in reader.notes]


def where(result, rule):
    return sorted((f.location.file, f.location.line) for f in result.findings
                  if f.rule_id == rule)


# --------------------------------------------------------------------------- fixtures


def test_the_template_layout_is_modelled_and_findings_point_at_the_ts_lines():
    result = scan(os.path.join(TS, "pos"))
    app = result.app
    assert {name: (f.handler, f.source_file, f.location.file, f.location.line)
            for name, f in app.functions.items()} == {
        "serverless.ts#hello": ("src/functions/hello/handler.main",
                                "src/functions/hello/handler.ts",
                                "src/functions/hello/index.ts", 3),
        "serverless.ts#goodbye": ("src/functions/goodbye/handler.main",
                                  "src/functions/goodbye/handler.ts",
                                  "src/functions/goodbye/index.ts", 3)}
    # the public POST without an authoriser, at its event in the function's module
    assert where(result, "FG-AUTH-002") == [("src/functions/hello/index.ts", 6)]
    # the wildcard statement, at its line of serverless.ts
    assert where(result, "FG-PERM-002") == [("serverless.ts", 19)]
    assert app.stage == "dev"  # `\${opt:stage, 'dev'}` resolved by the serverless loader
    assert app.diagnostics == []


def test_the_hardened_twin_scans_clean():
    result = scan(os.path.join(TS, "neg"))
    assert sorted(result.app.functions) == ["serverless.ts#goodbye", "serverless.ts#hello"]
    assert [(f.rule_id, f.location.file, f.location.line) for f in result.findings] == []
    assert result.app.diagnostics == []


def test_the_javascript_twin_with_module_exports_and_require():
    result = scan(os.path.join(TS, "js"))
    hello = result.app.functions["serverless.js#hello"]
    assert (hello.handler, hello.source_file) == ("src/functions/hello/handler.main",
                                                  "src/functions/hello/handler.js")
    assert where(result, "FG-AUTH-002") == [("src/functions/hello/index.js", 5)]
    assert where(result, "FG-PERM-001") == [("src/iam.js", 1)]
    assert result.app.diagnostics == []


# --------------------------------------------------------------------------- bad input


def diagnostics(app):
    return [(d.file, d.line, d.level, d.message) for d in app.diagnostics]


def test_a_syntax_error_is_one_warning_and_the_scan_goes_on():
    result = scan(BAD)  # every bad service at once: each is reported, the others load
    found = [d for d in diagnostics(result.app) if d[0] == "syntax/serverless.ts"
             and d[2] == "warning"]
    assert len(found) == 1 and found[0][1] == 5
    assert found[0][3].startswith("syntax error near line 5: this service's functions")
    assert "serverless print" in found[0][3]
    assert "cycle/serverless.ts#a" in result.app.functions
    assert "unknown/serverless.ts#hello" in result.app.functions


def test_an_import_leaving_the_root_is_a_warning_and_the_rest_loads():
    app = scan(os.path.join(BAD, "outside", "service")).app
    assert sorted(app.functions) == ["serverless.ts#local"]
    assert ("serverless.ts", 1, "warning", "import '../shared/hello' leaves the scanned "
            "folder: not read, what it exports is left unknown") in diagnostics(app)


def test_an_import_cycle_is_stopped_and_reported():
    app = scan(os.path.join(BAD, "cycle")).app
    function = app.functions["serverless.ts#a"]
    assert function.handler == "src/a.main"
    assert diagnostics(app) == [
        ("src/a.ts", 3, "warning", "import cycle (serverless.ts -> src/a.ts -> src/b.ts -> "
         "src/a.ts): 'a' is needed to compute itself; its value is left unknown")]


def test_an_unknown_expression_is_a_note_and_no_guess():
    data, notes = read(os.path.join(BAD, "unknown"))
    memory = data["provider"]["memorySize"]
    assert isinstance(memory, Unknown) and memory.text == "Number(process.env.MEMORY ?? '512')"
    assert notes == [("serverless.ts", 3, "note", "`Number(process.env.MEMORY ?? '512')` is "
                      "not evaluated statically (a call; faasguard never runs scanned code); "
                      "its value is left unknown")]
    app = scan(os.path.join(BAD, "unknown")).app
    assert app.functions["serverless.ts#hello"].timeout_s == 10


def test_an_export_the_reader_cannot_evaluate_keeps_the_discovery_warning():
    app = load_path(LoadContext(root=os.path.join(BAD, "call"), file="serverless.ts"))
    assert app.functions == {}
    assert diagnostics(app) == [(
        "serverless.ts", 3, "warning", "its exported configuration is not an object the "
        "scanner can read statically (buildConfig({ service: 'call' })): this service's "
        "functions, events and IAM roles are not modelled (faasguard never runs scanned "
        "code). To scan it, write the configuration out with `serverless print > "
        "serverless.print.yml` in this folder (it holds resolved values: keep it out of "
        "version control)")]


def test_a_file_without_export(tmp_path):
    write(tmp_path, {"serverless.ts": "const config = { service: 'x' };\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    assert [d.message.split(":")[0] for d in app.diagnostics] == [
        "exports no configuration (no `module.exports =`, `export default` or `export =` at "
        "its top level)"]


# --------------------------------------------------------------------------- values


def test_literals_strings_and_type_assertions(tmp_path):
    write(tmp_path, {"serverless.ts": r"""
        const base = { memorySize: 256, tags: ['a'] } as const;
        const name = 'svc';
        const config = {
          service: `${name}-api`,
          quoted: 'it\'s \u0041\n',
          stage: `\${sls:stage}`,
          numbers: [1_000, 0x10, -2, 1.5, 1e3],
          flags: { yes: true, no: false, none: null, gone: undefined },
          ['computed' + 'Key']: 1,
          'quoted-key': 2,
          typed: <any>base,
          checked: base satisfies object,
          sure: base!,
          joined: 'arn:' + name + ':' + 3,
          picked: base.tags[0],
          ...base,
        };
        export = config;
        """})
    data, notes = read(tmp_path)
    assert notes == []
    assert data == {
        "service": "svc-api", "quoted": "it's A\n", "stage": "${sls:stage}",
        "numbers": [1000, 16, -2, 1.5, 1000], "flags": {"yes": True, "no": False, "none": None},
        "computedKey": 1, "quoted-key": 2, "typed": {"memorySize": 256, "tags": ["a"]},
        "checked": {"memorySize": 256, "tags": ["a"]},
        "sure": {"memorySize": 256, "tags": ["a"]}, "joined": "arn:svc:3", "picked": "a",
        "memorySize": 256, "tags": ["a"]}
    assert (data.line, data.line_of("service"), data.line_of("memorySize")) == (4, 5, 2)


def test_imports_of_every_kind(tmp_path):
    write(tmp_path, {
        "tsconfig.json": '{"compilerOptions": {"baseUrl": "."}}',
        "serverless.ts": """
            import * as fns from './src/functions';
            import { one as first } from './src/one';
            import two from 'src/two';
            const { three } = require('./src/three');
            import four = require('./src/four');
            export default { service: 's', functions: { ...fns, first, two, three, four } };
            """,
        "src/four.ts": "export = { handler: 'four.main' };\n",
        "src/functions/index.ts": "export { default as hello } from './hello';\n",
        "src/functions/hello.ts": "export default { handler: 'h.main' };\n",
        "src/one.ts": "export const one = { handler: 'one.main' };\n",
        "src/two.ts": "const two = { handler: 'two.main' };\nexport default two;\n",
        "src/three.js": "module.exports = { three: { handler: 'three.main' } };\n"})
    data, notes = read(tmp_path)
    assert notes == []
    assert data["functions"] == {"hello": {"handler": "h.main"},
                                 "first": {"handler": "one.main"},
                                 "two": {"handler": "two.main"},
                                 "three": {"handler": "three.main"},
                                 "four": {"handler": "four.main"}}


def test_changed_names_packages_and_spreads_of_unknowns_are_explicit(tmp_path):
    write(tmp_path, {"serverless.ts": """
        import { defaults } from 'some-package';
        let runtime = 'nodejs20.x';
        let memorySize = 512;  // let or var, never changed: as good as a const
        export default {
          service: 's',
          provider: { runtime, memorySize, ...defaults },
        };
        runtime = 'nodejs22.x';
        """})
    data, notes = read(tmp_path)
    assert data["provider"] == {"runtime": Unknown("runtime"), "memorySize": 512}
    assert [(line, level, message.split(" (")[0].split(":")[0]) for _, line, level, message
            in notes] == [
        (9, "warning", "'runtime' is changed after it is declared"),
        (2, "note", "'some-package' is a package or a file outside the scanned folder"),
        (7, "warning", "`...defaults` spreads a value not known statically; what it adds "
         "is left out")]


def test_a_configuration_changed_after_its_declaration_is_not_modelled(tmp_path):
    # `config.provider.tracing = ...` (or `config.plugins.push(...)`, Object.assign):
    # the object literal is not what the framework gets, so nothing is guessed from it
    write(tmp_path, {"serverless.js": """
        const config = {
          service: 's',
          provider: { name: 'aws', runtime: 'nodejs22.x' },
          functions: { api: { handler: 'handler.main' } },
        };
        config.provider.tracing = { lambda: true };
        module.exports = config;
        """})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.js"))
    assert app.functions == {}
    assert [(d.line, d.level, d.message.split(":")[0]) for d in app.diagnostics] == [
        (7, "warning", "'config' is changed after it is declared (line 7)"),
        (8, "warning", "its exported configuration is not an object the scanner can read "
         "statically (config)")]


@pytest.mark.parametrize("body, accepted", [
    # the TypeScript template's helper
    ("`${context.split(process.cwd())[1].substring(1).replace(/\\\\/g, '/')}`", True),
    ("context.split(process.cwd())[1].slice(1)", True),
    ("path.relative(process.cwd(), context).split(path.sep).join('/')", True),
    ("relative(process.cwd(), context)", True),
    # through one const (`const path = ...; return path;`)
    ("context.split(process.cwd())[1].substring(1);\n  return path", True),
    # not the folder relative to the working folder
    ("context", False),
    ("context.split(process.cwd())[1]", False),  # keeps the leading separator
    ("path.relative(process.cwd(), other)", False),
])
def test_the_handler_path_helper_is_recognised_by_what_it_does(tmp_path, body, accepted):
    write(tmp_path, {
        "serverless.ts": """
            import fn from './src/functions/hello';
            export default { service: 's', functions: { hello: fn } };
            """,
        "src/libs/resolver.ts": "export const handlerPath = (context: string) => {\n"
                                + ("  const path = " if "return path" in body else "  return ")
                                + f"{body};\n}};\n",
        "src/functions/hello/index.ts": """
            import { handlerPath } from '../../libs/resolver';
            export default { handler: `${handlerPath(__dirname)}/handler.main` };
            """})
    data, _ = read(tmp_path)
    handler = data["functions"]["hello"]["handler"]
    if accepted:
        assert handler == "src/functions/hello/handler.main"
    else:
        assert isinstance(handler, Unknown)


def test_a_nested_service_resolves_handler_paths_from_its_own_folder(tmp_path):
    write(tmp_path, {
        "services/api/serverless.ts": """
            import { handlerPath } from './resolver';
            export default { service: 's', functions: {
              a: { handler: `${handlerPath(__dirname)}/a.main` } } };
            """,
        "services/api/resolver.ts": "export function handlerPath(dir: string) {\n"
                                    "  return dir.split(process.cwd())[1].substring(1);\n}\n"})
    data, notes = read(tmp_path, "services/api/serverless.ts")
    assert data["functions"]["a"]["handler"] == "/a.main"  # the service's own folder: ''
    assert notes == []


def test_variables_in_strings_are_resolved_by_the_serverless_loader(tmp_path):
    write(tmp_path, {"serverless.ts": """
        export default {
          service: 'vars',
          provider: { name: 'aws', runtime: 'nodejs22.x', stage: 'prod',
                      environment: { TABLE: '${self:service}-${sls:stage}',
                                     KEY: '${ssm:/vars/key}' } },
          functions: { api: { handler: 'api.main' } },
        };
        """})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    env = {name: e.value for name, e in app.functions["serverless.ts#api"].environment.items()}
    assert env["TABLE"] == "vars-prod"
    assert isinstance(env["KEY"], Unknown)


def test_an_imported_modules_variables_are_resolved_too(tmp_path):
    write(tmp_path, {
        "serverless.ts": """
            import api from './src/api';
            export default { service: 'vars', provider: { name: 'aws', runtime: 'nodejs22.x' },
                             functions: { api } };
            """,
        "src/api.ts": """
            export default {
              handler: 'src/api.main',
              environment: { TABLE: '${self:service}-table' },
            };
            """})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    variable = app.functions["serverless.ts#api"].environment["TABLE"]
    assert (variable.value, variable.location.file, variable.location.line) == (
        "vars-table", "src/api.ts", 4)


def test_secrets_the_service_file_writes_are_judged_as_serverless_yml_s(tmp_path):
    # once each, as in serverless.yml: FG-DATA-001 for the environment, FG-DATA-002 for
    # another value; not FG-DATA-003 (hard-coded secret in code) a second time
    write(tmp_path, {"serverless.ts": """
        export default {
          service: 'sec',
          provider: {
            name: 'aws',
            runtime: 'nodejs22.x',
            environment: { STRIPE_SECRET_KEY: 'sk_live_51HqAbCdEfGhIjKlMnOpQrStUv' },
          },
          custom: { apiToken: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' },
          functions: { api: { handler: 'handler.main' } },
        };
        """, "handler.js": "exports.main = async () => 1;\n"})
    result = scan(str(tmp_path))
    assert sorted((f.rule_id, f.location.line) for f in result.findings
                  if f.rule_id.startswith("FG-DATA-00") and f.rule_id != "FG-DATA-004") == [
        ("FG-DATA-001", 7), ("FG-DATA-002", 9)]


def test_a_shorthand_property_is_declared_where_its_object_is_written(tmp_path):
    # src/functions/index.ts gathers the functions (`export default { create }`): the
    # function is located at its own object, in create.ts, not at the shorthand
    write(tmp_path, {
        "serverless.ts": """
            import functions from './src/functions';
            export default { service: 's', provider: { name: 'aws', runtime: 'nodejs22.x' },
                             functions };
            """,
        "src/functions/index.ts": "import create from './create';\nexport default { create };\n",
        "src/functions/create.ts": "\nexport default {\n  handler: 'src/create.main',\n};\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    location = app.functions["serverless.ts#create"].location
    assert (location.file, location.line) == ("src/functions/create.ts", 2)


def test_json_files_the_service_requires_or_imports(tmp_path):
    write(tmp_path, {
        "serverless.js": """
            const iam = require('./config/iam.json');
            const { runtime } = require('./config/settings.json');
            const outside = require('../elsewhere.json');
            module.exports = {
              service: 'json',
              provider: { name: 'aws', runtime, iam: { role: { statements: iam.statements } },
                          tags: outside },
              functions: { api: { handler: 'handler.main' } },
            };
            """,
        "config/iam.json": '{\n  "statements": [\n    {"Effect": "Allow", "Action": "*",'
                           ' "Resource": "*"}\n  ]\n}\n',
        "config/settings.json": '{"runtime": "nodejs22.x"}\n',
        "handler.js": "exports.main = async () => 1;\n"})
    reader = ServiceReader(LoadContext(root=str(tmp_path), file="serverless.js"))
    data = reader.read().data
    assert data["provider"]["runtime"] == "nodejs22.x"
    assert isinstance(data["provider"]["tags"], Unknown)
    assert [(d.file, d.line, d.level, d.message) for d in reader.notes] == [
        ("serverless.js", 4, "warning", "'../elsewhere.json' is not a JSON file of the "
         "scanned folder: not read, its value is left unknown")]
    result = scan(str(tmp_path))
    assert where(result, "FG-PERM-001") == [("config/iam.json", 3)]


def test_a_required_cloudformation_json_is_part_of_the_service_not_loaded_twice(tmp_path):
    # as a `${file(resources.json)}` of serverless.yml: read once, with the service
    write(tmp_path, {
        "serverless.js": """
            module.exports = {
              service: 'res',
              provider: { name: 'aws', runtime: 'nodejs22.x' },
              functions: { api: { handler: 'handler.main' } },
              resources: require('./resources.json'),
            };
            """,
        "resources.json": '{\n  "Resources": {\n    "Uploads": {"Type": "AWS::S3::Bucket", '
                          '"Properties": {"AccessControl": "PublicRead"}}\n  }\n}\n',
        "handler.js": "exports.main = async () => 1;\n"})
    result = scan(str(tmp_path))
    assert where(result, "FG-DATA-009") == [("resources.json", 3)]
    assert list(result.app.resources) == ["serverless.js#Uploads"]


def test_file_includes_and_imported_modules_are_both_located(tmp_path):
    # `${file()}` includes (numbered by the variable resolver) and imported modules
    # (numbered past them) are each moved back to their own file
    write(tmp_path, {
        "serverless.ts": """
            import api from './src/api';
            export default {
              service: 'both',
              provider: { name: 'aws', runtime: 'nodejs22.x' },
              functions: { api },
              resources: '${file(./resources.yml)}',
            };
            """,
        "src/api.ts": "export default {\n  handler: 'src/api.main',\n};\n",
        "resources.yml": "Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    function = app.functions["serverless.ts#api"]
    bucket = app.resources["serverless.ts#Uploads"]
    assert (function.location.file, function.location.line) == ("src/api.ts", 1)
    assert (bucket.location.file, bucket.location.line) == ("resources.yml", 2)


# --------------------------------------------------------------------------- follow-ups

MORE = os.path.join(FIXTURES, "serverless_ts_more")


def test_findings_in_the_service_file_show_serverless_yml_s_fix():
    # the scan lists serverless.ts as the service ("serverless") and as a TypeScript
    # source: the fix is written with serverless.yml's keys, which the file sets too; the
    # handler's finding keeps the code fix
    from faasguard.findings import RULES, RemediationChooser

    result = scan(os.path.join(MORE, "remediation"))
    shown = {(f.rule_id, f.location.file): f.remediation for f in result.findings}
    for rule_id in ("FG-DATA-009", "FG-MON-006"):  # their defaults are not serverless
        snippets = RULES[rule_id].meta.remediation
        assert next(iter(snippets)) != "serverless"
        assert shown[(rule_id, "serverless.ts")] == snippets["serverless"]
    assert shown[("FG-DATA-003", "handler.ts")] == \
        RULES["FG-DATA-003"].meta.remediation["javascript"]
    chooser = RemediationChooser([("serverless.ts", "serverless"),
                                  ("serverless.ts", "typescript"), ("app.ts", "typescript")])
    assert (chooser.keys("serverless.ts"), chooser.keys("app.ts")) == (
        ("serverless",), ("javascript", "serverless"))


def test_secrets_an_imported_module_writes_into_the_configuration_are_judged_once():
    # src/settings.ts is part of the configuration: its environment literal is
    # FG-DATA-001 once, the token reaching custom: FG-DATA-002 (at the key, as a const of
    # serverless.ts is), neither FG-DATA-003 a second time; a secret of the module that
    # the configuration does not hold stays code (FG-DATA-003)
    def secrets(folder):
        result = scan(os.path.join(MORE, "module_secrets", folder))
        return sorted((f.rule_id, f.location.file, f.location.line) for f in result.findings
                      if f.rule_id in ("FG-DATA-001", "FG-DATA-002", "FG-DATA-003"))

    assert secrets("pos") == [("FG-DATA-001", "src/settings.ts", 6),
                              ("FG-DATA-002", "src/settings.ts", 7),
                              ("FG-DATA-003", "src/settings.ts", 3)]
    assert secrets("neg") == []


def test_a_promise_of_a_literal_is_read_and_an_exported_function_is_refused():
    # the framework awaits an exported promise and does not call an exported function
    # (its configuration reader accepts a plain object only)
    promise = scan(os.path.join(MORE, "promise"))
    assert sorted(promise.app.functions) == ["serverless.js#api"]
    assert where(promise, "FG-PERM-002") == [("serverless.js", 8)]
    assert promise.app.diagnostics == []
    function = scan(os.path.join(MORE, "function"))
    assert function.app.functions == {}
    assert [(d.file, d.line, d.level, d.message.split(":")[0]) for d in
            function.app.diagnostics] == [(
                "serverless.ts", 2, "warning", "it exports a function, which the Serverless "
                "Framework does not call (it takes the exported value as it is, awaits a "
                "promise, and accepts only a plain object")]


@pytest.mark.parametrize("export, readable", [
    ("(async () => ({ service: 's' }))()", True),
    ("(() => { return { service: 's' }; })()", True),
    ("(async function () {\n  // the configuration\n  return { service: 's' };\n})()", True),
    ("(async () => { const c = { service: 's' }; return c; })()", True),
    # anything else is a call the reader does not run
    ("((stage) => ({ service: stage }))('dev')", False),  # an argument
    ("((stage = 'dev') => ({ service: stage }))()", False),  # a parameter
    ("(async () => { await setup(); return { service: 's' }; })()", False),
    ("build()", False),
])
def test_only_a_function_called_where_written_that_returns_a_value_is_read(
        tmp_path, export, readable):
    write(tmp_path, {"serverless.js": f"function build() {{ return {{ service: 's' }}; }}\n"
                                      f"module.exports = {export};\n"})
    if readable:
        data, notes = read(tmp_path, "serverless.js")
        assert (data, notes) == ({"service": "s"}, [])
    else:
        app = load_path(LoadContext(root=str(tmp_path), file="serverless.js"))
        assert app.functions == {} and [d.message.split(" (")[0] for d in
                                        app.diagnostics][-1] == \
            "its exported configuration is not an object the scanner can read statically"


@pytest.mark.parametrize("export", [
    "async () => ({ service: 's' })", "function () { return { service: 's' }; }", "build",
    "configure"])
def test_every_exported_function_is_refused_as_the_framework_refuses_it(tmp_path, export):
    write(tmp_path, {"serverless.js": "function build() { return { service: 's' }; }\n"
                                      "const configure = () => ({ service: 's' });\n"
                                      f"module.exports = {export};\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.js"))
    assert [(d.line, d.message.split(" (")[0]) for d in app.diagnostics] == [
        (3, "it exports a function, which the Serverless Framework does not call")]


def test_nothing_found_names_what_the_reader_left_unknown(capsys):
    # the functions come from a package: the commands that need functions say why they
    # found none with the reader's note, as `faasguard scan` lists it
    from faasguard.cli import main

    folder = os.path.join(MORE, "package_functions")
    for command in ("endpoints", "cost", "policy"):
        assert main([command, os.path.join(folder, "pos")]) == 2
        err = capsys.readouterr().err
        assert "serverless.ts:3: note: '@acme/shared-config' is a package or a file " \
            "outside the scanned folder: what it exports is left unknown" in err, command
        assert err.rstrip().endswith("no function or API found in "
                                     f"{os.path.join(folder, 'pos')}"), command
    assert main(["endpoints", os.path.join(folder, "neg")]) == 0
    assert "@acme/shared-config" not in capsys.readouterr().err


def test_a_configuration_changed_through_a_name_bound_to_a_part_of_it(tmp_path):
    # `const { provider } = config; provider.tracing = ...`: the exported object is not
    # what its literal writes; FG-MON-001 (no tracing) was reported from the literal
    pos = scan(os.path.join(MORE, "alias", "pos"))
    assert pos.app.functions == {} and where(pos, "FG-MON-001") == []
    assert [(d.line, d.level, d.message.split(":")[0]) for d in pos.app.diagnostics] == [
        (10, "warning", "'serverlessConfiguration' is changed after it is declared (line "
         "10, through 'provider')"),
        (12, "warning", "its exported configuration is not an object the scanner can read "
         "statically (serverlessConfiguration)")]
    neg = scan(os.path.join(MORE, "alias", "neg"))  # the name only read: modelled
    assert sorted(neg.app.functions) == ["serverless.ts#api"] and neg.app.diagnostics == []
    # an alias of an alias, by assignment or declaration, with the first change reported
    write(tmp_path, {"serverless.js": """
        let iam;
        const config = { service: 's', provider: { name: 'aws', iam: { role: {} } },
                         functions: { api: { handler: 'h.main' } } };
        const p = config.provider;
        iam = p['iam'];
        Object.assign(iam.role, { statements: [] });
        config.functions.api.timeout = 30;
        const copy = { ...config.provider };
        copy.tracing = { lambda: true };  // a copy: not config
        module.exports = config;
        """})
    reader = ServiceReader(LoadContext(root=str(tmp_path), file="serverless.js"))
    with pytest.raises(InputError):
        reader.read()
    assert [(d.line, d.message) for d in reader.notes] == [
        (7, "'config' is changed after it is declared (line 7, through 'iam'): its value "
            "is left unknown")]


def test_a_secret_of_the_module_beside_a_configuration_string_stays_code(tmp_path):
    # the configuration took 'prod' from this line, not the password's fallback (the
    # value is process.env's where the framework runs): that literal is code's secret
    write(tmp_path, {
        "serverless.ts": """
            import { environment } from './src/settings';
            export default { service: 's', provider: { name: 'aws', runtime: 'nodejs22.x',
                                                       environment },
                             functions: { api: { handler: 'handler.main' } } };
            """,
        "src/settings.ts": "export const environment = {\n  STAGE: 'prod', DB_PASSWORD: "
                           "process.env.DB_PASSWORD || 'Pr0d-Passw0rd-2024!xyz',\n};\n",
        "handler.ts": "export const main = async () => 1;\n"})
    result = scan(str(tmp_path))
    assert [(f.rule_id, f.location.file, f.location.line) for f in result.findings
            if f.rule_id in ("FG-DATA-001", "FG-DATA-002", "FG-DATA-003")] == [
        ("FG-DATA-003", "src/settings.ts", 2)]


def test_the_service_files_own_code_outside_the_configuration_stays_code(tmp_path):
    # the fallback literal is what ships when the deploy shell has no DB_PASSWORD; the
    # reader cannot evaluate `||`, and the file's code facts still see the literal
    write(tmp_path, {"serverless.ts": """
        export default {
          service: 's',
          provider: {
            name: 'aws',
            runtime: 'nodejs22.x',
            environment: {
              DB_PASSWORD: process.env.DB_PASSWORD || 'Pr0d-Passw0rd-2024!xyz',
              API_KEY: 'sk_live_51HqAbCdEfGhIjKlMnOpQrStUv',
            },
          },
          functions: { api: { handler: 'handler.main' } },
        };
        """, "handler.ts": "export const main = async () => 1;\n"})
    result = scan(str(tmp_path))
    assert sorted((f.rule_id, f.location.line) for f in result.findings
                  if f.rule_id in ("FG-DATA-001", "FG-DATA-002", "FG-DATA-003")) == [
        ("FG-DATA-001", 9), ("FG-DATA-003", 8)]


@pytest.mark.parametrize("change, warning", [
    ("(config as any).provider.iam = { role: {} };", "'config' is changed after it is "
     "declared (line 6)"),
    ("config.provider!['iam'] = { role: {} };", "'config' is changed after it is declared "
     "(line 6)"),
    ("_.merge(config, { provider: { iam: { role: {} } } });", "'config' is changed after "
     "it is declared (line 6)"),
    ("merge(config, { provider: { iam: { role: {} } } });", "'config' is changed after it "
     "is declared (line 6)"),
    ("_.set(config, 'provider.iam', { role: {} });", "'config' is changed after it is "
     "declared (line 6)"),
    ("base.functions.api.events = [];", "'base' is changed after it is declared (line 6)"),
])
def test_changes_through_wrappers_merges_and_imports_are_changes(tmp_path, change, warning):
    # each changes the object the file exports: it is not read as its literal writes
    write(tmp_path, {
        "serverless.ts": "import _, { merge } from 'lodash';\nimport base from './base';\n"
                         "const config = { ...base };\n\n\n"
                         f"{change}\n"
                         f"export default {'base' if 'base.' in change else 'config'};\n",
        "base.ts": "export default { service: 's', provider: { name: 'aws' },\n"
                   "  functions: { api: { handler: 'h.main' } } };\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    assert app.functions == {}
    assert [d.message.split(":")[0] for d in app.diagnostics if d.level == "warning"][0] \
        == warning


def test_module_exports_changed_after_it_is_assigned(tmp_path):
    write(tmp_path, {"serverless.js": """
        module.exports = { service: 's', provider: { name: 'aws' },
                           functions: { api: { handler: 'h.main' } } };
        module.exports.functions.api.events = [{ http: { method: 'post', path: 'x' } }];
        """})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.js"))
    assert app.functions == {}
    assert [(d.line, d.message.split(":")[0]) for d in app.diagnostics] == [
        (4, "'module.exports' is changed after it is assigned (line 4)"),
        (2, "its exported configuration is not an object the scanner can read statically "
            "(module.exports, changed after it is assigned)")]


def test_a_key_set_to_undefined_is_copied_by_a_spread_and_removes_the_setting(tmp_path):
    # JavaScript's spread copies a key set to undefined, which hides the key spread
    # before it; the framework's JSON copy of the export then drops it
    write(tmp_path, {"serverless.ts": """
        const secured = { method: 'post', path: 'orders', authorizer: 'aws_iam' };
        const publicRoute = { authorizer: undefined };
        export default {
          service: 's',
          http: { ...secured, ...publicRoute },
          kept: { ...publicRoute, authorizer: 'aws_iam' },
          list: [undefined, { a: undefined }],
          read: publicRoute.authorizer,
        };
        """})
    data, notes = read(tmp_path)
    assert (data, notes) == ({"service": "s", "http": {"method": "post", "path": "orders"},
                              "kept": {"authorizer": "aws_iam"}, "list": [None, {}]}, [])


def test_a_json_file_required_without_its_extension(tmp_path):
    # Node.js's require tries .js, then .json: './config/iam' is config/iam.json when
    # there is no config/iam.js (an ES module import does not add extensions)
    write(tmp_path, {
        "serverless.js": """
            const iam = require('./config/iam');
            const { runtime } = require('./config/runtime');
            module.exports = { service: 's', provider: { name: 'aws', runtime, iam } };
            """,
        "config/iam.json": '{"role": {"statements": []}}\n',
        "config/runtime.json": '{"runtime": "nodejs20.x"}\n',
        "config/runtime.js": "module.exports = { runtime: 'nodejs22.x' };\n"})
    data, notes = read(tmp_path, "serverless.js")
    assert (data["provider"], notes) == ({"name": "aws", "runtime": "nodejs22.x",
                                          "iam": {"role": {"statements": []}}}, [])


def test_names_export_star_gives_and_names_no_module_exports(tmp_path):
    # a namespace spread takes the names of the module's `export * from` too (its own
    # win; a cycle of them stops); a named import through them is read; a name the
    # module does not export is a warning at the import
    write(tmp_path, {
        "serverless.ts": """
            import * as fns from './src/functions';
            import { three, hello as again } from './src/functions';
            import { helo } from './src/functions/hello';
            export default { service: 's', functions: { ...fns, three, again },
                             custom: { helo } };
            """,
        "src/functions/index.ts": "export * from './hello';\nexport * from './more';\n"
                                  "export const two = { handler: 'own.main' };\n",
        "src/functions/hello.ts": "export const hello = { handler: 'hello.main' };\n"
                                  "export default { handler: 'not-a-name.main' };\n",
        "src/functions/more.ts": "export * from './index';\n"
                                 "export const two = { handler: 'more.main' };\n"
                                 "export const three = { handler: 'three.main' };\n"})
    data, notes = read(tmp_path)
    assert data["functions"] == {
        "two": {"handler": "own.main"}, "hello": {"handler": "hello.main"},
        "three": {"handler": "three.main"}, "again": {"handler": "hello.main"}}
    assert isinstance(data["custom"]["helo"], Unknown)
    assert notes == [("serverless.ts", 4, "warning", "src/functions/hello.ts exports no "
                      "'helo': its value is left unknown")]


def test_a_spread_of_a_namespace_whose_export_star_is_a_package(tmp_path):
    write(tmp_path, {
        "serverless.ts": "import * as fns from './functions';\n"
                         "export default { service: 's', functions: { ...fns } };\n",
        "functions.ts": "export * from '@acme/functions';\n"
                        "export const api = { handler: 'api.main' };\n"})
    data, notes = read(tmp_path)
    assert data["functions"] == {"api": {"handler": "api.main"}}
    assert [(file, line, level) for file, line, level, _ in notes] == [
        ("functions.ts", 1, "note"), ("functions.ts", 1, "warning")]
    assert notes[1][3].startswith("`export * from '@acme/functions';` gives names not known")


def test_escapes_namespaces_as_values_and_require_of_an_es_module(tmp_path):
    # a surrogate pair escape is one character (a lone one, no report can encode: U+FFFD);
    # a namespace given as a value is its named exports; require() of an ES module gives
    # its namespace, whose .default is the default export (ts-node's CommonJS output)
    write(tmp_path, {
        "serverless.ts": r"""
            import * as named from './src/named';
            const viaRequire = require('./src/functions').default;
            export default {
              service: 's',
              paths: ['launch/\uD83D\uDE80', `x\uD83D`, '\u{1F680}'],
              functions: viaRequire,
              named,
              list: [named],
            };
            """,
        "src/functions.ts": "export default { hello: { handler: 'h.main' } };\n"
                            "export const extra = 'e';\n",
        "src/named.ts": "export const a = 1;\nexport const b = 'two';\n"})
    data, notes = read(tmp_path)
    assert notes == []
    assert data["paths"] == ["launch/\U0001f680", "x\ufffd", "\U0001f680"]
    assert data["functions"] == {"hello": {"handler": "h.main"}}
    assert data["named"] == {"a": 1, "b": "two"} and data["list"] == [{"a": 1, "b": "two"}]


def test_a_helper_of_the_file_changing_what_it_is_given_is_a_change(tmp_path):
    write(tmp_path, {"serverless.js": """
        const config = { service: 's', provider: { name: 'aws' },
                         functions: { api: { handler: 'h.main' } } };
        function addRoute(name, c) {
          c.functions.api.events = [{ http: { method: 'post', path: name } }];
        }
        const describe = (c) => c.service;
        describe(config);
        addRoute('orders', config);
        module.exports = config;
        """})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.js"))
    assert app.functions == {}
    assert [d.message.split(":")[0] for d in app.diagnostics][0] == \
        "'config' is changed after it is declared (line 5, through 'c')"


def test_a_function_spread_from_a_barrel_is_declared_where_its_object_is_written(tmp_path):
    # as a shorthand property's: `functions: { ...functions }` of a barrel re-exporting
    # hello locates the function at its object in hello.ts, not at the re-export
    write(tmp_path, {
        "serverless.ts": """
            import * as functions from './src/functions';
            export default { service: 's', provider: { name: 'aws', runtime: 'nodejs22.x' },
                             functions: { ...functions } };
            """,
        "src/functions/index.ts": "export { hello } from './hello';\n",
        "src/functions/hello.ts": "\n\nexport const hello = {\n  handler: 'src/h.main',\n};\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    location = app.functions["serverless.ts#hello"].location
    assert (location.file, location.line) == ("src/functions/hello.ts", 3)


def test_an_escape_naming_no_character_is_a_syntax_error_at_its_line(tmp_path):
    # JavaScript refuses '\u{110000}': in the service file, the one warning (was an
    # internal error); in an imported module, its value is unknown with a warning there
    write(tmp_path, {
        "serverless.ts": "export default {\n  service: 's',\n  name: '\\u{110000}',\n};\n",
        "service/serverless.ts": "import { tag } from './tag';\n"
                                 "export default { service: 's', tag, top: '\\u{10FFFF}' };\n",
        "service/tag.ts": "export const tag = 'a\\u{110000}';\n"})
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.ts"))
    assert [(d.line, d.level, d.message.split(":")[0]) for d in app.diagnostics] == [
        (3, "warning", "syntax error near line 3")]
    data, notes = read(tmp_path, "service/serverless.ts")
    assert isinstance(data["tag"], Unknown) and data["top"] == "\U0010ffff"
    assert notes == [("service/tag.ts", 1, "warning", "syntax error near line 1: "
                      "`\\u{110000}` names no character; its value is left unknown")]
