"""Terraform read ahead (loaders/terraform/ahead.py): each .tf file is parsed once per scan,
in the loading workers when there are several, and its module tree is evaluated here with
the parsed blocks; the report is the serial scan's."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

from faasguard import scan as scan_module
from faasguard import workers
from faasguard.analysis.template_secrets import secrets_in
from faasguard.loaders import terraform
from faasguard.loaders.terraform import ahead, hcl, literals, load_tree
from faasguard.scan import scan_paths
from tests.compiled_support import pure_only

ROLE = """resource "aws_iam_role" "{name}" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Action = "sts:AssumeRole", Effect = "Allow",
                    Principal = {{ Service = "lambda.amazonaws.com" }} }}]
  }})
}}

resource "aws_lambda_function" "{name}" {{
  function_name = "{name}"
  role          = aws_iam_role.{name}.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "build/{name}.zip"
}}
"""

#: Literal secrets where the template-secrets analysis looks: an attribute under a
#: secret's name, a nested block, an object value, a local
SECRETS = """locals {
  api_token = "tok-1234567890abcdef"
}

resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "admin"
  password = "s3cr3t-Passw0rd-x"
  tags = {
    Owner       = "data"
    DeployToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
  }
  restore_to_point_in_time {
    source_db_instance_identifier = "old"
  }
}
"""

#: The same shapes with nothing secret in them (values from variables, plain words)
NO_SECRETS = """variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "admin"
  password = var.db_password
  tags = {
    Owner = "data"
  }
}
"""


def _terraform_project(root: Path, roots: int = 6) -> None:
    """Terraform alone: several root modules, one calling a local module, a file with
    secrets, and a file that is not valid HCL2 (a diagnostic, in order)."""
    for n in range(roots):
        folder = root / f"svc{n}"
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text(ROLE.format(name=f"fn{n}"))
        (folder / "app.py").write_text(
            "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n")
    (root / "svc1" / "db.tf").write_text(SECRETS)
    (root / "svc2" / "broken.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "x\n}\n')
    (root / "modules" / "worker").mkdir(parents=True)
    (root / "modules" / "worker" / "main.tf").write_text(ROLE.format(name="worker"))
    (root / "svc3" / "calls.tf").write_text(
        'module "worker" {\n  source = "../modules/worker"\n}\n')


def _parse_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every parse of a .tf file's text (wherever it is called from), by file."""
    parsed: list[str] = []
    real = hcl.parse_tf

    def counting(text: str, rel: str, offset: int = 0) -> list[hcl.Block]:
        parsed.append(rel)
        return real(text, rel, offset)

    monkeypatch.setattr(hcl, "parse_tf", counting)
    monkeypatch.setattr(ahead, "parse_tf", counting)
    return parsed


