"""Bad Node.js input becomes a diagnostic; the scan goes on with the other functions."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.js.parse import JsModuleCache
from faasguard.scan import ScanResult, scan

SERVERLESS = """service: bad-input
provider:
  name: aws
  runtime: nodejs20.x
functions:
{functions}
"""


def _scan(tmp_path: Path, files: dict[str, str | bytes]) -> ScanResult:
    functions = ""
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        if "/" not in name:
            stem = name.rsplit(".", 1)[0]
            functions += f"  {stem}:\n    handler: {stem}.handler\n" \
                         "    events:\n      - httpApi: GET /{stem}\n".replace("{stem}", stem)
    (tmp_path / "serverless.yml").write_text(SERVERLESS.format(functions=functions))
    return scan(str(tmp_path))


GOOD = "const { exec } = require('child_process');\n" \
       "exports.handler = async (event) => { exec(event.body); };\n"


def _injections(result: ScanResult) -> set[str]:
    return {f.location.file for f in result.findings if f.rule_id.startswith("FG-INJ-")}


def test_broken_files_do_not_stop_the_others(tmp_path: Path) -> None:
    result = _scan(tmp_path, {
        "good.js": GOOD,
        "broken.js": "exports.handler = async (event => {{{\n) ]]]\n" * 3,
        "binary.js": b"\x00\x01\xff\xfe" * 64,
        "deep_body.js": "exports.handler = async (event) => { const x = " + "(" * 3000
                        + "event.body" + ")" * 3000 + "; eval(x); };\n",
        "deep_top.js": "const y = " + "(" * 3000 + "1" + ")" * 3000 + ";\n"
                       "exports.handler = async (event) => { eval(event.body); };\n",
    })
    assert _injections(result) == {"good.js"}
    problems = {d.file: d for d in result.diagnostics if d.code in ("handler", "taint")}
    assert problems["broken.js"].level == "error"
    assert "syntax error" in problems["broken.js"].message
    assert problems["binary.js"].level == "error"
    assert problems["deep_body.js"].level == "warning"
    assert "nested too deeply" in problems["deep_top.js"].message
    assert not [d for d in result.diagnostics if d.code == "internal"]


def test_import_cycles_and_recursion_terminate(tmp_path: Path) -> None:
    result = _scan(tmp_path, {
        "cycle.js": "const a = require('./lib/a');\n"
                    "exports.handler = async (event) => a.run(event.body, 50);\n",
        "lib/a.js": "const b = require('./b');\n"
                    "exports.run = (text, n) => (n > 0 ? b.again(text, n - 1) : text);\n",
        "lib/b.js": "const a = require('./a');\nconst { exec } = require('child_process');\n"
                    "exports.again = (text, n) => { exec(text); return a.run(text, n); };\n",
    })
    assert _injections(result) == {"lib/b.js"}
    assert not [d for d in result.diagnostics if d.level == "error"]


def test_oversized_file_is_an_error(tmp_path: Path) -> None:
    big = GOOD + "// " + "x" * (3 * 1024 * 1024) + "\n"
    result = _scan(tmp_path, {"big.js": big, "good.js": GOOD})
    assert _injections(result) == {"good.js"}
    assert any(d.file == "big.js" and d.level == "error" for d in result.diagnostics)


def test_links_leaving_the_scanned_root_are_not_followed(tmp_path: Path) -> None:
    # discovery does not follow them ('symlink leaves the scanned folder'); nor does the
    # module graph: a file linked from outside, or a folder whose real path is outside,
    # is no file of the project, while a link that stays inside the root is one
    root, outside = tmp_path / "project", tmp_path / "outside"
    (root / "src").mkdir(parents=True)
    outside.mkdir()
    (outside / "far.js").write_text("module.exports = {};\n")
    (root / "src" / "near.js").write_text("module.exports = {};\n")
    (root / "src" / "far.js").symlink_to(outside / "far.js")
    (root / "src" / "alias.js").symlink_to(root / "src" / "near.js")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    cache = JsModuleCache(str(root))
    assert cache.resolve_local("src/h.js", "./near") == "src/near.js"
    assert cache.resolve_local("src/h.js", "./alias") == "src/alias.js"
    assert cache.resolve_local("src/h.js", "./far") is None
    assert cache.resolve_local("src/h.js", "../linked/far") is None
