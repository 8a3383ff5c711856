"""Whatever a serverless.ts / serverless.js project holds, the service-code reader says
what it could not read, in which file and why, and the scan goes on: it never raises (an
exception was reported as 'internal error while loading ... please report it', without
the file's functions)."""

from __future__ import annotations

import os

import pytest

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.service_code import ServiceReader
from faasguard.model import Unknown
from faasguard.scan import scan as scan_of

INPUT = os.path.join(os.path.dirname(__file__), "fixtures", "serverless_ts_input")


def load(root, name="serverless.ts"):
    """The App fragment of the service file and its diagnostics (file, line, level,
    message)."""
    app = load_path(LoadContext(root=str(root), file=name))
    return app, [(d.file, d.line, d.level, d.message) for d in app.diagnostics]


def data_of(root, name="serverless.ts"):
    return ServiceReader(LoadContext(root=str(root), file=name)).read().data


def write(root, files):
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


SERVICE = ("export default { service: 's', provider: { name: 'aws', tags: { x } },\n"
           "  functions: { h: { handler: 'h.main' } } };\n")


# --------------------------------------------------------------------------- escapes


@pytest.mark.parametrize("case, line", [("name_escape", 5), ("destructure_escape", 4)])
def test_a_name_escaping_no_character_is_a_syntax_error_at_its_line(case, line):
    # an imported name ('\u{110000}' as tag) or a destructured key: raised ValueError
    app, found = load(os.path.join(INPUT, case, "pos"))
    assert [(f, n, level, m.split(":")[0]) for f, n, level, m in found] == [
        ("serverless.ts", line, "warning", f"syntax error near line {line}")]
    assert "`\\u{110000}` names no character: this service's functions" in found[0][3]
    neg, found = load(os.path.join(INPUT, case, "neg"))
    assert found == []


def test_the_twins_accept_the_largest_code_point_and_escaped_keys():
    assert data_of(os.path.join(INPUT, "name_escape", "neg"))["provider"]["tags"] == {
        "tag": "team"}
    assert data_of(os.path.join(INPUT, "destructure_escape", "neg"))["provider"][
        "memorySize"] == 512


def test_an_imported_modules_bad_name_is_that_modules_not_the_services():
    # src/tags.ts exports `tags as '\u{110000}'`: the service file was refused with a
    # syntax error at its own line; now that module's names are unknown, the rest is read
    app, found = load(os.path.join(INPUT, "module_name_escape", "pos"))
    assert found == [("serverless.ts", 3, "warning", "src/tags.ts: syntax error near line 3: "
                      "`\\u{110000}` names no character; what it exports is left unknown")]
    assert sorted(app.functions) == ["serverless.ts#h"]
    neg, found = load(os.path.join(INPUT, "module_name_escape", "neg"))
    assert found == [] and sorted(neg.functions) == ["serverless.ts#h"]
    assert data_of(os.path.join(INPUT, "module_name_escape", "neg"))["provider"]["tags"] == {
        "team": "a"}


# --------------------------------------------------------------------------- numbers


def test_numbers_past_a_double_are_infinity_as_in_javascript():
    # a 3,700-digit hex literal in a template and as a key (ValueError: more digits than
    # Python writes out), a 300-digit one plus 1.5 (OverflowError), `regions[1e400]`
    # (OverflowError); `01000` is JavaScript's legacy octal, 512
    app, found = load(os.path.join(INPUT, "numbers", "pos"))
    assert found == [("serverless.ts", 11, "note", "`regions[1e400]` is not evaluated "
                      "statically (an access the scanner cannot follow); its value is left "
                      "unknown")]
    assert sorted(app.functions) == ["serverless.ts#h"]
    data = data_of(os.path.join(INPUT, "numbers", "pos"))
    provider = data["provider"]
    assert isinstance(provider["region"], Unknown)
    assert (provider["memorySize"], provider["timeout"], provider["stage"]) == (
        512, float("inf"), "sInfinity")
    assert data["custom"] == {"Infinity": "key"}
    neg = data_of(os.path.join(INPUT, "numbers", "neg"))
    assert neg["provider"] == {"name": "aws", "runtime": "nodejs20.x", "region": "eu-west-1",
                               "memorySize": 512, "timeout": 29.5, "stage": "s16"}
    assert neg["custom"] == {"16": "key"}


