"""analysis.js.spots: the byte-level finders reach the nodes a walk of the tree would."""

from __future__ import annotations

from faasguard.analysis.js.awssdk import client_calls
from faasguard.analysis.js.jwt import token_calls
from faasguard.analysis.js.names import FileIndex
from faasguard.analysis.js.parse import JsModule, dialect_of, parse_bytes
from faasguard.analysis.js.spots import keyword_owners, local_specifiers, method_calls, word_nodes


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


def test_word_nodes_are_whole_words_only() -> None:
    mod = module('const s3 = 1; const s3x = s3 + xs3; // s3\nf("s3");\n')
    found = [(n.type, n.start_byte) for n in word_nodes(mod, "s3")]
    assert [kind for kind, _ in found] == ["identifier", "identifier", "string_fragment"]
    assert [n.type for n in word_nodes(mod, "from", b"'\"")] == []


def test_word_nodes_skip_a_word_before_the_given_bytes() -> None:
    mod = module('import a from "a";\nconst c = D.from(x);\n')
    assert [n.type for n in word_nodes(mod, "from")] == ["from", "property_identifier"]
    assert [n.type for n in word_nodes(mod, "from", b"'\"")] == ["property_identifier"]


def test_keyword_owners_are_the_parents_of_the_keyword_tokens() -> None:
    mod = module('const a = new A(); const b = x.new; const c = "new";\n'
                 "// new B()\nconst d = await new (C.D)(new E);\n")
    found = [(n.type, mod.text(n)) for n in keyword_owners(mod, "new", "new_expression")]
    assert found == [("new_expression", "new A()"), ("new_expression", "new (C.D)(new E)"),
                     ("new_expression", "new E")]
    expected = [(p.type, mod.text(p)) for n in word_nodes(mod, "new")
                if n.type == "new" and (p := n.parent) is not None]
    assert found == expected


def test_method_calls_are_the_calls_of_that_property() -> None:
    mod = module("await s3.send(cmd); s3.send; send(x); a.b.send (y);\n"
                 "c?.send?.(z); d.send<T>(w); e.sendAll(v); f[send](u); // g.send(t)\n"
                 'const o = { send: h.send }; "i.send(s)";\n', "app.ts")
    found = [mod.text(call) for call in method_calls(mod, "send")]
    assert found == ["s3.send(cmd)", "a.b.send (y)", "c?.send?.(z)", "d.send<T>(w)"]
    expected = [mod.text(p.parent) for n in word_nodes(mod, "send")
                if n.type == "property_identifier" and (p := n.parent) is not None and
                p.type == "member_expression" and p.parent is not None and
                p.parent.type == "call_expression" and
                p.parent.child_by_field_name("function") == p]
    assert found == expected


def test_file_index_binds_each_name_as_its_last_binding() -> None:
    mod = module(
        'const { S3Client, PutObjectCommand: Put } = require("@aws-sdk/client-s3");\n'
        'const { "quoted": q } = require("pkg");\n'
        'import * as path from "node:path";\n'
        'import fs, { readFileSync as read, stat } from "fs";\n'
        'import { S3Client } from "@aws-sdk/client-s3-mirror";\n'
        "let client = new S3Client({});\n"
        "function f() { const client = other; let unset; }\n"
        "let unset = 1;\n", "app.ts")
    index = FileIndex(mod)
    assert index.imported("Put") == ("@aws-sdk/client-s3", "PutObjectCommand")
    assert index.imported("S3Client") == ("@aws-sdk/client-s3-mirror", "S3Client")
    assert index.imported("q") == ("pkg", '"quoted"')
    assert index.imported("path") == ("path", None)
    assert index.imported("as") is None
    assert index.imported("fs") == ("fs", None)
    assert index.imported("read") == ("fs", "readFileSync")
    assert index.imported("readFileSync") is None
    assert index.imported("stat") == ("fs", "stat")
    value = index.value("client")
    assert value is not None and mod.text(value) == "other"
    unset = index.value("unset")
    assert unset is not None and mod.text(unset) == "1"
    assert index.value("PutObjectCommand") is None and index.value("nothing") is None


def test_file_index_reads_imports_nested_in_a_declaration_too() -> None:
    # a top-level import is reached from its statement downwards; these nested ones
    # through their parents
    mod = module('declare module "m" {\n  import { A as B } from "y";\n}\n'
                 'namespace N { import * as Z from "z"; import D from "d"; }\n'
                 'import { E } from "e";\n', "types.ts")
    index = FileIndex(mod)
    assert index.imported("B") == ("y", "A")
    assert index.imported("A") is None
    assert index.imported("Z") == ("z", None)
    assert index.imported("D") == ("d", None)
    assert index.imported("E") == ("e", "E")


def test_client_calls_are_the_calls_on_what_may_be_a_client() -> None:
    mod = module(
        "const s3 = new S3Client({});\n"
        "const same = await (s3);\n"
        "const doc = DynamoDBDocumentClient.from(ddb);\n"
        "console.log(text.trim());\n"
        "same.getObject({ Bucket: 'b' });\n"
        "doc.put({});\n"
        "new AWS.S3().listBuckets();\n"
        "anything.send(command);\n"
        "s3 . send(x); notAClient.getObject();\n")
    found = [mod.text(n) for n in client_calls(mod)]
    assert found == ["same.getObject({ Bucket: 'b' })",
                     "doc.put({})", "new AWS.S3().listBuckets()", "anything.send(command)",
                     "s3 . send(x)"]


def test_token_calls_follow_the_names_token_packages_bind() -> None:
    mod = module(
        'const jwt = require("jsonwebtoken");\n'
        'const { decode: peek } = require("jsonwebtoken");\n'
        'const lazy = await import("jose");\n'
        'import * as jws from "jws";\n'
        'const other = require("lodash");\n'
        "jwt.decode(t); peek(t); lazy.decodeJwt(t); jws.decode(t);\n"
        "other.decode(t); decode(t); Buffer.from(x); new jwt.Thing();\n")
    found = [mod.text(n) for n in token_calls(mod)]
    assert found == ["jwt.decode(t)", "peek(t)", "lazy.decodeJwt(t)", "jws.decode(t)",
                     "Buffer.from(x)", "new jwt.Thing()"]
