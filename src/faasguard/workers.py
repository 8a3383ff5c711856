"""Forked workers for the large steps of a scan: loading the templates and the
per-handler analyses.

A large step is shared by this process and forked children, one process per CPU
(`worker_count`): its items are cut into many chunks that the processes take from one
queue (`pull_map`), so a process slowed down (other work of this one, a busy core) takes
fewer; a child sends back each chunk's result pickled as soon as it is done, which this
process loads between chunks of its own and merges in order (`fork_map` runs one shard
per process). A child inherits the whole scan at the fork (model, facts, imported code):
nothing is set up again, and scanned code is still never imported. Forking is used on
Linux only; elsewhere, and with `--jobs 1`, there is one process and nothing forks.

The per-handler analyses (analysis.handlers.HANDLER_STEPS) of one handler do not depend
on those of another. A per-handler step that keeps per-scan state in `Facts.memo` for a
later whole-app step (the functions its handlers reached, summaries of dropped trees,
...) registers how a child sends that state back and how it is merged
(`register_state`); memo entries not registered are caches, which need no merging.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from faasguard.analysis.facts import Facts
from faasguard.model import App

S = TypeVar("S")
R = TypeVar("R")

#: Below this many files (handler files, templates) a step takes well under 0.1 s: a
#: fork and a pickled result cost more than a second CPU saves.
MIN_SHARDED_FILES = 64
#: At most this many processes analyse handlers at once.
MAX_WORKERS = 8
#: `pull_map` cuts its items into about this many chunks per process: a process that
#: finishes last waits for at most one chunk of another.
CHUNKS_PER_PROCESS = 16


@dataclass(frozen=True)
class _State(Generic[S]):
    export: Callable[[Any], S]
    merge: Callable[[App, Facts, S], None]


_STATES: dict[str, _State[Any]] = {}


def register_state(key: str, export: Callable[[Any], S],
                   merge: Callable[[App, Facts, S], None]) -> None:
    """Declare the `Facts.memo[key]` entry a per-handler step keeps for a later step:
    `export(value)` gives what a child sends back (plain, picklable data) and
    `merge(app, facts, state)` adds it to this process's scan."""
    _STATES[key] = _State(export, merge)


def register_dict_state(key: str) -> None:
    """`register_state` for a dict whose keys are each worker's own (files, functions):
    merged by adding the worker's entries."""
    register_state(key, dict, partial(_add_entries, key))


def _add_entries(key: str, app: App, facts: Facts, found: dict[Any, Any]) -> None:
    facts.memo.setdefault(key, {}).update(found)


def exported_states(facts: Facts) -> dict[str, Any]:
    """The registered per-scan states of this process, as a child sends them back."""
    return {key: state.export(facts.memo[key]) for key, state in _STATES.items()
            if key in facts.memo}


def merge_states(app: App, facts: Facts, states: dict[str, Any]) -> None:
    """Merge the states a child sent back (`exported_states`) into this scan."""
    for key, value in states.items():
        _STATES[key].merge(app, facts, value)