def test_a_bigint_is_exact_and_one_too_long_to_write_out_is_unknown(tmp_path):
    write(tmp_path, {"serverless.ts": "export default { service: 's', a: 9007199254740993n, "
                     f"b: 0x{'f' * 3700}n, c: `${{0x{'f' * 3700}n}}`, d: 0x{'f' * 300}n + 1.5,"
                     " e: 9007199254740993 };\n"})
    data = data_of(tmp_path)
    assert data["a"] == 9007199254740993 and data["e"] == 9007199254740992
    assert all(isinstance(data[k], Unknown) for k in "bcd")


# --------------------------------------------------------------------------- resolution


def test_a_nul_in_tsconfig_paths_leaves_the_import_unknown():
    # baseUrl "src\u0000" and a paths target "lib\u0000/*": ValueError ('embedded null
    # byte') listing that folder; now no file is there, as for any name that is none
    app, found = load(os.path.join(INPUT, "tsconfig_nul", "pos"))
    assert [(n, level, m.split(" is ")[0]) for _, n, level, m in found] == [
        (4, "note", "'settings'"), (5, "note", "'@lib/tags'")]
    assert sorted(app.functions) == ["serverless.ts#h"]
    assert load(os.path.join(INPUT, "tsconfig_nul", "neg"))[1] == []
    assert data_of(os.path.join(INPUT, "tsconfig_nul", "neg"))["provider"]["tags"] == {
        "team": "a"}


@pytest.mark.parametrize("es", [True, False])
def test_a_long_chain_of_imports_is_cut_off_with_a_note(tmp_path, es):
    # 199 modules each taking its value from the next: RecursionError before each import
    # counted as a level of nesting
    count = 199
    if es:
        files = {f"m{i}.ts": f"import {{ x as y }} from './m{i + 1}';\nexport const x = y;\n"
                 for i in range(count)}
        files["serverless.ts"] = "import { x } from './m0';\n" + SERVICE
        files[f"m{count}.ts"] = "export const x = 'end';\n"
    else:
        files = {f"m{i}.js": f"module.exports = require('./m{i + 1}');\n"
                 for i in range(count)}
        files["serverless.js"] = "const x = require('./m0');\n" + SERVICE.replace(
            "export default", "module.exports =")
        files[f"m{count}.js"] = "module.exports = 'end';\n"
    write(tmp_path, files)
    app, found = load(tmp_path, "serverless.ts" if es else "serverless.js")
    assert len(found) == 1 and found[0][2] == "note" and \
        "(nested more than 200 levels)" in found[0][3]
    assert len(app.functions) == 1
    short = {name: text.replace(f"m{count}", "m3") for name, text in files.items()
             if name[1:].split(".")[0].isdigit() and int(name[1:].split(".")[0]) < 3}
    (tmp_path / "short").mkdir()
    write(tmp_path / "short", {**short, "m3.ts" if es else "m3.js": files[f"m{count}." + (
        "ts" if es else "js")], "serverless.ts" if es else "serverless.js":
        files["serverless.ts" if es else "serverless.js"]})
    assert data_of(tmp_path / "short", "serverless.ts" if es else "serverless.js")[
        "provider"]["tags"] == {"x": "end"}


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("content, reason", [
    (b"\x00\x01binary", "binary content (NUL bytes); skipped"),
    (b"export const x = '\xe9t\xe9';\n", "syntax error near line 1"),
    (b"export const x = 1;\n//" + b" " * (2 * 1024 * 1024) + b"\n",
     "larger than the 2 MiB limit; skipped"),
])
def test_an_imported_module_that_cannot_be_read_is_a_warning_at_the_import(
        tmp_path, content, reason):
    write(tmp_path, {"serverless.ts": "import { x } from './m';\n" + SERVICE, "m.ts": content})
    app, found = load(tmp_path)
    assert found == [("serverless.ts", 1, "warning",
                      f"m.ts: {reason}; what it exports is left unknown")]
    assert len(app.functions) == 1


