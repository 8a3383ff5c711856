"""The unseen-code check reads only the specifiers it may report (spots.specifiers_unless):
a literal the bytes alone spell as a modelled package is not looked up in the tree, and
the answers are those of every specifier, filtered. The module graph does not look up a
path literal that follows no token a specifier follows (`const base = "/tmp"`)."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.js.parse import JsModule, JsModuleCache, dialect_of, parse_bytes
from faasguard.analysis.js.project import _candidates, _modelled_bare
from faasguard.analysis.js.spots import (
    _keyword_quotes,
    _may_follow_keyword,
    _path_literal_starts,
    local_specifiers,
    specifiers,
    specifiers_unless,
)

#: Specifiers of every kind and layout: modelled packages (`fs`, `lodash/get`, `@aws-sdk/*`),
#: packages the check judges (`left-pad`, `@acme/db`), relative and layer paths, literals the
#: bytes alone cannot spell (an escape, a substitution), look-alikes in a comment and a
#: string, a type-only import and a statement inside `declare module`.
SOURCE = """import fs from "fs";
import type { Pad } from "left-pad-types";
import get from 'lodash/get';
import { S3Client } from "@aws-sdk/client-s3";
import pad from "left-pad";
const db = require( '@acme/db' );
const local = require("./local");
const layer = require("/opt/nodejs/shared");
const escaped = require("lo\\x64ash");
const built = require(`./parts/${name}`);
const plain = require(`axios`);
// require("commented-out")
const text = "import 'in-a-string'";
/* import "a */ import "b-package";
declare module "m" { import x from "yaml"; export * from "zz-package"; }
export { thing } from "pg";
async function later() { return import("dayjs"); }
"""


def module(source: str, file: str = "app.ts") -> JsModule:
    data = source.encode()
    return JsModule(file, data, parse_bytes(data, dialect_of(file)), dialect_of(file))


def test_specifiers_unless_are_the_specifiers_less_those_ruled_out() -> None:
    everything = specifiers(module(SOURCE))
    found = specifiers_unless(module(SOURCE), _modelled_bare)
    assert found == [(spec, at) for spec, at in everything if not _modelled_bare(spec)]
    assert [spec for spec, _ in found] == [
        "left-pad", "b-package", "zz-package", "@acme/db", "./local", "/opt/nodejs/shared",
        "lo\\x64ash"]


def test_specifiers_unless_filters_the_file_s_specifiers_once_found() -> None:
    once = module(SOURCE)
    everything = specifiers(once)  # (the module graph found them: aliases or layers)
    assert specifiers_unless(once, _modelled_bare) == \
        [(spec, at) for spec, at in everything if not _modelled_bare(spec)]


def test_a_literal_the_bytes_spell_as_a_ruled_out_text_is_no_quote_to_look_up() -> None:
    source = SOURCE.encode()
    every = _keyword_quotes(source)
    judged = _keyword_quotes(source, skip=_modelled_bare)
    skipped = {source[quote:source.index(source[quote:quote + 1], quote + 1) + 1]
               for quote, _ in every if (quote, _) not in judged}
    # the modelled packages' literals, read from the bytes, go; escapes and substitutions
    # (`"lo\x64ash"`, `./parts/${name}`) stay for the tree to read
    assert skipped == {b'"fs"', b"'lodash/get'", b'"@aws-sdk/client-s3"', b"`axios`",
                       b'"yaml"', b'"pg"', b'"dayjs"'}
    assert set(judged) < set(every)
    assert [spec for spec, _ in specifiers_unless(module(SOURCE), lambda _: False)] == \
        [spec for spec, _ in specifiers(module(SOURCE))]


def test_unseen_candidates_are_the_packages_and_paths_not_modelled(tmp_path: Path) -> None:
    (tmp_path / "app.ts").write_text(SOURCE)
    (tmp_path / "local.ts").write_text("export const x = 1;\n")
    cache = JsModuleCache(str(tmp_path))
    found = _candidates(cache, cache.get("app.ts"))
    assert [(spec, package) for spec, _, package, _ in found] == [
        ("left-pad", "left-pad"), ("b-package", "b-package"), ("zz-package", "zz-package"),
        ("@acme/db", "@acme/db"), ("/opt/nodejs/shared", None),
        ("lo\\x64ash", "lo\\x64ash")]


def test_a_path_literal_after_no_specifier_token_is_left_out_before_the_tree() -> None:
    source = ('const base = "/tmp/work"; x = [\'./in-a-list\', "./b"];\n'
              'import a from /* c */ "./a"; import b from // c\n "./b";\n'
              'export * from"./c"; import"./d"; const e = require (\n"./e");\n'
              'import f from\u00a0"./f"; const g = require(`./g`);\n')
    data = source.encode()
    kept = [data[at + 1:data.index(data[at:at + 1], at + 1)].decode()
            for at in _path_literal_starts(data) if _may_follow_keyword(data, at)]
    assert kept == ["./a", "./b", "./c", "./d", "./e", "./f", "./g"]
    assert local_specifiers(module(source, "app.js")) == \
        ["./a", "./b", "./d", "./f", "./c", "./e", "./g"]