def worker_count(files: int, jobs: int | None) -> int:
    """How many processes should share a step over `files` files: `jobs` (or every CPU
    this process may use, `usable_cpus`, at most MAX_WORKERS), at least
    MIN_SHARDED_FILES / 2 files each; 1 where forking is not used."""
    if files < MIN_SHARDED_FILES or not sys.platform.startswith("linux"):
        return 1
    wanted = jobs if jobs is not None else min(usable_cpus(), MAX_WORKERS)
    return max(1, min(wanted, files // (MIN_SHARDED_FILES // 2)))


def usable_cpus() -> int:
    """The CPUs this process may use: those its affinity allows (`taskset`, a container's
    cpuset), at most its cgroup's CPU quota (a container's `--cpus`), at least 1. A
    machine's CPU count alone would fork a worker per CPU of a large host into a
    container allowed one: each worker then only takes time from the others."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    if quota is not None:
        cpus = min(cpus, int(quota))
    return max(1, cpus)


def _cgroup_cpu_quota(root: str = "/sys/fs/cgroup", own: str = "/proc/self/cgroup"
                      ) -> float | None:
    """The CPU quota of this process's cgroup in CPUs (cgroup v2 `cpu.max`, v1
    `cpu.cfs_quota_us` / `cpu.cfs_period_us`); None when unlimited or unknown."""
    try:
        with open(own, encoding="ascii") as listing:
            lines = listing.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        if line.count(":") < 2:
            continue
        _, controllers, path = line.split(":", 2)
        v2 = controllers == ""  # one unified hierarchy; v1: the cpu controller's
        if not v2 and "cpu" not in controllers.split(","):
            continue
        # a container sees its own cgroup at the hierarchy's root, whatever the path says
        for where in dict.fromkeys([path.rstrip("/"), ""]):
            if v2:
                limit = _read(f"{root}{where}/cpu.max").split()
                quota = _ratio(*limit) if len(limit) == 2 else None
            else:
                folder = f"{root}/{controllers}{where}"
                quota = _ratio(_read(f"{folder}/cpu.cfs_quota_us"),
                               _read(f"{folder}/cpu.cfs_period_us"))
            if quota is not None:
                return quota
    return None


def _read(path: str) -> str:
    """The text of a cgroup file; "" when missing or unreadable (a path with a NUL byte,
    text that is not ASCII: ValueError)."""
    try:
        with open(path, encoding="ascii") as found:
            return found.read().strip()
    except (OSError, ValueError):
        return ""


def _ratio(quota: str, period: str) -> float | None:
    """quota / period for a positive quota (-1 or "max": none, no limit)."""
    try:
        value, per = int(quota), int(period)
        return value / per if value > 0 and per > 0 else None
    except (ValueError, OverflowError):  # not numbers; a ratio too large for a float
        return None


def fork_map(work: Callable[[S], R], shards: Sequence[S]) -> list[R | None]:
    """`work(shard)` for every shard: the first here, each other one in a forked child
    whose result comes back pickled. A child that fails (an exception, a result that
    does not pickle, a crash, a fork the system refuses) gives None: the caller does that
    shard itself. If this process's shard raises (or Ctrl-C), the children are stopped
    before it propagates."""
    children: list[tuple[int, int] | None] = []
    try:
        for shard in shards[1:]:
            children.append(_fork(partial(_send_result, work, shard),
                                  [c[1] for c in children if c is not None]))
        results: list[R | None] = [work(shards[0])] if shards else []
        for n, child in enumerate(children):
            children[n] = None  # _collect owns it now
            results.append(None if child is None else _collect(*child))
        return results
    finally:
        for child in children:  # left by an exception: no worker, pipe or zombie stays
            if child is not None:
                _stop(*child)


def pull_map(work: Callable[[tuple[bool, int, list[S]]], R], items: Sequence[S],
             processes: int, meanwhile: Callable[[], None] | None = None,
             weight: Callable[[S], int] | None = None,
             finish: Callable[[], Any] | None = None,
             take: Callable[[Any], None] | None = None) -> list[R]:
    """`work((in_child, start, chunk))` for each chunk of consecutive `items` (`start`: the
    index of its first item), results in chunk order. This process and `processes - 1`
    forked children take the chunks from one queue until none is left, so a process
    slowed by other work takes fewer: `meanwhile()`, run here once the children are
    forked (work of a later step that no child needs), costs no child any time. A child
    sends each chunk's result pickled as soon as it is done, and this process loads what
    has come between two chunks of its own and while it waits for the children (not all
    at the end, alone). The chunks of a child that fails, and a chunk whose result does
    not load here, are done here (as `fork_map`'s shards). `weight(item)`: how long an
    item takes, in units of the lightest (1 each when not given); chunks weigh about the
    same. `finish()`: run in each child after its last chunk (what the chunks left in it
    that this process needs once, not per chunk), its result given to `take` here before
    the chunks a child did not do are done here; a child whose `finish` result does not
    load here counts as failed."""
    count = min(len(items), 255, processes * CHUNKS_PER_PROCESS)  # a queue entry is a byte
    chunks = chunk(items, count, weight)
    queue, write_end = os.pipe()
    children: list[_Puller] = []
    results: dict[int, R] = {}
    try:
        os.write(write_end, bytes(range(len(chunks))))  # < PIPE_BUF: written whole
        os.close(write_end)
        for _ in range(processes - 1):
            child = _fork_puller(partial(_pull, work, chunks, queue, finish), children)
            if child is not None:
                children.append(child)
        if meanwhile is not None:
            meanwhile()
        while taken := os.read(queue, 1):  # one byte: one chunk, never shared
            _receive(children, wait=False)
            start, part = chunks[taken[0]]
            results[taken[0]] = work((False, start, part))
        _receive(children, wait=True)
    finally:
        os.close(queue)
        for child in children:  # left by an exception: no worker, pipe or zombie stays
            child.stop()
    for child in children:
        if not child.succeeded():
            continue
        if finish is not None:
            if _FINISHED not in child.loaded:  # it did not load here: a failed child
                continue
            if take is not None:
                take(child.loaded.pop(_FINISHED))
        results.update(child.loaded)
    return [results[n] if n in results else work((False, start, chunk))
            for n, (start, chunk) in enumerate(chunks)]


#: A child's message for what `finish` returned (chunk numbers are 0 to 254).
_FINISHED = -1
#: A message from a child starts with its chunk number (or _FINISHED) and its pickle's
#: length, in this many bytes (4 and 8, little-endian).
_HEADER = 12
#: The pipe a child writes its results to is asked for this capacity, so that a child
#: seldom waits for this process to read (Linux: at most /proc/sys/fs/pipe-max-size).
PIPE_CAPACITY = 1 << 20


def chunk(items: Sequence[S], count: int, weight: Callable[[S], int] | None = None
          ) -> list[tuple[int, list[S]]]:
    """`items` cut into at most `count` runs of consecutive items, each lighter than the
    one before (`weight(item)`, 1 each when not given): (index of the run's first item,
    its items). The k-th of n runs weighs about (n - k) shares: the processes taking them
    from one queue end within a short run of each other (with runs of equal weight, one
    process idled for half a run on average while another did the last)."""
    weights = [1] * len(items) if weight is None else [weight(item) for item in items]
    count = max(count, 1)
    share = sum(weights) / (count * (count + 1) / 2)
    chunks: list[tuple[int, list[S]]] = []
    start, done, due = 0, 0, share * count
    for index, item_weight in enumerate(weights):
        done += item_weight
        if done >= due or index == len(items) - 1:
            chunks.append((start, list(items[start:index + 1])))
            start = index + 1
            due += share * max(count - len(chunks), 1)
    return chunks


def _pull(work: Callable[[tuple[bool, int, list[S]]], R], chunks: list[tuple[int, list[S]]],
          queue: int, finish: Callable[[], Any] | None, out: _Sender) -> None:
    """A child's part of `pull_map`: each chunk it takes, its result sent pickled as soon as
    it is done; then what `finish()` returns (message _FINISHED)."""
    import pickle

    while taken := os.read(queue, 1):  # one byte: one chunk, never shared
        start, part = chunks[taken[0]]
        out.send(taken[0], pickle.dumps(work((True, start, part)),
                                        protocol=pickle.HIGHEST_PROTOCOL))
    if finish is not None:
        out.send(_FINISHED, pickle.dumps(finish(), protocol=pickle.HIGHEST_PROTOCOL))
    out.flush()


class _Sender:
    """A child's end of its results pipe: messages queue here while the pipe is full and
    go as it empties, so the child never waits for this process's reading until the
    end (`flush`)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.pending = bytearray()
        os.set_blocking(fd, False)

    def send(self, number: int, data: bytes) -> None:
        """Queue one message and write what the pipe takes now."""
        self.pending += number.to_bytes(4, "little", signed=True)
        self.pending += len(data).to_bytes(8, "little")
        self.pending += data
        with suppress(BlockingIOError):
            self._write()

    def flush(self) -> None:
        """Write everything left, waiting for the reader as needed."""
        os.set_blocking(self.fd, True)
        self._write()

    def _write(self) -> None:
        while self.pending:
            written = os.write(self.fd, self.pending)
            del self.pending[:written]


class _Puller:
    """This process's view of one `pull_map` child: its pid, the read end of its results
    pipe, and what has come from it so far (each message loaded on arrival)."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd
        self.buffer = bytearray()
        #: chunk number (or _FINISHED) -> its loaded result; a result that did not load
        #: is left out (the chunk is done here)
        self.loaded: dict[int, Any] = {}
        self.status: int | None = None  # the exit status, once reaped
        self.broken = False  # a message cut short by the end of the stream

    def read(self) -> bool:
        """Read what the pipe holds now (all of it, to the child's end, when the pipe is
        blocking) and load the whole messages; True once the child's end is reached (the
        child then reaped)."""
        try:
            while data := os.read(self.fd, 1 << 20):
                self.buffer += data
                self._load()
        except BlockingIOError:
            return False
        self.broken = bool(self.buffer)
        self._reap()
        return True

    def _load(self) -> None:
        import pickle

        buffer, at = self.buffer, 0
        while len(buffer) - at >= _HEADER:
            number = int.from_bytes(buffer[at:at + 4], "little", signed=True)
            end = at + _HEADER + int.from_bytes(buffer[at + 4:at + _HEADER], "little")
            if len(buffer) < end:
                break
            with suppress(Exception):  # left out: the chunk is done here
                self.loaded[number] = pickle.loads(buffer[at + _HEADER:end])  # noqa: S301
            at = end
        del buffer[:at]

    def succeeded(self) -> bool:
        """Did the child end well (exit status 0, every message whole)?"""
        return self.status is not None and not self.broken and os.WIFEXITED(self.status) \
            and os.WEXITSTATUS(self.status) == 0

    def _reap(self) -> None:
        os.close(self.fd)
        self.fd = -1
        _, self.status = os.waitpid(self.pid, 0)

    def stop(self) -> None:
        """End a child still running (its results no longer wanted), and reap it."""
        if self.fd >= 0:
            _stop(self.pid, self.fd)
            self.fd = -1


def _receive(children: list[_Puller], wait: bool) -> None:
    """Load what the children have sent: what has come by now, or (`wait`) everything up
    to each child's end."""
    import select  # (poll: select.select takes no descriptor above 1023)

    poller = select.poll()
    reading: dict[int, _Puller] = {}
    for child in children:
        if child.fd >= 0:
            reading[child.fd] = child
            poller.register(child.fd, select.POLLIN)
    while reading:
        ready = poller.poll(None if wait else 0)
        if not ready:
            return
        for fd, _ in ready:
            if reading[fd].read():  # its end: the child reaped, its descriptor closed
                poller.unregister(fd)
                del reading[fd]


def _fork_puller(run: Callable[[_Sender], None], others: list[_Puller]) -> _Puller | None:
    """A forked `pull_map` child running `run(sender)`; None when the system refuses.
    `others`: the children forked before, whose read ends this one closes."""
    forked = _fork(partial(_run_puller, run), [other.fd for other in others])
    if forked is None:
        return None
    os.set_blocking(forked[1], False)
    return _Puller(*forked)


def _run_puller(run: Callable[[_Sender], None], write_end: int) -> None:
    run(_Sender(write_end))


def _fork(run: Callable[[int], None], others: list[int]) -> tuple[int, int] | None:
    """A forked child doing `run(write_end)` (the write end of its pipe to this process,
    asked for PIPE_CAPACITY): its pid and the read end; None when the system refuses (no
    process or descriptor left: the caller does its work). `others`: the read ends of
    the children forked before, closed in this one."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    with suppress(OSError, AttributeError):  # (F_SETPIPE_SZ: Linux only)
        import fcntl

        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_CAPACITY)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        _child(run, write_end, (read_end, *others))
    os.close(write_end)
    return pid, read_end


def _child(run: Callable[[int], None], write_end: int, unused: tuple[int, ...]) -> None:
    code = 1
    try:  # from the first step: a child must never return into the parent's code
        for fd in unused:  # the parent's read ends: this child's only goes to the parent
            os.close(fd)
        run(write_end)
        code = 0
    except BaseException:  # noqa: BLE001, S110 (the parent redoes its work)
        pass
    finally:
        os._exit(code)  # no atexit handlers, no flush of the parent's buffered output


def _send_result(work: Callable[[S], R], shard: S, write_end: int) -> None:
    """A `fork_map` child's work: `work(shard)`, its result sent pickled."""
    import pickle  # here: a scan that forks nothing does not import it

    data = pickle.dumps(work(shard), protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(write_end, "wb") as out:
        out.write(data)


def _collect(pid: int, read_end: int) -> Any:
    import pickle

    chunks = []
    try:
        while chunk := os.read(read_end, 1 << 20):
            chunks.append(chunk)
    except BaseException:
        _stop(pid, read_end)
        raise
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if not data or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        return pickle.loads(data)  # noqa: S301 (our own child's output, over a pipe)
    except Exception:  # noqa: BLE001
        return None


def _stop(pid: int, read_end: int) -> None:
    """End a child whose result is no longer wanted, and reap it."""
    import signal

    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    os.close(read_end)
    os.waitpid(pid, 0)
