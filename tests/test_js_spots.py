"""analysis.js.spots: the byte-level finders reach the nodes a walk of the tree would."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from faasguard.analysis.js.awssdk import client_calls
from faasguard.analysis.js.engine import _declared
from faasguard.analysis.js.jwt import _heads_in, token_calls
from faasguard.analysis.js.names import FileIndex
from faasguard.analysis.js.parse import JsModule, dialect_of, parse_bytes
from faasguard.analysis.js.spots import (
    _keyword_quotes,
    _keyword_specifiers,
    _path_literal_starts,
    _specifiers,
    keyword_owners,
    local_specifiers,
    method_calls,
    specifiers,
    word_node_at,
    word_nodes,
    word_spans,
)

if TYPE_CHECKING:
    from tree_sitter import Node


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


def test_path_literal_starts_are_where_a_quote_is_followed_by_a_dot_or_a_slash() -> None:
    # (the search of the translated bytes gives what one search for `['"`][./]` gives)
    oracle = re.compile(rb"""['"`][./]""")
    for source in (b"", b"'", b"'.", b"x'./a' \"/b\" `./c` '../d'", b"''./'/\"\"/`",
                   b"'/'./\"//\"`/`.", b"a = './x' + '/y'; b = \"./z\"; c = `/`; d = '.'",
                   "'./é' \"/ü\"".encode()):
        assert _path_literal_starts(source) == [m.start() for m in oracle.finditer(source)]


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


def test_token_calls_test_specifiers_for_the_heads_the_file_holds() -> None:
    # a specifier (or a `require`'s argument) is text of the file: a head it holds is one
    # the file holds, so testing those alone (as _file_tokens does) finds the same names
    mod = module(
        'const a = require(BufferPath);\nconst b = require("my-jose-kit");\n'
        'import c from "atob-lite";\nimport d from "lodash";\n'
        "a.x(t); b.y(t); c(t); d(t); Buffer.alloc(1); other.z(t);\n")
    assert _heads_in(mod.source) == ("Buffer", "atob", "jose")
    found = [mod.text(n) for n in token_calls(mod)]
    assert found == ["a.x(t)", "b.y(t)", "c(t)", "Buffer.alloc(1)"]
    assert [mod.text(n) for n in token_calls(mod, _heads_in(mod.source))] == found
    assert token_calls(module("const a = require(path);\na.x(t);\n")) == []


# odd layouts: the one-search finders give what the parent-reading code they replaced
# gave (that code is written out here as it was)

def _old_method_calls(mod: JsModule, method: str, not_before: bytes = b"") -> list[str]:
    out = []
    for node in word_nodes(mod, method, not_before):
        member = node.parent if node.type == "property_identifier" else None
        call = member.parent if member is not None and \
            member.type == "member_expression" else None
        if call is not None and call.type == "call_expression" and \
                call.child_by_field_name("function") == member:
            out.append(mod.text(call))
    return out


ODD_SENDS = (
    "x /*a*/ . /*b*/ send /*c*/ (y); x\n.\nsend\n(\ny); x.send // c\n(y);\n"
    "x?.send(y); x?.send?.(y); x.send?.(y); x['send'](y); x[`send`](y);\n"
    "(x.send)(y); x.send.call(x, y); x.send.bind(x)(y); new x.send(y); f(a.send);\n"
    "x.send`t`; x.send\n`t`; a.send(b.send(c)).send(d); @dec.send() class A {}\n"
    "class B { #send() {} m() { this.#send(1); super.send(2); } }\n"
    "const é = 'ü'; ü.send(é); x.sendé(y); x.é.send(z); /* ñ */ s3.send(cmd); x.send",
    "x.send!(y); x!.send(y); (x as any).send(y); x.send<A<B>>(y); x.send(y",
)


def test_method_calls_on_odd_layouts_are_the_old_parent_reads() -> None:
    for source in ODD_SENDS:
        for file in ("app.js", "app.ts", "app.tsx"):
            mod = module(source, file)
            found = [mod.text(call) for call in method_calls(mod, "send")]
            assert found == _old_method_calls(mod, "send"), (file, source)
    mod = module(ODD_SENDS[0])
    assert [mod.text(call).replace("\n", " ") for call in method_calls(mod, "send")] == [
        "x /*a*/ . /*b*/ send /*c*/ (y)", "x . send ( y)", "x.send // c (y)",
        "x?.send(y)", "x?.send?.(y)", "x.send?.(y)", "x.send`t`", "x.send `t`",
        "a.send(b.send(c))", "b.send(c)", "a.send(b.send(c)).send(d)", "dec.send()",
        "super.send(2)", "ü.send(é)", "x.é.send(z)", "s3.send(cmd)"]


def test_keyword_owners_after_non_ascii_text_and_in_typescript() -> None:
    source = ("const ü = 'ñ'; /* é */ new A; new\nB(); new.target; x.new; new/*c*/C();\n"
              "new (D as any)(); new E<T>(); new F!.G(); type K = new () => T;\n")
    for file in ("app.ts", "app.tsx"):
        mod = module(source, file)
        found = [mod.text(n) for n in keyword_owners(mod, "new", "new_expression")]
        assert found == [mod.text(p) for n in word_nodes(mod, "new")
                         if n.type == "new" and (p := n.parent) is not None and
                         p.type == "new_expression"]
        assert "new A" in found and "new E<T>()" in found


def test_declared_names_are_those_the_parent_reads_found() -> None:
    def old(node: Node, mod: JsModule) -> bool:
        kind, holder = node.type, node.parent
        if kind == "shorthand_property_identifier_pattern" and holder is not None and \
                holder.type == "object_pattern":
            node, holder = holder, holder.parent
        elif kind != "identifier":
            return False
        if holder is None:
            return False
        if holder.type == "variable_declarator":
            return holder.child_by_field_name("name") == node
        return holder.type == "for_in_statement" and \
            holder.child_by_field_name("left") == node

    source = ("const a = 1, b, c\n= 2; let d; var e/*x*/=3; for (const f of g) {}\n"
              "for (h in i) {} for (let [j, k] of l) {} const {m, n: o, p = 1} = r;\n"
              "for (const mm\nof nn) {} for (const oo/*c*/in pp) {} for (var w = 0;;) {}\n"
              "const é = 1; for (const ü of é) {} const hh = function hh() {};\n")
    ts = "let x!: number; const y: T = 1; const cc\n: T = 1; for (const aa of bb as any) {}\n"
    for text, file in ((source, "app.js"), (source + ts, "app.ts")):
        mod = module(text, file)
        words = {w for w in re.findall(r"[^\W\d]\w*", text)}
        declared = {w for w in words for n in word_nodes(mod, w) if _declared(n, mod)}
        assert declared == {w for w in words for n in word_nodes(mod, w) if old(n, mod)}
        assert {"a", "b", "c", "d", "e", "f", "h", "m", "mm", "oo", "é", "ü"} <= declared
    assert {"x", "y", "cc", "aa"} <= {
        w for w in ("x", "y", "cc", "aa") for n in word_nodes(mod, w) if _declared(n, mod)}


def test_file_index_reexports_and_odd_imports_bind_as_before() -> None:
    mod = module('export { S } from "s"; export * as T from "t"; import V = require("v");\n'
                 'declare module "m" { export { M } from "z"; export import P = Q.R; }\n'
                 '/* é */ const ü = "ñ"; import Y from "ÿ"; import type { W } from "w";\n'
                 'import { type X, "a b" as Z } from "x"; import\n  // c\n  AD /* c */ from "ad";\n'
                 'import {\n AE,\n AF as\n AG } from "ae"; import I, * as J from "i";\n'
                 'function f() { import AH from "ah"; }\n', "types.ts")
    index = FileIndex(mod)
    assert [index.imported(name) for name in ("S", "T", "V", "M", "P", "R")] == [None] * 6
    assert index.imported("Y") == ("ÿ", None) and index.imported("W") == ("w", "W")
    assert index.imported("X") == ("x", "X") and index.imported("Z") == ("x", '"a b"')
    assert index.imported("AD") == ("ad", None) and index.imported("AG") == ("ae", "AF")
    assert index.imported("AF") is None and index.imported("AE") == ("ae", "AE")
    assert index.imported("I") == ("i", None) and index.imported("J") == ("i", None)
    assert index.imported("AH") == ("ah", None)


def test_word_spans_and_word_node_at_are_word_nodes_in_two_steps() -> None:
    mod = module("const ü = 1; // ü\nf('ü', \"a ü\", `ü`, üx, xü, $ü); g.ü(ü);\n", "app.ts")
    two_steps = [(n.type, n.start_byte) for at, stop in word_spans(mod, "ü")
                 if (n := word_node_at(mod, at, stop)) is not None]
    assert two_steps == [(n.type, n.start_byte) for n in word_nodes(mod, "ü")]
    assert [kind for kind, _ in two_steps] == [
        "identifier", "string_fragment", "string_fragment", "property_identifier",
        "identifier"]
    assert len(list(word_spans(mod, "ü"))) == 7  # (the comment and "a ü": no node)


def test_method_calls_skip_a_name_before_the_given_bytes() -> None:
    source = ('import a from "a"; export { b } from \'b\'; const c = D.from(x);\n'
              "const e = F . from\n(y); G.from ('z'); H.from`t`; import('from');\n")
    for file in ("app.js", "app.ts"):
        mod = module(source, file)
        found = [mod.text(call) for call in method_calls(mod, "from", b"'\"")]
        assert found == ["D.from(x)", "F . from\n(y)", "G.from ('z')", "H.from`t`"]
        assert found == _old_method_calls(mod, "from", b"'\"")


def test_specifiers_are_packages_and_paths_with_their_lines_type_imports_left_out() -> None:
    found = specifiers(module(
        'import type { Handler } from "aws-lambda";\n'
        'import { S3Client } from "@aws-sdk/client-s3";\n'
        "const { send } = require('/opt/nodejs/queue');\n"
        "export { b } from './b';\n"
        "// require('commented')\n"
        'const text = "require(\'in-a-string\')";\n'
        "const fs = await import(`node:fs`);\n", "app.ts"))
    assert found == [("@aws-sdk/client-s3", 2), ("./b", 4), ("/opt/nodejs/queue", 3),
                     ("node:fs", 7)]


def test_keyword_quotes_are_where_one_search_for_a_keyword_then_a_quote_finds() -> None:
    # (three searches, each starting with its keyword's bytes, give what one regular
    # expression with the keywords behind a word boundary gives)
    oracle = re.compile(rb"""(?:\b(?:require|import)\s*\(\s*|\bfrom\s*|\bimport\s*)['"`]""")
    calls = re.compile(rb"""\b(?:require|import)\s*\(\s*['"`]""")
    for source in (b"", b"import'a'", b'from"import"x', b"require(from'x')", b'$require("a")',
                   b'_require("a") xfrom "b" import\n(\n`c`)', b'import "x"; import("y")',
                   b'a.import("x"); new require("y"); f(require("z")) requires("w")',
                   "é from 'p' ü require('q')".encode()):
        assert [q for q, _ in _keyword_quotes(source)] == \
            [m.end() - 1 for m in oracle.finditer(source)]
        assert [q for q, _ in _keyword_quotes(source, calls_only=True)] == \
            [m.end() - 1 for m in calls.finditer(source)]


def test_specifiers_off_the_top_level_are_found_as_before() -> None:
    # statements in an ambient module and calls found through Node.parent (`_specifiers`)
    # merge with those found without it, in the same order as one pass of `_specifiers`
    found = module('import a from "a";\ndeclare module "m" {\n  import b from "b";\n'
                   '  export * from "c";\n}\nexport * from "d";\nconst e = require("e");\n'
                   'import x = require("q");\n// import "comment"\n', "app.ts")
    quotes = _keyword_quotes(found.source)
    assert _keyword_specifiers(found, quotes, skip_types=True) == \
        _specifiers(found, [q for q, _ in quotes], skip_types=True)
    assert [spec for spec, _ in specifiers(found)] == ["a", "b", "c", "d", "e"]
