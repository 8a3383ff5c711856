"""Discovery: what a scan reads, what it skips, and how odd trees are reported."""

from __future__ import annotations

import os

import pytest

from faasguard.scan import discover, discover_paths, python_sources, walk


def touch(root, *names, text="a: 1\n"):
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_skips_tool_folders_virtualenvs_and_excludes(tmp_path):
    touch(tmp_path, "template.yaml", "svc/serverless.yml", "svc/handler.py", "web/app.ts",
          "web/types.d.ts", "README.md", ".git/config.yml", "node_modules/x/package.json",
          ".serverless/cloudformation-template-update-stack.json", ".aws-sam/build/template.yaml",
          "env/pyvenv.cfg", "env/lib/site.yml", "legacy/old.yaml", "tests/fixture.yaml",
          "svc/notes.yml", "svc/package.json", "svc/package-lock.json", "web/tsconfig.json",
          "cdk.json", "docker-compose.yml")
    found = walk(str(tmp_path), ["legacy", "tests/*", "notes.yml"])
    assert found.templates == ["svc/serverless.yml", "template.yaml"]
    assert found.sources == ["svc/handler.py", "web/app.ts"]
    assert found.problems == []
    assert discover(str(tmp_path))[0] == ["legacy/old.yaml", "svc/notes.yml",
                                          "svc/serverless.yml", "template.yaml",
                                          "tests/fixture.yaml"]


def test_double_star_excludes(tmp_path):
    touch(tmp_path, "a/fixtures/t.yaml", "b/c/fixtures/u.yaml", "keep.yaml")
    assert walk(str(tmp_path), ["**/fixtures"]).templates == ["keep.yaml"]


def test_python_sources_for_the_code_analyses(tmp_path):
    touch(tmp_path, "src/app.py", "src/lib/util.py", "venv/lib/x.py", "web/x.js", "skip/y.py",
          text="x = 1\n")
    assert python_sources(str(tmp_path), ["skip"]) == ["src/app.py", "src/lib/util.py"]


def test_symlink_loop_and_links_leaving_the_root(tmp_path):
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    touch(root, "template.yaml", "sub/inner.yaml")
    touch(outside, "secret.yaml")
    os.symlink(root, root / "sub" / "loop")
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.yaml", root / "escape.yaml")
    os.symlink(root / "nowhere.yaml", root / "dangling.yaml")
    os.symlink(root / "sub" / "inner.yaml", root / "inner-link.yaml")  # stays inside: read
    os.symlink("self.yaml", root / "self.yaml")
    found = walk(str(root))
    assert found.templates == ["inner-link.yaml", "sub/inner.yaml", "template.yaml"]
    problems = {(p.file, p.message) for p in found.problems}
    assert ("sub/loop", "symlink loop (points to a folder that contains it); not followed") \
        in problems
    assert ("escape", "symlink leaves the scanned folder; not followed") in problems
    assert ("escape.yaml", "symlink leaves the scanned folder; not followed") in problems
    assert ("dangling.yaml", "broken symlink (its target does not exist); skipped") in problems
    assert ("self.yaml", "symlink loop; not followed") in problems
    assert all(p.level == "warning" for p in found.problems)


def test_folder_link_inside_the_root_is_scanned_once(tmp_path):
    touch(tmp_path, "real/template.yaml")  # the link sorts before its target
    os.symlink(tmp_path / "real", tmp_path / "a-link")
    found = walk(str(tmp_path))
    assert found.templates == ["real/template.yaml"]
    assert [(p.file, p.level) for p in found.problems] == [("a-link", "note")]
    assert "symlink to real/" in found.problems[0].message


def test_unreadable_folder(tmp_path):
    touch(tmp_path, "template.yaml", "locked/hidden.yaml")
    os.chmod(tmp_path / "locked", 0)
    try:
        readable_anyway = os.access(tmp_path / "locked", os.R_OK)  # root in CI
        found = walk(str(tmp_path))
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    if readable_anyway:
        # root reads any folder: the walk simply goes on into it
        assert found.templates == ["locked/hidden.yaml", "template.yaml"]
    else:
        assert found.templates == ["template.yaml"]
        assert [(p.file, p.level) for p in found.problems] == [("locked", "error")]
        assert "cannot be read" in found.problems[0].message


