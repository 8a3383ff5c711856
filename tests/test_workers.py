"""Forked workers for the per-handler analyses (workers.py, analysis/handlers.py):
a sharded scan reports exactly what a serial scan reports."""

from __future__ import annotations

import io
import os
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from faasguard import workers
from faasguard.analysis import handlers
from faasguard.report import write
from faasguard.report.base import Report
from faasguard.scan import scan_paths

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="forked workers are used on Linux only")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _double(values: list[int]) -> tuple[int, list[int]]:
    return os.getpid(), [2 * v for v in values]


def test_fork_map_runs_the_first_shard_here_and_the_others_in_children() -> None:
    results = workers.fork_map(_double, [[1, 2], [3], [4, 5]])
    assert [r[1] for r in results if r is not None] == [[2, 4], [6], [8, 10]]
    pids = [r[0] for r in results if r is not None]
    assert pids[0] == os.getpid()
    assert len(set(pids)) == 3  # two children besides this process


def _dies_in_a_child(values: list[int]) -> list[int]:
    if values == [3]:
        os._exit(3)
    return values


def _unpicklable_in_a_child(values: list[int]) -> object:
    return values if values == [1] else (lambda: values)


def test_a_failed_child_gives_none_for_its_shard_only() -> None:
    assert workers.fork_map(_dies_in_a_child, [[1], [3], [4]]) == [[1], None, [4]]
    assert workers.fork_map(_unpicklable_in_a_child, [[1], [2]]) == [[1], None]


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    many = workers.MIN_SHARDED_FILES * 4
    assert workers.worker_count(workers.MIN_SHARDED_FILES - 1, 4) == 1  # too small to pay
    assert workers.worker_count(many, 1) == 1
    assert workers.worker_count(many, 3) == 3
    assert workers.worker_count(workers.MIN_SHARDED_FILES, 8) == 2  # at least 32 files each
    monkeypatch.setattr(workers, "usable_cpus", lambda: 64)
    assert workers.worker_count(many * 10, None) == workers.MAX_WORKERS
    monkeypatch.setattr(sys, "platform", "darwin")
    assert workers.worker_count(many, 4) == 1


def test_usable_cpus_follow_the_affinity_and_the_cgroup_quota(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(workers, "_cgroup_cpu_quota", lambda: None)
    assert workers.usable_cpus() == 4  # taskset / cpuset, not the machine's 64
    monkeypatch.setattr(workers, "_cgroup_cpu_quota", lambda: 1.5)
    assert workers.usable_cpus() == 1  # a container's --cpus=1.5
    assert workers.worker_count(workers.MIN_SHARDED_FILES * 8, None) == 1
    monkeypatch.setattr(workers, "_cgroup_cpu_quota", lambda: 0.25)
    assert workers.usable_cpus() == 1
    monkeypatch.setattr(workers, "_cgroup_cpu_quota", lambda: None)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(), raising=False)
    assert workers.usable_cpus() == 1


