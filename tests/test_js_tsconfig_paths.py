"""tsconfig.json path aliases (`compilerOptions.paths`, `@libs/*`): a bare specifier an
alias maps is a project file, followed by the module graph, the taint engine and the AWS
call analysis (the Serverless Framework's TypeScript template imports `@libs/...`).
Before, such an import was a package: its code was not read (cf5f534 then took it for
code it cannot see, and FG-PERM-101 was silent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.js.parse import JsModuleCache
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-ts-path-aliases",
                                  "serverless-neg-ts-path-aliases"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_an_alias_maps_to_the_file_tsconfig_names(tmp_path: Path) -> None:
    (tmp_path / "app" / "lib" / "util").mkdir(parents=True)
    (tmp_path / "app" / "tsconfig.json").write_text(
        '{\n  // comments and trailing commas, as tsc reads them\n  "compilerOptions": {\n'
        '    "baseUrl": "./lib",\n    "paths": {"@util/*": ["util/*"], "#db": ["db.ts"],\n'
        '              "~/*": ["../src/*", "./*"],},\n  },\n}\n')
    for name in ("app/lib/util/dates.ts", "app/lib/db.ts", "app/lib/only-here.ts"):
        (tmp_path / name).write_text("export const x = 1;\n")
    cache = JsModuleCache(str(tmp_path))
    assert cache.resolve_local("app/handler.ts", "@util/dates") == "app/lib/util/dates.ts"
    assert cache.resolve_local("app/handler.ts", "#db") == "app/lib/db.ts"
    assert cache.resolve_local("app/handler.ts", "~/only-here") == "app/lib/only-here.ts"
    assert cache.resolve_local("app/handler.ts", "@util/missing") is None
    assert cache.resolve_local("app/handler.ts", "lodash") is None
    assert cache.resolve_local("other/handler.ts", "@util/dates") is None  # no tsconfig


def test_a_flow_through_an_aliased_module_is_found(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: alias-flow\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n"
        "  run:\n    handler: handler.run\n    events:\n      - httpApi: POST /run\n")
    (tmp_path / "tsconfig.json").write_text('{"compilerOptions": {"paths": '
                                            '{"@libs/*": ["./libs/*"]}}}')
    (tmp_path / "libs").mkdir()
    (tmp_path / "libs" / "shell.ts").write_text(
        'import { exec } from "child_process";\n'
        "export const run = (cmd: string) => exec(`convert ${cmd}`);\n")
    (tmp_path / "handler.ts").write_text(
        'import { run as shell } from "@libs/shell";\n'
        "export const run = async (event: any) => shell(JSON.parse(event.body).file);\n")
    flows = scan(str(tmp_path)).facts.flows.get("serverless.yml#run", [])
    assert [(f.location.file, f.location.line) for f in flows] == [("libs/shell.ts", 2)]
