"""Node.js handler resolution: the file a handler names and the function it exports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.analysis.js.handlers import exported_function, split_node_handler
from faasguard.analysis.js.parse import JsModuleCache
from faasguard.model import App, Diagnostic, Function, Location


def _app(root: Path, handler: object, code_dir: str | None = ".",
         runtime: str = "nodejs20.x") -> App:
    app = App(root=str(root))
    app.functions["Fn"] = Function("Fn", Location("template.yaml", 3), "sam", runtime=runtime,
                                   handler=handler, code_dir=code_dir)
    return app


def _resolve(app: App) -> tuple[Function, list[Diagnostic]]:
    resolve(app, Facts())
    return app.functions["Fn"], [d for d in app.diagnostics if d.code == "handler"]


@pytest.mark.parametrize("file, source, name", [
    ("app.js", "exports.handler = async (event) => event;", "handler"),
    ("app.js", "module.exports.handler = function (event, context, cb) { cb(null); };",
     "handler"),
    ("app.js", "async function handler(event) {}\nmodule.exports = { handler };", "handler"),
    ("app.js", "module.exports = { main: async (event) => event };", "main"),
    ("app.js", "module.exports = { async handler(event) { return event; } };", "handler"),
    ("app.mjs", "export const handler = async (event) => event;", "handler"),
    ("app.mjs", "export async function handler(event) { return event; }", "handler"),
    ("app.mjs", "const impl = async (e) => e;\nexport { impl as handler };", "handler"),
    ("app.mjs", "export default async function (event) { return event; }", "default"),
    ("app.cjs", "const middy = require('@middy/core');\nconst base = async (e) => e;\n"
                "exports.handler = middy(base).use({});", "handler"),
    ("app.ts", "import type { Handler } from 'aws-lambda';\n"
               "export const handler: Handler = async (event) => event;", "handler"),
    ("app.ts", "export { handler } from './impl';", "handler"),
    ("app.ts", "export * from './impl';", "handler"),  # a barrel file
])
def test_export_forms(tmp_path: Path, file: str, source: str, name: str) -> None:
    (tmp_path / file).write_text(source)
    (tmp_path / "impl.ts").write_text("export async function handler(event: unknown) {}\n")
    function, problems = _resolve(_app(tmp_path, f"app.{name}"))
    assert problems == []
    assert function.source_file == file and function.handler_name == name
    found = exported_function(JsModuleCache(str(tmp_path)), file, name)
    assert found is not None and found.node.type in (
        "arrow_function", "function_expression", "function_declaration", "method_definition",
        "function")


def test_code_dir_and_nested_path(tmp_path: Path) -> None:
    (tmp_path / "svc" / "src").mkdir(parents=True)
    (tmp_path / "svc" / "src" / "api.ts").write_text("export const get = async () => 1;\n")
    function, problems = _resolve(_app(tmp_path, "src/api.get", "svc"))
    assert problems == [] and function.source_file == "svc/src/api.ts"


def test_missing_file_is_a_warning(tmp_path: Path) -> None:
    function, problems = _resolve(_app(tmp_path, "src/nope.handler"))
    assert function.source_file is None
    assert [p.level for p in problems] == ["warning"]
    assert "src/nope.js" in problems[0].message


def test_missing_export_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("exports.other = async () => 1;\n")
    function, problems = _resolve(_app(tmp_path, "app.handler"))
    assert function.source_file == "app.js"
    assert len(problems) == 1 and "exports no function named 'handler'" in problems[0].message


def test_unparsable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("exports.handler = async (event => {{{ \n) ]]]\n" * 3)
    _, problems = _resolve(_app(tmp_path, "app.handler"))
    assert [p.level for p in problems] == ["error"]
    assert "syntax error" in problems[0].message


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_bytes(b"\x00\x01\x02\xff" * 50)
    _, problems = _resolve(_app(tmp_path, "app.handler"))
    assert [p.level for p in problems] == ["error"]


@pytest.mark.parametrize("handler", ["../outside.handler", "app", "", None])
def test_bad_handler_strings(tmp_path: Path, handler: object) -> None:
    function, problems = _resolve(_app(tmp_path, handler))
    assert function.source_file is None and len(problems) == 1


def test_split_node_handler() -> None:
    assert split_node_handler("src/app.handler") == ("src/app", "handler")
    assert split_node_handler("dist/app.min.main") == ("dist/app.min", "main")
    assert split_node_handler("nodot") is None


def test_express_app_under_serverless_http_resolves(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text(
        "const express = require('express');\nconst serverless = require('serverless-http');\n"
        "const app = express();\napp.get('/x', (req, res) => res.send(req.query.q));\n"
        "module.exports.handler = serverless(app);\n")
    function, problems = _resolve(_app(tmp_path, "app.handler"))
    assert problems == [] and function.handler_name == "handler"


def test_a_value_that_is_not_a_function_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("exports.handler = { name: 'not a function' };\n")
    _, problems = _resolve(_app(tmp_path, "app.handler"))
    assert [p.level for p in problems] == ["warning"]


def test_file_lookups_answer_as_the_file_system_does(tmp_path: Path) -> None:
    """Handler files are looked up in one listing per folder: the answers are those of
    os.path.isfile (links followed, folders and broken links are not files)."""
    (tmp_path / "src" / "dir.js").mkdir(parents=True)
    (tmp_path / "src" / "App.js").write_text("exports.handler = () => 1;\n")
    (tmp_path / "src" / "link.js").symlink_to(tmp_path / "src" / "App.js")
    (tmp_path / "src" / "broken.js").symlink_to(tmp_path / "missing.js")
    cache = JsModuleCache(str(tmp_path))
    names = ["src/App.js", "src/app.js", "src/link.js", "src/broken.js", "src/dir.js",
             "src/none.js", "nowhere/x.js", "src"]
    found = {name: cache.exists(name) for name in names}
    assert found == {name: os.path.isfile(tmp_path / name) for name in names}
    assert found["src/App.js"] and found["src/link.js"] and not found["src/dir.js"]


@pytest.mark.parametrize("tsconfig, handler, source", [
    # outDir with rootDir (comments and a trailing comma, as tsconfig.json allows)
    ('{\n  // build\n  "compilerOptions": { "outDir": "./dist", "rootDir": "lib", },\n}',
     "dist/api/get.handler", "lib/api/get.ts"),
    # outDir without rootDir: the sources' common folder, src in practice, or the project
    ('{"compilerOptions": {"outDir": "build"}}', "build/api/get.handler", "src/api/get.ts"),
    ('{"compilerOptions": {"outDir": "build"}}', "build/get.handler", "get.ts"),
])
def test_handler_named_by_the_typescript_output_folder(
        tmp_path: Path, tsconfig: str, handler: str, source: str) -> None:
    # the deployed file is the compiler's output; the scan reads its source
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "tsconfig.json").write_text(tsconfig)
    (tmp_path / "svc" / source).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "svc" / source).write_text("export const handler = async (e: unknown) => e;\n")
    function, problems = _resolve(_app(tmp_path, handler, code_dir="svc"))
    assert problems == [] and function.source_file == f"svc/{source}"


def test_an_output_folder_without_a_tsconfig_naming_it_is_not_guessed(tmp_path: Path) -> None:
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": {"outDir": "dist"}}')
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "get.ts").write_text("export const handler = async () => 1;\n")
    function, problems = _resolve(_app(tmp_path, "build/get.handler"))
    assert function.source_file is None
    assert [p.level for p in problems] == ["warning"] and "not found" in problems[0].message


def test_handler_named_after_a_sam_esbuild_entry_point(tmp_path: Path) -> None:
    # SAM's esbuild build writes EntryPoints src/handlers/get.ts as get.js, so the
    # handler get.handler names that source; without the metadata nothing is guessed
    from faasguard.scan import scan

    (tmp_path / "svc" / "src" / "handlers").mkdir(parents=True)
    (tmp_path / "svc" / "src" / "handlers" / "get.ts").write_text(
        "export const handler = async (event: { body: string }) => event.body;\n")
    (tmp_path / "template.yaml").write_text("""
