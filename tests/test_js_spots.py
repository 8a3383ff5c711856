"""analysis.js.spots: the byte-level finders reach the nodes a walk of the tree would."""

from __future__ import annotations

from faasguard.analysis.js.parse import JsModule, dialect_of, parse_bytes
from faasguard.analysis.js.spots import local_specifiers


def module(source: str, file: str = "app.js") -> JsModule:
    data = source.encode()
    return JsModule(file, data, parse_bytes(data, dialect_of(file)), dialect_of(file))


def test_local_specifiers_in_statement_then_call_order() -> None:
    found = local_specifiers(module(
        'const late = require("./late");\n'
        "import a from './a';\n"
        "export { b } from \"../b\";\n"
        "export * from '/abs/c';\n"
        "async function f() { return import(`./lazy`); }\n"
        "import './side-effect';\n"))
    assert found == ["./a", "./side-effect", "../b", "/abs/c", "./late", "./lazy"]


def test_local_specifiers_ignore_paths_that_are_no_specifier() -> None:
    found = local_specifiers(module(
        'const base = "/tmp/work";\n'
        "// require('./commented')\n"
        'const text = "require(\'./inside-a-string\')";\n'
        'fs.readFileSync("./data.json");\n'
        'require(/* first */ "./after-a-comment");\n'
        'require("lodash"); import x from "pg";\n'
        'require(`./${name}`);\n'
        'notRequire("./x");\n'))
    assert found == []


def test_local_specifiers_in_typescript() -> None:
    found = local_specifiers(module(
        'import type { T } from "./types";\nimport { f } from "./f.js";\n'
        'const g: Helper = require("./g") as Helper;\n', "app.ts"))
    assert found == ["./types", "./f.js", "./g"]
