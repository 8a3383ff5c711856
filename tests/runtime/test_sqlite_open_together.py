"""Processes that open one new SQLite limit store at the same moment all get it: SQLite
answers "database is locked" at once, without its busy wait, to all but one of the
connections switching a new file to WAL together (seen in CI: 1 failure in 30 rounds of
eight processes before the store retried within its busy timeout)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from faasguard.runtime.stores.sqlite import SQLiteStore

PROCESSES = 8
ROUNDS = 40


def _open(path: str, barrier, answers) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()
    try:
        SQLiteStore(path)
        answers.put("ok")
    except ValueError as exc:
        answers.put(str(exc))


def test_processes_opening_a_new_store_together_all_get_it(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    failures: list[str] = []
    for round_ in range(ROUNDS):
        path = str(tmp_path / f"limits-{round_}.db")
        barrier, answers = ctx.Barrier(PROCESSES), ctx.Queue()
        workers = [ctx.Process(target=_open, args=(path, barrier, answers))
                   for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        failures += [a for a in (answers.get(timeout=30) for _ in workers) if a != "ok"]
        for worker in workers:
            worker.join(timeout=30)
    assert failures == []