@pure_only("counts calls through a replaced parse_tf")
def test_each_tf_file_is_parsed_once_per_scan(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    """The template secrets of a .tf file are judged on the blocks the loader parsed: the
    analysis used to parse every .tf file a second time (half of Terraform's cost)."""
    (tmp_path / "main.tf").write_text(ROLE.format(name="api"))
    (tmp_path / "db.tf").write_text(SECRETS)
    parsed = _parse_counter(monkeypatch)
    result = scan_paths([str(tmp_path)], jobs=1)
    assert sorted(parsed) == ["db.tf", "main.tf"]
    secrets = sorted((f.location.file, f.location.line) for f in result.findings
                     if f.rule_id == "FG-DATA-002")
    assert secrets == [("db.tf", 2), ("db.tf", 8), ("db.tf", 11)]


@pytest.mark.parametrize("text", [SECRETS, NO_SECRETS, ROLE.format(name="x")])
def test_secrets_read_ahead_are_the_analysis_own(tmp_path: Path, text: str) -> None:
    """What `read_file` judges on blocks numbered from an offset is what the analysis
    finds reading the file itself (`literals.document`), lines included."""
    (tmp_path / "main.tf").write_text(text)
    parsed = ahead.read_file(str(tmp_path), "main.tf", 3 * ahead.SPAN)
    own = secrets_in(literals.document(str(tmp_path), "main.tf"), "main.tf")
    assert parsed.secrets == own
    assert (text is SECRETS) == bool(own.facts)  # the positive and the negative case
    assert all(fact.line < 20 for fact in parsed.secrets.facts)


def test_secrets_are_left_to_the_analysis_above_the_default_size_limit(
        tmp_path: Path) -> None:
    """With a file size limit above the default, the analysis (which reads with the
    default) decides, as before."""
    (tmp_path / "main.tf").write_text(SECRETS)
    parsed = ahead.read_file(str(tmp_path), "main.tf", ahead.SPAN,
                             max_bytes=ahead.MAX_FILE_BYTES * 2)
    assert parsed.blocks and parsed.secrets is None


def test_read_order_is_load_tree_s() -> None:
    """Files are numbered folder by folder, in the order of the sorted paths (not the
    sorted order itself: a/c/x.tf comes after a/z.tf)."""
    files = ["b/main.tf", "a/z.tf", "a/c/x.tf", "a/b.tf", "main.tf"]
    assert ahead.read_order(files) == ["a/b.tf", "a/z.tf", "a/c/x.tf", "b/main.tf", "main.tf"]
    assert [(job.file, job.offset) for job in ahead.plan("/r", files)][:2] == [
        ("a/b.tf", ahead.SPAN), ("a/z.tf", 2 * ahead.SPAN)]


@pure_only("counts calls through a replaced parse_tf")
def test_load_tree_with_files_read_ahead_equals_load_tree_alone(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Given every file parsed, load_tree parses none itself; a file read ahead in
    another numbering (or not at all) is parsed again; the App is the same. (load_tree
    uses up what it is given: the trees are released at its end.)"""
    _terraform_project(tmp_path)
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.tf"))
    alone = load_tree(str(tmp_path), files)
    jobs = ahead.plan(str(tmp_path), files)
    given = {job.file: job.run() for job in jobs}
    parsed = _parse_counter(monkeypatch)
    assert load_tree(str(tmp_path), files, ahead=given) == alone
    assert parsed == []
    given = {job.file: job.run() for job in jobs}
    first = ahead.read_order(files)[0]
    given[first] = ahead.read_file(str(tmp_path), first, 99 * ahead.SPAN)
    del given[files[-1]]
    parsed.clear()
    assert load_tree(str(tmp_path), files, ahead=given) == alone
    assert sorted(parsed) == sorted([first, files[-1]])


def test_parse_trees_are_freed_with_the_collector_paused(tmp_path: Path) -> None:
    """A scan pauses the cyclic collector while it loads: the modules' cycles must not
    keep the parser's trees (a hundred times a file's size) alive to the end."""
    from lark import Tree

    _terraform_project(tmp_path, roots=4)
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.tf"))
    gc.collect()
    gc.disable()
    try:
        app = load_tree(str(tmp_path), files)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kept = [o for o in gc.garbage if isinstance(o, Tree)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert app.functions and kept == []


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="forked workers are used on Linux only")
@pure_only("records calls through replaced read_file / _load_shard")
def test_terraform_alone_is_parsed_in_the_workers_and_reports_as_serially(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A project of Terraform alone: its .tf files are parsed by the loading workers
    (children too), the module trees evaluated here with them (nothing parsed again),
    and the report is the serial scan's, diagnostics and secrets included."""
    from tests.test_workers import _report

    _terraform_project(tmp_path / "project")
    project = str(tmp_path / "project")
    serial = _report([project], 1)
    assert '"FG-DATA-002"' in serial and "not valid HCL2" in serial
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    seen = tmp_path / "parsed_by.txt"
    parent, real_read = os.getpid(), ahead.read_file

    def recording(root: str, rel: str, offset: int, max_bytes: int = ahead.MAX_FILE_BYTES
                  ) -> ahead.ParsedTf:
        with open(seen, "a", encoding="utf-8") as out:
            out.write(f"{'here' if os.getpid() == parent else 'child'} {rel}\n")
        return real_read(root, rel, offset, max_bytes)

    again: list[str] = []
    monkeypatch.setattr(ahead, "read_file", recording)
    monkeypatch.setattr(terraform, "read_file", lambda *args: again.append(args[1]))
    load_shard = scan_module._load_shard

    def slow_here(total, progress, job):  # type: ignore[no-untyped-def]
        if not job[0]:
            import time

            time.sleep(0.2)  # this process slow: the children take most chunks
        return load_shard(total, progress, job)

    monkeypatch.setattr(scan_module, "_load_shard", slow_here)
    assert _report([project], 3) == serial
    lines = seen.read_text().splitlines()
    assert sorted(line.split()[1] for line in lines) == sorted(
        str(p.relative_to(project)) for p in Path(project).rglob("*.tf"))
    assert any(line.startswith("child") for line in lines)
    assert again == []