@pytest.mark.parametrize(("listing", "files", "quota"), [
    ("0::/app.slice\n", {"app.slice/cpu.max": "200000 100000"}, 2.0),
    ("0::/app.slice\n", {"app.slice/cpu.max": "max 100000"}, None),
    ("0::/docker/abc\n", {"cpu.max": "50000 100000"}, 0.5),  # inside the container
    ("4:memory:/x\n3:cpu,cpuacct:/job\n",
     {"cpu,cpuacct/job/cpu.cfs_quota_us": "300000",
      "cpu,cpuacct/job/cpu.cfs_period_us": "100000"}, 3.0),
    ("3:cpu,cpuacct:/job\n", {"cpu,cpuacct/job/cpu.cfs_quota_us": "-1",
                               "cpu,cpuacct/job/cpu.cfs_period_us": "100000"}, None),
    ("garbage\n", {}, None),
    # odd files: never an exception, never a quota of 0 CPUs
    ("0::/app.slice\n", {"app.slice/cpu.max": "max"}, None),
    ("0::/app.slice\n", {"app.slice/cpu.max": "x 100000"}, None),
    ("0::/app.slice\n", {"app.slice/cpu.max": "1.5 1"}, None),
    ("0::/app.slice\n", {"app.slice/cpu.max": "100000 0"}, None),
    ("0::/app.slice\n", {"app.slice/cpu.max": "9" * 400 + " 1"}, None),  # no float
    ("0::/app.slice\n", {"app.slice/cpu.max": "1000 100000"}, 0.01),
    ("0::/app.slice\n", {"app.slice/cpu.max": ""}, None),
    ("0::/a\x00b\n", {}, None),  # a path that cannot be opened
    ("3:cpu:/job\n", {"cpu/job/cpu.cfs_quota_us": "50000"}, None),  # no period
])
def test_cgroup_cpu_quota(tmp_path: Path, listing: str, files: dict[str, str],
                          quota: float | None) -> None:
    (tmp_path / "self").write_text(listing)
    for name, text in files.items():
        (tmp_path / "fs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "fs" / name).write_text(text + "\n")
    assert workers._cgroup_cpu_quota(str(tmp_path / "fs"), str(tmp_path / "self")) == quota
    assert workers._cgroup_cpu_quota(str(tmp_path / "fs"), str(tmp_path / "none")) is None


def _report(paths: list[str], jobs: int) -> str:
    """The JSON report of a scan, and the order of the facts the per-handler steps fill."""
    out = io.StringIO()
    result = scan_paths(paths, jobs=jobs)
    write(Report(findings=result.findings, diagnostics=result.diagnostics,
                 files_scanned=result.files_scanned, root=result.root), "json", out)
    facts = result.facts
    return "\n".join([out.getvalue(), repr(list(facts.flows)), repr(list(facts.aws_calls)),
                      repr(list(facts.code)), repr(facts.aws_calls)])


def _sharded_equals_serial(monkeypatch: pytest.MonkeyPatch, path: Path, jobs: int = 2) -> list[
        list[int]]:
    """Scan `path` serially and in shards; assert equal reports; per handler phase, the
    chunks of handlers each process took."""
    serial = _report([str(path)], 1)
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    used: list[list[int]] = []
    pull_map = handlers.pull_map

    def counting(work, *args, **kwargs):  # type: ignore[no-untyped-def]
        pids = [os.getpid()]  # this process, then each child in the order forked
        fork_puller = workers._fork_puller

        def forking(run, others):  # type: ignore[no-untyped-def]
            child = fork_puller(run, others)
            if child is not None:
                pids.append(child.pid)
            return child

        def tagged(job):  # type: ignore[no-untyped-def]
            return os.getpid(), work(job)

        with monkeypatch.context() as patched:
            patched.setattr(workers, "_fork_puller", forking)
            results = pull_map(tagged, *args, **kwargs)
        used.append([sum(pid == done for done, _ in results) for pid in pids])
        return [result for _, result in results]

    monkeypatch.setattr(handlers, "pull_map", counting)
    assert _report([str(path)], jobs) == serial
    return used


@pytest.mark.parametrize("app", ["vulnerable-app", "vulnerable-app-terraform", "hardened-app"])
def test_examples_scan_the_same_in_shards(monkeypatch: pytest.MonkeyPatch, app: str) -> None:
    used = _sharded_equals_serial(monkeypatch, EXAMPLES / app)
    assert used and len(used[0]) == 2


SERVERLESS = """service: svc
provider:
  name: aws
  runtime: python3.12
functions:
{functions}
"""


def _project(root: Path, names: list[str]) -> None:
    """Handlers that share one library module: a flow in it is reached from handlers of
    both shards (reported under each function), and one of its functions no handler
    reaches (reported once, as unreached code)."""
    (root / "lib.py").write_text(
        "import os\n\n\n"
        "def run(cmd):\n"
        "    os.system(cmd)\n\n\n"
        "def unused(event):\n"
        "    os.system(event['body'])\n")
    lines = []
    for name in names:
        (root / f"{name}.py").write_text(
            "import subprocess\n\nimport lib\n\n\n"
            "def handler(event, context):\n"
            "    lib.run(event['body'])\n"
            f"    subprocess.call(event['{name}'], shell=True)\n"
            "    return {'statusCode': 200}\n")
        lines += [f"  {name}:", f"    handler: {name}.handler", "    events:",
                  f"      - httpApi: 'GET /{name}'"]
    (root / "serverless.yml").write_text(SERVERLESS.format(functions="\n".join(lines)))
    (root / "broken.py").write_text("def handler(:\n")  # a diagnostic in the middle
    (root / "serverless.yml").write_text(
        (root / "serverless.yml").read_text()
        + "  broken:\n    handler: broken.handler\n  missing:\n    handler: nowhere.handler\n")


def test_a_library_shared_across_shards_is_reported_as_in_a_serial_scan(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _project(tmp_path, [f"fn{n}" for n in range(6)])
    used = _sharded_equals_serial(monkeypatch, tmp_path, jobs=3)
    assert used and len(used[0]) == 3
    result = scan_paths([str(tmp_path)], jobs=1)
    unreached = [key for key in result.facts.flows if key.startswith("code:")]
    assert unreached == ["code:lib.py:unused"]


def test_functions_naming_one_file_from_several_templates_share_a_shard(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Handlers are assigned to shards before the disk is asked, by the file they name:
    `../shared/app.handler` from two templates, and `pkg`, `pkg.__init__` and
    `pkg/__init__` (one file, `pkg/__init__.py`), each go to one shard, where they are
    located; the report equals a serial scan's."""
    shared = tmp_path / "shared"
    (shared / "pkg").mkdir(parents=True)
    (shared / "app.py").write_text(
        "import os\n\n\ndef handler(event, context):\n    os.system(event['body'])\n")
    (shared / "pkg" / "__init__.py").write_text(
        "import subprocess\n\n\ndef handler(event, context):\n"
        "    subprocess.call(event['q'], shell=True)\n")
    forms = {"svc1": ["app", "pkg"],
             "svc2": ["app", "pkg.__init__", "pkg/__init__", "nowhere"]}
    for svc, named in forms.items():
        (tmp_path / svc).mkdir()
        _project(tmp_path / svc, [f"{svc}fn{n}" for n in range(4)])
        text = (tmp_path / svc / "serverless.yml").read_text()
        (tmp_path / svc / "serverless.yml").write_text(text + "".join(
            f"  {svc}shared{n}:\n    handler: ../shared/{form}.handler\n"
            for n, form in enumerate(named)))
    serial = scan_paths([str(tmp_path)], jobs=1)
    assert {f.source_file for f in serial.app.functions.values()
            if "shared" in f.id} == {"shared/app.py", "shared/pkg/__init__.py", None}
    groups: list[list[str]] = []  # the queue's items: chunks of them are never cut
    pull_map = handlers.pull_map

    def watching(work, items, *args):  # type: ignore[no-untyped-def]
        groups.extend([f.id for f in group] for group in items)
        return pull_map(work, items, *args)

    used = _sharded_equals_serial(monkeypatch, tmp_path, jobs=3)
    assert used and len(used[0]) == 3
    monkeypatch.setattr(handlers, "pull_map", watching)
    sharded = scan_paths([str(tmp_path)], jobs=3)
    files = {f.id: f.source_file for f in sharded.app.functions.values()}
    assert files == {f.id: f.source_file for f in serial.app.functions.values()}
    for name in ("shared/app.py", "shared/pkg/__init__.py"):
        holding = [n for n, group in enumerate(groups)
                   if any(files[fid] == name for fid in group)]
        assert len(holding) == 1, (name, holding)
        naming = sum(files[fid] == name for fid in groups[holding[0]])
        assert naming == sum(source == name for source in files.values()) >= 2


def test_a_failed_worker_s_shard_is_done_by_the_scan_itself(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, worker_failures: list[bool]) -> None:
    _project(tmp_path, [f"fn{n}" for n in range(4)])
    serial = _report([str(tmp_path)], 1)
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    parent = os.getpid()
    chunk = handlers._Run._chunk

    def dying(self, job):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(1)
        time.sleep(0.05)  # this process slow on each chunk: the worker takes one first
        return chunk(self, job)

    monkeypatch.setattr(handlers._Run, "_chunk", dying)
    assert _report([str(tmp_path)], 2) == serial
    assert worker_failures == [True]  # the worker did fail, and its chunks were redone


def test_a_slowed_process_takes_fewer_chunks_of_handlers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The handlers are shared out through one queue (`pull_map`), not cut in fixed
    shards: while this process is slow (a busy core, other work), the worker takes more
    of them; the report is the serial scan's."""
    _project(tmp_path, [f"fn{n}" for n in range(12)])
    parent = os.getpid()
    chunk = handlers._Run._chunk

    def slow_here(self, job):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            time.sleep(0.2)
        return chunk(self, job)

    monkeypatch.setattr(handlers._Run, "_chunk", slow_here)
    here, worker = _sharded_equals_serial(monkeypatch, tmp_path)[-1]
    # the chunks of 13 groups (fn0 is done before the fork; broken.py's group): 13 at most
    assert here + worker == len(workers.chunk(list(range(13)), 13))
    assert worker > 2 * here


def test_a_per_scan_diagnostic_of_a_step_is_reported_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A step's per-scan set-up made on its first handler (the taint run and its table,
    with the diagnostic of a bad `taint:` config) is made once, not once per worker."""
    from faasguard.analysis.facts import Options

    _project(tmp_path, [f"fn{n}" for n in range(6)])

    def diagnostics(jobs: int) -> list[str]:
        result = scan_paths([str(tmp_path)], Options(extra={"taint": {"sinks": 5}}),
                            jobs=jobs)
        return [f"{d.file}:{d.code}:{d.message}" for d in result.diagnostics]

    serial = diagnostics(1)
    assert sum("taint configuration ignored" in d for d in serial) == 1
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    assert diagnostics(3) == serial


def _raises_here(values: list[int]) -> list[int]:
    if values == [0]:
        raise ValueError("this process's shard")
    return values * 100_000  # more than a pipe holds: the worker waits for a reader


def test_an_error_in_this_process_s_shard_leaves_no_worker_or_pipe_behind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_fork, pids = os.fork, []

    def fork() -> int:
        pid = real_fork()
        pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    fds = sorted(os.listdir("/proc/self/fd"))
    with pytest.raises(ValueError, match="this process's shard"):
        workers.fork_map(_raises_here, [[0], [1], [2]])
    assert sorted(os.listdir("/proc/self/fd")) == fds
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ChildProcessError):  # reaped: neither running nor a zombie
            os.waitpid(pid, os.WNOHANG)


def test_a_worker_that_cannot_be_forked_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """fork() failing (EAGAIN: the process limit) is a failed worker, not the scan's end."""
    import errno

    real_fork, forks = os.fork, []

    def fork() -> int:
        forks.append(1)
        if len(forks) == 2:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    fds = sorted(os.listdir("/proc/self/fd"))
    assert workers.fork_map(_double_values, [[1], [2], [3], [4]]) == [[2], [4], None, [8]]
    assert sorted(os.listdir("/proc/self/fd")) == fds


def _double_values(values: list[int]) -> list[int]:
    return [2 * v for v in values]


def _open_fds(_: list[int]) -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_worker_holds_no_other_worker_s_pipe() -> None:
    """A worker forked after others does not keep their pipes' read ends open (a worker
    blocked writing to one would not see its reader go)."""
    counts = workers.fork_map(_open_fds, [[0], [1], [2], [3]])
    assert counts[1] == counts[2] == counts[3]


def test_templates_load_the_same_in_shards(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    """Loading in forked workers (scan.load_app): the same report, diagnostics of broken
    templates included, in file order, with the workers failing (their chunks are loaded
    here) and without."""
    from faasguard import scan as scan_module

    for n in range(6):
        (tmp_path / f"svc{n}").mkdir()
        _project(tmp_path / f"svc{n}", [f"fn{n}"])
    (tmp_path / "svc2" / "serverless.yml").write_text("service: [unclosed\n")
    serial = _report([str(tmp_path)], 1)
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    monkeypatch.setattr(workers, "CHUNKS_PER_PROCESS", 1)
    parent = os.getpid()
    load_shard = scan_module._load_shard
    used: list[list[str]] = []

    def dying(total, progress, job):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(1)
        time.sleep(0.3)  # this process slow on each chunk: the children take theirs first
        return load_shard(total, progress, job)

    pull_map, fork_puller = scan_module.pull_map, workers._fork_puller

    def loading(*args, **kwargs):  # type: ignore[no-untyped-def]
        children: list[workers._Puller] = []

        def forking(run, others):  # type: ignore[no-untyped-def]
            child = fork_puller(run, others)
            children.extend([child] if child is not None else [])
            return child

        with monkeypatch.context() as patched:  # (not the handler phase's processes)
            patched.setattr(workers, "_fork_puller", forking)
            results = pull_map(*args, **kwargs)
        # per child: "failed" (a child that died), "idle" (took no chunk), "done" (loaded
        # its chunks)
        used.append(["failed" if not child.succeeded() else "done" if child.loaded
                     else "idle" for child in children])
        return results

    monkeypatch.setattr(scan_module, "pull_map", loading)
    assert _report([str(tmp_path)], 3) == serial
    assert len(used[0]) == 2 and "failed" not in used[0]
    monkeypatch.setattr(scan_module, "_load_shard", dying)
    assert _report([str(tmp_path)], 3) == serial
    # which child takes which chunk is the queue's: each child that took one died, and
    # its chunk was loaded here
    assert "done" not in used[1] and "failed" in used[1]


def _numbered(job: tuple[bool, int, list[int]]) -> list[tuple[int, int, bool]]:
    in_child, start, chunk = job
    return [(start + n, value * 10, in_child) for n, value in enumerate(chunk)]


def test_pull_map_shares_chunks_and_keeps_their_order() -> None:
    """Every chunk done once, results in order; the set-up runs in this process only,
    which then takes fewer chunks than the children."""
    calls: list[int] = []

    def slow_setup() -> None:
        calls.append(os.getpid())
        time.sleep(0.5)

    results = workers.pull_map(_slowly, list(range(40)), 2, slow_setup)
    flat = [item for chunk in results for item in chunk]
    assert [(index, value) for index, value, _ in flat] == [(n, n * 10) for n in range(40)]
    assert calls == [os.getpid()]
    in_child = [done for _, _, done in flat]
    assert in_child.count(True) > in_child.count(False)
    assert len(results) == len(workers.chunk(list(range(40)), 32)) <= 32  # 2 processes x 16


def _slowly(job: tuple[bool, int, list[int]]) -> list[tuple[int, int, bool]]:
    time.sleep(0.005)
    return _numbered(job)


def _dies_in_a_child_on_chunk(job: tuple[bool, int, list[int]]) -> list[tuple[int, int, bool]]:
    if job[0] and job[1] >= 4:
        os._exit(1)
    return _numbered(job)


def test_pull_map_does_here_the_chunks_of_a_failed_child() -> None:
    results = workers.pull_map(_dies_in_a_child_on_chunk, list(range(10)), 3)
    assert [(i, v) for chunk in results for i, v, _ in chunk] == \
        [(n, n * 10) for n in range(10)]
    assert workers.pull_map(_numbered, [], 2) == []


_PARENT = os.getpid()


def _rebuilt_in_a_child_only(value: int) -> int:
    if os.getpid() == _PARENT:
        raise ValueError("this result does not load here")
    return value


class _LoadsInAChildOnly:
    """A result that pickles but does not load in this process."""

    def __init__(self, value: int):
        self.value = value

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return _rebuilt_in_a_child_only, (self.value,)


def _fragile(job: tuple[bool, int, list[int]]) -> object:
    return _LoadsInAChildOnly(job[1]) if job[0] else job[1]


def test_pull_map_does_here_a_chunk_whose_result_does_not_load() -> None:
    """As `fork_map` does a shard whose result does not load: the chunk is done here."""
    assert workers.pull_map(_fragile, list(range(6)), 3, partial(time.sleep, 0.3)) == \
        [start for start, _ in workers.chunk(list(range(6)), 6)]


#: What happened in this process while `pull_map` ran, in order ("here": a chunk done
#: here; "loaded": a child's chunk result loaded here).
_EVENTS: list[str] = []


def _loaded_here(value: int) -> int:
    if os.getpid() == _PARENT:
        _EVENTS.append("loaded")
    return value


class _NotedWhenLoaded:
    """A result whose loading in this process is noted in `_EVENTS`."""

    def __init__(self, value: int):
        self.value = value

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return _loaded_here, (self.value,)


def _slow_here(job: tuple[bool, int, list[int]]) -> object:
    in_child, start, _ = job
    if in_child:
        time.sleep(0.02)
        return _NotedWhenLoaded(start)
    time.sleep(0.3)
    _EVENTS.append("here")
    return start


def test_pull_map_loads_a_child_s_results_while_this_process_still_works() -> None:
    """A child sends each chunk's result when it is done, and this process loads what
    has come between two chunks of its own: not all of it alone, after its last chunk."""
    _EVENTS.clear()
    starts = [start for start, _ in workers.chunk(list(range(40)), 2 * workers.CHUNKS_PER_PROCESS)]
    assert workers.pull_map(_slow_here, list(range(40)), 2) == starts
    last_here = len(_EVENTS) - 1 - _EVENTS[::-1].index("here")
    assert _EVENTS.count("here") >= 2 and "loaded" in _EVENTS[:last_here]


def _large_in_a_child(job: tuple[bool, int, list[int]]) -> object:
    in_child, start, _ = job
    if not in_child:
        time.sleep(0.3)  # the child's results wait in its pipe meanwhile
    return bytes([start]) * (3 << 20) if in_child else start


def test_pull_map_takes_a_result_larger_than_the_pipe() -> None:
    """A child's result larger than its pipe holds (3 MiB) arrives whole."""
    results = workers.pull_map(_large_in_a_child, list(range(4)), 2)
    starts = [start for start, _ in workers.chunk(list(range(4)), 4)]
    assert [r if isinstance(r, int) else r[0] for r in results] == starts
    assert {len(r) for r in results if isinstance(r, bytes)} == {3 << 20}


def test_pull_map_takes_results_over_descriptors_above_1023() -> None:
    """A process holding many open files (a service running scans) gets its children's
    results: their pipes' descriptors are above what select.select takes (1023)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip("this process may not open 1,100 files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    held = [os.open(os.devnull, os.O_RDONLY)]
    try:
        while held[-1] < 1024:
            held.append(os.dup(held[0]))
        results = workers.pull_map(_numbered, list(range(8)), 2, partial(time.sleep, 0.2))
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    flat = [item for chunk in results for item in chunk]
    assert [(index, value) for index, value, _ in flat] == [(n, n * 10) for n in range(8)]
    assert any(in_child for _, _, in_child in flat)


def test_a_step_crashing_on_one_handler_reports_as_in_a_serial_scan(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A per-handler step that crashes stops for the functions after it in App order:
    the workers' shards after it add no facts a serial scan would not have."""
    import faasguard.analysis.taint as taint

    _project(tmp_path, [f"fn{n}" for n in range(6)])
    real = taint.analyse_handler

    def crashing(app, facts, function):  # type: ignore[no-untyped-def]
        if function.id.endswith("fn2"):
            raise RuntimeError("taint step crashed")
        return real(app, facts, function)

    monkeypatch.setattr(taint, "analyse_handler", crashing)
    serial = _report([str(tmp_path)], 1)
    assert "taint step crashed" in serial
    _sharded_equals_serial(monkeypatch, tmp_path, jobs=3)


ESCAPE = """
import builtins, os, sys
from faasguard import workers

parent, real_import = os.getpid(), builtins.__import__

def interrupted(name, *args, **kwargs):
    if name == "pickle" and os.getpid() != parent:
        raise KeyboardInterrupt  # Ctrl-C as a worker starts
    return real_import(name, *args, **kwargs)

builtins.__import__ = interrupted
try:
    print(workers.fork_map(len, [[1], [1, 2]]), flush=True)
except KeyboardInterrupt:
    print("escaped into the parent's code", flush=True)
"""


def test_a_worker_interrupted_as_it_starts_never_runs_the_parent_s_code() -> None:
    import subprocess

    out = subprocess.run([sys.executable, "-c", ESCAPE], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out == "[1, None]\n"


WORKER_IMPORTS = """
import os, sys
from faasguard import scan, workers
workers.MIN_SHARDED_FILES = 2
parent, load_shard = os.getpid(), scan._load_shard


def watched(total, progress, job):
    before = set(sys.modules)
    fragments = load_shard(total, progress, job)
    if os.getpid() != parent:
        new = sorted(m for m in set(sys.modules) - before if m.startswith("faasguard"))
        with open(sys.argv[2], "w") as out:
            out.write(" ".join(new))
    return fragments


scan._load_shard = watched
result = scan.scan_paths([sys.argv[1]], jobs=2)
print(sorted(f.id for f in result.app.functions.values()))
"""


def test_a_loading_worker_imports_no_loader_of_its_own(tmp_path: Path) -> None:
    """Before it forks workers to load templates, the scan imports what loading them
    imports (loaders.prepare): a worker inherits it instead of importing it again."""
    import subprocess

    for n in range(4):
        (tmp_path / f"svc{n}").mkdir()
        _project(tmp_path / f"svc{n}", [f"fn{n}"])
    (tmp_path / "svc3" / "serverless.yml").unlink()
    (tmp_path / "svc3" / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn3:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: fn3.handler}\n")
    seen = tmp_path / "worker_imports.txt"
    out = subprocess.run([sys.executable, "-c", WORKER_IMPORTS, str(tmp_path), str(seen)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "svc3/template.yaml#Fn3" in out and "svc0/serverless.yml#fn0" in out  # both loaded
    assert seen.read_text() == ""  # the worker (SAM template) imported no faasguard module


@pytest.mark.parametrize("slow", ["a child's first chunk", "this process"])
def test_templates_load_the_same_whatever_process_takes_which_chunk(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, slow: str) -> None:
    """`pull_map`'s chunks go to whichever process asks first: the report is the serial
    one when a child is slow on the first chunk (this process takes the later ones) and
    when this process is slow on every chunk (the children take most)."""
    from faasguard import scan as scan_module

    for n in range(12):
        (tmp_path / f"svc{n}").mkdir()
        _project(tmp_path / f"svc{n}", [f"s{n}fn{k}" for k in range(2)])
    (tmp_path / "svc3" / "serverless.yml").write_text("service: [unclosed\n")
    serial = _report([str(tmp_path)], 1)
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    parent, load_shard = os.getpid(), scan_module._load_shard

    def timed(total, progress, job):  # type: ignore[no-untyped-def]
        in_child, start, _ = job
        if (in_child and start == 0) if slow.startswith("a child") else not in_child:
            time.sleep(0.3 if in_child else 0.05)
        assert in_child == (os.getpid() != parent)
        return load_shard(total, progress, job)

    monkeypatch.setattr(scan_module, "_load_shard", timed)
    assert _report([str(tmp_path)], 3) == serial


def test_handlers_naming_one_file_in_several_spellings_scan_as_serially(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Shards are cut by the handler's path as written (`_Named.key`), before the disk is
    asked: one file named through a symlinked folder, `..`, `./`, dots, another case,
    `pkg/__init__`, and a first function whose handler file is missing, report as in a
    serial scan with any number of workers."""
    _project(tmp_path, [f"fn{n}" for n in range(6)])
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "app.py").write_text(
        "import os\n\n\ndef handler(event, context):\n    os.system(event['body'])\n\n\n"
        "def other(event, context):\n    os.system(event['x'])\n")
    (tmp_path / "real" / "__init__.py").write_text("")
    os.symlink("real", tmp_path / "alias")
    text = (tmp_path / "serverless.yml").read_text().replace(
        "functions:\n", "functions:\n  aaa:\n    handler: gone/away.handler\n", 1)
    (tmp_path / "serverless.yml").write_text(text + "".join(
        f"  same{n}:\n    handler: {form}\n" for n, form in enumerate(
            ["real/app.handler", "alias/app.handler", "real/../alias/app.other",
             "./real/app.other", "real.app.handler", "Real/app.handler",
             "real/__init__.handler"])))
    for jobs in (2, 3, 4):
        used = _sharded_equals_serial(monkeypatch, tmp_path, jobs=jobs)
        assert len(used[-1]) == jobs


def test_terraform_modules_are_evaluated_here_after_the_workers_parse_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A project of Terraform and Serverless files: the .tf files are parsed in the
    sharded loading (`pull_map`) with the other files, their module trees evaluated
    here once it is done, with the files read ahead; the report is the serial scan's."""
    import shutil

    from faasguard import scan
    from faasguard.loaders import terraform

    for app in ("vulnerable-app", "vulnerable-app-terraform"):
        shutil.copytree(EXAMPLES / app, tmp_path / app)
    serial = _report([str(tmp_path)], 1)
    monkeypatch.setattr(workers, "MIN_SHARDED_FILES", 2)
    inside: list[tuple[bool, int]] = []
    sharding = [False]
    pull_map, load_tree = scan.pull_map, terraform.load_tree

    def recording_pull_map(*args, **kwargs):  # type: ignore[no-untyped-def]
        sharding[0] = True
        try:
            return pull_map(*args, **kwargs)
        finally:
            sharding[0] = False

    def recording_load_tree(*args, **kwargs):  # type: ignore[no-untyped-def]
        inside.append((sharding[0], len(kwargs["ahead"])))
        return load_tree(*args, **kwargs)

    monkeypatch.setattr(scan, "pull_map", recording_pull_map)
    monkeypatch.setattr(terraform, "load_tree", recording_load_tree)
    assert _report([str(tmp_path)], 2) == serial
    tf_files = list((tmp_path / "vulnerable-app-terraform").rglob("*.tf"))
    assert inside == [(False, len(tf_files))]


def test_pull_map_cuts_chunks_each_lighter_than_the_one_before() -> None:
    """The processes taking chunks from one queue end within a short chunk of each other:
    the k-th of n chunks weighs about n - k shares; heavy items (a .tf file to parse) make
    short chunks, light ones long chunks; every item once, in order, in at most `count`
    chunks."""
    items = ["tf"] * 6 + ["yaml"] * 30
    chunks = workers.chunk(items, 6, lambda item: 6 if item == "tf" else 1)
    assert [item for _, chunk in chunks for item in chunk] == items
    # 66 in all, 21 shares of 3.14: 6, 5, 4, 3, 2 and 1 shares (18.9, 15.7, ...)
    assert [start for start, _ in chunks] == [0, 4, 6, 18, 27, 33]
    sizes = [len(chunk) for _, chunk in workers.chunk(list(range(1000)), 32)]
    assert len(sizes) == 32 and sum(sizes) == 1000
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 50 and sizes[-1] <= 2
    assert workers.chunk([], 4, len) == [] and workers.chunk(["x"], 1, len) == [(0, ["x"])]