def test_a_json_file_too_large_or_too_deep_is_a_warning(tmp_path):
    write(tmp_path, {"serverless.ts": "const x = require('./big.json');\n"
                     "const y = require('./deep.json');\n"
                     + SERVICE.replace("tags: { x }", "tags: { x, y }"),
                     "big.json": "[" + " " * (5 * 1024 * 1024) + "]",
                     "deep.json": "[" * 1000 + "]" * 1000})
    app, found = load(tmp_path)
    assert [(n, m.split(";")[0]) for _, n, _, m in found] == [
        (1, "big.json: larger than the 5 MiB limit"),
        (2, "deep.json: nested more than 400 levels deep")]
    assert len(app.functions) == 1


def test_links_that_loop_or_leave_the_project_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    write(outside, {"secret.json": '{"a": 1}', "m.ts": "export const x = 1;\n"})
    root = tmp_path / "project"
    write(root, {"serverless.ts": "import { x } from './loop';\n"
                 "const j = require('./self.json');\nimport { y } from './out';\n"
                 "const k = require('./out.json');\nimport { z } from './dir/dir/m';\n"
                 + SERVICE.replace("tags: { x }", "tags: { x, j, y, k, z }"),
                 "m.ts": "export const z = 'inside';\n"})
    os.symlink("loop.ts", root / "loop.ts")
    os.symlink("self.json", root / "self.json")
    os.symlink(outside / "m.ts", root / "out.ts")
    os.symlink(outside / "secret.json", root / "out.json")
    os.symlink(".", root / "dir")  # a folder that holds itself
    app, found = load(root)
    assert [(n, level) for _, n, level, _ in found] == [(1, "warning"), (2, "warning"),
                                                        (3, "warning"), (4, "warning")]
    assert all("names no file" in m or "not a JSON file of the scanned folder" in m
               for *_, m in found)
    tags = data_of(root)["provider"]["tags"]
    assert tags["z"] == "inside" and all(isinstance(tags[k], Unknown) for k in "xjyk")


def test_deep_nesting_and_self_importing_namespaces_are_left_unknown(tmp_path):
    write(tmp_path, {"serverless.ts": "import * as me from './serverless';\n"
                     "export const own = { ...me };\n"
                     "export default { service: 's', own, deep: " + "[" * 3000 + "]" * 3000
                     + ", sum: " + " + ".join(["'a'"] * 3000) + " };\n"})
    app, found = load(tmp_path)
    assert [(n, level, m.split(" (")[0].split(":")[0]) for _, n, level, m in found] == [
        (2, "warning", "import cycle"),
        (3, "note", "`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...` is not "
                    "evaluated statically"),
        (3, "note", "`'a' + 'a' + 'a' + 'a' + 'a' + 'a' + 'a' + 'a' + 'a' + 'a'...` is "
                    "not evaluated statically"),
        (3, "note", "`'a'` is not evaluated statically")]


def test_a_tsconfig_extending_a_name_no_file_has_leaves_its_aliases_unread():
    # "extends": "./tsconfig\ud800.paths.json" (a lone surrogate): UnicodeEncodeError
    # opening it (documents.read_text), an internal error; now that file cannot be read,
    # as a missing one, and the service is read
    app, found = load(os.path.join(INPUT, "tsconfig_extends", "pos"))
    assert found == [("serverless.ts", 4, "note", "'@lib/tags' is a package or a file "
                      "outside the scanned folder: what it exports is left unknown")]
    assert sorted(app.functions) == ["serverless.ts#h"]
    result = scan_of(os.path.join(INPUT, "tsconfig_extends", "pos"))
    assert not [d for d in result.app.diagnostics if "internal error" in d.message]
    neg, found = load(os.path.join(INPUT, "tsconfig_extends", "neg"))
    assert found == []
    assert data_of(os.path.join(INPUT, "tsconfig_extends", "neg"))["provider"]["tags"] == {
        "team": "a"}
