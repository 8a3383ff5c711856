"""The Node.js handlers analysed by forked workers (analysis/js/parallel.py): a scan
reports exactly what a one-process scan reports, and a worker that dies has its chunks
redone here."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import pytest

from faasguard import workers
from faasguard.analysis.js import parallel, project
from faasguard.report import write
from faasguard.report.base import Report
from faasguard.scan import scan_paths

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="forked workers are used on Linux only")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

LIBRARY = """const { exec } = require("child_process");

function run(command) {
  exec(command);
}

function unused(event) {
  exec(event.body);
}

module.exports = { run, unused };
"""

HANDLER = """const lib = require("./lib");
const {{ execSync }} = require("child_process");
const {{ S3Client, GetObjectCommand }} = require("@aws-sdk/client-s3");
const jwt = require("jsonwebtoken");
const s3 = new S3Client({{}});

exports.handler = async (event) => {{
  lib.run(event.body);
  execSync("tool " + event.queryStringParameters.{name});
  const claims = jwt.decode(event.headers.authorization);
  await s3.send(new GetObjectCommand({{ Bucket: process.env.BUCKET, Key: claims.sub }}));
  return {{ statusCode: 200 }};
}};

exports.other = async (event) => {{
  return {{ statusCode: 200, body: String(event.{name}) }};
}};
"""


def _project(root: Path, count: int) -> None:
    """`count` handler files sharing one library (a flow in it reached from every
    handler, one of its functions reached by none), with AWS SDK calls, token decodes,
    two functions in some files, a file that does not parse and a missing handler."""
    (root / "lib.js").write_text(LIBRARY)
    lines = ["service: svc", "provider:", "  name: aws", "  runtime: nodejs20.x",
             "functions:"]
    for n in range(count):
        (root / f"fn{n}.js").write_text(HANDLER.format(name=f"q{n}"))
        lines += [f"  fn{n}:", f"    handler: fn{n}.handler", "    events:",
                  f"      - httpApi: 'GET /fn{n}'"]
    # two functions of one file, apart in App order: one group, records put in order
    lines += [f"  fn{n}other:\n    handler: fn{n}.other" for n in range(0, count, 3)]
    (root / "broken.js").write_text("exports.handler = async (event) => {\n  exec(\n")
    lines += ["  broken:", "    handler: broken.handler", "  missing:",
              "    handler: nowhere.handler"]
    (root / "serverless.yml").write_text("\n".join(lines) + "\n")


def _report(path: Path, jobs: int) -> str:
    """The JSON report of a scan and the order of what the Node.js analysis fills."""
    out = io.StringIO()
    result = scan_paths([str(path)], jobs=jobs)
    write(Report(findings=result.findings, diagnostics=result.diagnostics,
                 files_scanned=result.files_scanned, root=result.root), "json", out)
    facts = result.facts
    return "\n".join([out.getvalue(), repr(list(facts.flows)), repr(facts.flows),
                      repr(facts.aws_calls), repr(facts.jwt_decodes),
                      repr(list(facts.code)), repr(facts.code), repr(result.diagnostics)])


def _watch_workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Share the Node.js handlers with workers whatever their number; per sharing, the
    chunks of handlers and the processes forked for them (to be filled by a scan)."""
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    seen: list[int] = []
    pull_map, fork_puller = parallel.pull_map, workers._fork_puller

    def counting(work, *args, **kwargs):  # type: ignore[no-untyped-def]
        forked = []

        def forking(run, others):  # type: ignore[no-untyped-def]
            child = fork_puller(run, others)
            forked.append(child)
            return child

        with monkeypatch.context() as patched:
            patched.setattr(workers, "_fork_puller", forking)
            results = pull_map(work, *args, **kwargs)
        seen.extend([len(results), len(forked)])
        return results

    monkeypatch.setattr(parallel, "pull_map", counting)
    return seen


@pytest.mark.parametrize("jobs", [2, 3])
def test_node_handlers_in_workers_report_as_one_process(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: int) -> None:
    _project(tmp_path, 12)
    serial = _report(tmp_path, 1)
    assert "code:lib.js:unused" in serial  # reached by no handler, after the merge
    seen = _watch_workers(monkeypatch)
    assert _report(tmp_path, jobs) == serial
    chunks, forked = seen
    assert chunks > jobs and forked == jobs - 1


def test_the_node_example_reports_the_same_in_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = EXAMPLES / "vulnerable-app-node"
    serial = _report(path, 1)
    seen = _watch_workers(monkeypatch)
    assert _report(path, 2) == serial
    assert seen[1] == 1


def test_a_dead_worker_s_node_handlers_are_analysed_here(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, worker_failures: list[bool]) -> None:
    _project(tmp_path, 6)
    serial = _report(tmp_path, 1)
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    parent = os.getpid()
    chunk = parallel._chunk

    died = tmp_path / "died"
    here: list[int] = []

    def dying(*args):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            died.touch()
            os._exit(1)
        here.append(1)
        waited = 0.0
        # (the first file is done before the fork) then, until the worker took a chunk
        while len(here) > 1 and not died.exists() and waited < 10:
            time.sleep(0.01)
            waited += 0.01
        return chunk(*args)

    monkeypatch.setattr(parallel, "_chunk", dying)
    assert _report(tmp_path, 2) == serial
    assert worker_failures == [True]  # the worker did fail, and its chunks were redone


def test_few_node_handlers_or_one_job_fork_nothing(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _project(tmp_path, 4)
    calls: list[int] = []
    monkeypatch.setattr(parallel, "pull_map", lambda *args, **kwargs: calls.append(1))
    scan_paths([str(tmp_path)], jobs=2)  # 5 handler files: fewer than MIN_SHARDED_FILES
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    scan_paths([str(tmp_path)], jobs=1)
    monkeypatch.setattr(parallel, "SHARED", False)
    scan_paths([str(tmp_path)], jobs=2)
    assert calls == []


def test_a_handler_whose_analysis_crashes_stops_it_as_in_one_process(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An exception in one handler's analysis ends the step there (an internal-error
    diagnostic; what the handlers before it found is kept, nothing after it), whichever
    process met it; the JS code facts are found all the same."""
    _project(tmp_path, 12)
    aws_calls = project._aws_calls

    def crashing(app, facts, cache, function, files):  # type: ignore[no-untyped-def]
        if function.id.endswith("#fn7"):
            raise ValueError("crash on fn7")
        return aws_calls(app, facts, cache, function, files)

    monkeypatch.setattr(project, "_aws_calls", crashing)
    serial = _report(tmp_path, 1)
    assert "crash on fn7" in serial and "fn6.js" in serial
    seen = _watch_workers(monkeypatch)
    assert _report(tmp_path, 3) == serial
    assert seen[1] == 2