def test_several_paths_share_their_common_root(tmp_path):
    touch(tmp_path, "svc/a/serverless.yml", "svc/b/template.yaml", "svc/b/handler.py",
          "svc/c.yaml")
    base, found = discover_paths([str(tmp_path / "svc/a"), str(tmp_path / "svc/b"),
                                  str(tmp_path / "svc/c.yaml"), str(tmp_path / "svc/a")])
    assert base == str(tmp_path / "svc")
    assert found.templates == ["a/serverless.yml", "b/template.yaml", "c.yaml"]
    assert found.sources == ["b/handler.py"]


def test_missing_path_is_a_diagnostic(tmp_path):
    touch(tmp_path, "template.yaml")
    missing = str(tmp_path / "nope")
    base, found = discover_paths([str(tmp_path), missing])
    assert base == str(tmp_path)
    assert found.templates == ["template.yaml"] and found.missing == 1
    assert [(p.file, p.level, p.code) for p in found.problems] == [("nope", "error", "path")]
    assert "does not exist" in found.problems[0].message
    outside = str(tmp_path.parent / "elsewhere")  # not under the root: named in full
    assert discover_paths([str(tmp_path), outside])[1].problems[0].file == outside


@pytest.mark.parametrize("name", ["single.yaml", "handler.py"])
def test_a_single_file(tmp_path, name):
    touch(tmp_path, name, "other.yaml")
    base, found = discover_paths([str(tmp_path / name)])
    assert base == str(tmp_path)
    assert (found.templates + found.sources) == [name]


def test_skips_the_build_output_of_serverless_plugins(tmp_path):
    # bundled or vendored copies of the handlers would be analysed (and reported) again
    touch(tmp_path, "serverless.yml", "src/handler.js", ".esbuild/.build/src/handler.js",
          ".webpack/service/src/handler.js", ".build/src/handler.js",
          ".requirements/requests/api.py")
    found = walk(str(tmp_path))
    assert (found.templates, found.sources) == (["serverless.yml"], ["src/handler.js"])


def test_a_serverless_ts_service_is_read_unless_a_serverless_yml_is_beside_it(tmp_path):
    # read statically (loaders.service_code); a serverless.yml or a printed configuration
    # beside it wins, and of two code files the framework's first (serverless.js) is read
    touch(tmp_path, "api/serverless.ts", "api/src/handler.ts", "web/serverless.ts",
          "web/serverless.yml", "printed/serverless.ts", "printed/serverless.print.yml",
          "both/serverless.js", "both/serverless.ts", text="export default {};\n")
    found = walk(str(tmp_path))
    assert found.sources == ["api/serverless.ts", "api/src/handler.ts", "both/serverless.js",
                             "both/serverless.ts", "printed/serverless.ts",
                             "web/serverless.ts"]
    assert found.templates == ["api/serverless.ts", "both/serverless.js",
                               "printed/serverless.print.yml", "web/serverless.yml"]
    assert found.problems == []
    base, given = discover_paths([str(tmp_path / "api" / "serverless.ts")])
    assert (given.templates, given.sources) == (["serverless.ts"], ["serverless.ts"])


def test_the_printed_configuration_of_a_serverless_ts_service_is_read(tmp_path):
    touch(tmp_path, "serverless.print.yml", text=(
        "service: shortener\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  shorten:\n    handler: src/shorten.main\n"))
    touch(tmp_path, "src/shorten.js", text="exports.main = async () => 1;\n")
    from faasguard.scan import scan

    app = scan(str(tmp_path)).app
    assert [(f.id, f.source_file) for f in app.functions.values()] == [
        ("serverless.print.yml#shorten", "src/shorten.js")]
