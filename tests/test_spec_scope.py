"""Spec files found by name come from the scanned paths only, not from their common folder.

`faasguard scan a/ b/` scans a/ and b/ (their common folder is only what locations are
relative to): a spec in a sibling c/ describes nothing the user asked to scan. A scanned
file is read alone: a spec beside it counts only when it is named too (as a path or with
`--openapi`). Scanning the whole folder still finds every spec in it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faasguard.analysis.facts import Facts, Options
from faasguard.analysis.openapi import analyse_openapi
from faasguard.cli import main
from faasguard.model import App, Location, Route
from faasguard.scan import discover_paths, scan_paths

_SERVICE = """service: {name}
provider: {{name: aws, runtime: python3.11}}
functions:
  {name}:
    handler: handler.main
    events:
      - httpApi: {{method: GET, path: /{name}}}
"""


@pytest.fixture()
def services(tmp_path: Path) -> Path:
    """svc/orders and svc/users (one route each), each with its own spec listing a route
    nobody deploys, and svc/c with a spec of both services plus /admin."""
    root = tmp_path / "svc"
    for name in ("orders", "users"):
        (root / name / "docs").mkdir(parents=True)
        (root / name / "serverless.yml").write_text(_SERVICE.format(name=name))
        (root / name / "docs" / "openapi.yaml").write_text(
            f"openapi: 3.0.0\npaths:\n  /{name}: {{get: {{}}}}\n  /{name}/old: {{get: {{}}}}\n")
    (root / "c").mkdir()
    (root / "c" / "openapi.yaml").write_text(
        "openapi: 3.0.0\npaths:\n  /orders: {get: {}}\n  /users: {get: {}}\n"
        "  /admin: {get: {}}\n")
    return root


def _specs(*paths: Path) -> list[str]:
    return [spec.source for spec in scan_paths([str(p) for p in paths], jobs=1).facts.openapi]


def _zombies(capsys: pytest.CaptureFixture[str], *args: str) -> list[tuple[str, int]]:
    main(["scan", *args, "--format", "json", "--fail-on", "none"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return [(f["location"]["file"], f["location"]["line"]) for f in findings
            if f["rule_id"] == "FG-SHADOW-002"]


def test_two_sibling_folders_do_not_read_a_third(services: Path) -> None:
    assert _specs(services / "orders", services / "users") == [
        "orders/docs/openapi.yaml", "users/docs/openapi.yaml"]


def test_the_whole_folder_reads_every_spec(services: Path) -> None:
    assert _specs(services) == [
        "c/openapi.yaml", "orders/docs/openapi.yaml", "users/docs/openapi.yaml"]


def test_a_nested_path_named_twice_reads_its_specs_once(services: Path) -> None:
    # the root is orders/ (their common folder); docs/ is inside the other path
    assert _specs(services / "orders" / "docs", services / "orders") == ["docs/openapi.yaml"]
    assert _specs(services / "orders" / "docs", services / "users" / "docs") == [
        "orders/docs/openapi.yaml", "users/docs/openapi.yaml"]


def test_a_scanned_file_is_read_alone(services: Path) -> None:
    assert _specs(services / "orders" / "serverless.yml") == []
    # a spec named beside it is read (paths relative to the common folder, orders/)
    assert _specs(services / "orders" / "serverless.yml",
                  services / "orders" / "docs" / "openapi.yaml") == ["docs/openapi.yaml"]


def test_a_named_spec_is_read_whatever_the_excludes(services: Path) -> None:
    options = Options(excludes=["docs"])
    scanned = [str(services / "orders" / "serverless.yml"),
               str(services / "orders" / "docs" / "openapi.yaml")]
    assert [s.source for s in scan_paths(scanned, options, jobs=1).facts.openapi] == [
        "docs/openapi.yaml"]
    whole = scan_paths([str(services / "orders")], options, jobs=1)
    assert whole.facts.openapi == []  # found by walking: the exclude applies
    # named beside the folder it is in: read too (the folder's walk leaves it out)
    beside = scan_paths([str(services / "orders"), scanned[1]], options, jobs=1)
    assert [s.source for s in beside.facts.openapi] == ["docs/openapi.yaml"]


def test_the_command_reports_zombies_of_the_scanned_services_only(
        services: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _zombies(capsys, str(services / "orders"), str(services / "users")) == [
        ("orders/docs/openapi.yaml", 4), ("users/docs/openapi.yaml", 4)]
    assert ("c/openapi.yaml", 5) in _zombies(capsys, str(services))


def test_the_endpoints_command_reads_the_scanned_paths_only(
        services: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["endpoints", str(services / "orders"), str(services / "users"), "--format", "json"])
    specs = [s["source"] for s in json.loads(capsys.readouterr().out)["specs"]]
    assert specs == ["orders/docs/openapi.yaml", "users/docs/openapi.yaml"]


def test_discovery_lists_the_scanned_paths(services: Path, tmp_path: Path) -> None:
    base, found = discover_paths([str(services / "orders"), str(tmp_path / "absent"),
                                  str(services / "users" / "serverless.yml"), str(services)])
    assert base == str(services)
    assert found.scanned == ["orders", "users/serverless.yml", "."]


def test_without_scanned_paths_the_analysis_walks_the_root(services: Path) -> None:
    app = App(root=str(services))
    app.routes.append(Route("t.yaml#Api", "http", "GET", "/orders", Location("t.yaml", 3),
                            "t.yaml#Fn"))
    facts = Facts()  # a library caller that names no paths: the whole root, as before
    analyse_openapi(app, facts)
    assert [s.source for s in facts.openapi] == ["c/openapi.yaml", "orders/docs/openapi.yaml"]
    scoped = Facts(options=Options(scanned=["users"]))
    analyse_openapi(App(root=str(services), routes=list(app.routes)), scoped)
    assert scoped.openapi == []  # users/docs/openapi.yaml describes none of the routes


def test_a_named_folder_is_walked_even_when_hidden(services: Path) -> None:
    hidden = services / ".api"
    hidden.mkdir()
    (hidden / "openapi.yaml").write_text("openapi: 3.0.0\npaths:\n  /orders: {get: {}}\n")
    assert _specs(services / "orders", hidden) == [
        "orders/docs/openapi.yaml", ".api/openapi.yaml"]  # named: read, as discovery does
    assert ".api/openapi.yaml" not in _specs(services)  # a hidden folder found by walking