Transform: AWS::Serverless-2016-10-31
Resources:
  Bundled:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: svc/
      Handler: get.handler
      Runtime: nodejs20.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints:
          - src/handlers/get.ts
  OutputPath:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: svc/
      Handler: dist/handlers/get.handler
      Runtime: nodejs20.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [src/handlers/get.ts, src/handlers/put.ts]
  Plain:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: svc/
      Handler: get.handler
      Runtime: nodejs20.x
""")
    result = scan(str(tmp_path))
    functions = result.app.functions
    assert functions["template.yaml#Bundled"].source_file == "svc/src/handlers/get.ts"
    assert functions["template.yaml#OutputPath"].source_file == "svc/src/handlers/get.ts"
    assert functions["template.yaml#Plain"].source_file is None
    problem, = [d for d in result.diagnostics if d.code == "handler"]
    assert "'Plain'" in problem.message and "not found" in problem.message


def test_star_exports_and_folder_handlers(tmp_path: Path) -> None:
    # `export * as api from` exports a namespace, not its members; a default export is not
    # re-exported by `export *`; a handler naming a folder loads the folder's index file
    (tmp_path / "impl.ts").write_text("export async function handler(e: unknown) {}\n"
                                      "export default async function (e: unknown) {}\n")
    (tmp_path / "ns.ts").write_text("export * as api from './impl';\n")
    (tmp_path / "star.ts").write_text("export * from './impl';\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "index.ts").write_text("export * from '../impl';\n")
    cache = JsModuleCache(str(tmp_path))
    assert exported_function(cache, "ns.ts", "handler") is None
    assert exported_function(cache, "star.ts", "default") is None
    function, problems = _resolve(_app(tmp_path, "svc.handler"))
    assert problems == [] and function.source_file == "svc/index.ts"
