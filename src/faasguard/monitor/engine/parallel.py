"""Staging the events as Parquet parts, in this process or in worker processes.

A batch analysis streams the events through the readers into Parquet parts, batch by
batch (bounded memory: one Arrow batch of `memory.READ_BATCH_ROWS` rows per reading
process), and the engine queries the parts (`write_part`).

Parsing log lines is Python work that one process does at one core's speed; with several
files (a log set usually is many files) worker processes read them side by side
(`stage`): each streams its file into a part and returns the part and its `ReadStats`.
The ``seq`` column of file number ``i`` starts at ``i << 40``, so sample lines are chosen
the same way whatever the number of workers or the engine.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faasguard.monitor.detectors.shadow import Inventory
    from faasguard.monitor.events import Event
    from faasguard.monitor.read import ReadStats
    from faasguard.monitor.readers.base import ReadConfig

_SEQ_SHIFT = 40
_GZIP_RATIO = 8  # log text compresses about this much


def stage(paths: Iterable[str | os.PathLike[str]], config: ReadConfig, stats: ReadStats,
          inventory: Inventory | None, staging: str, workers: int) -> list[str]:
    """Read every file under `paths` into Parquet parts under `staging`; fill `stats`."""
    from faasguard.monitor.read import iter_files

    files = [str(f) for f in iter_files(paths, stats)]
    parts: list[str] = []
    # The largest files first, so that no big file is left to one worker at the end;
    # results are taken in file order (the same stats and samples as one process).
    order = sorted(range(len(files)), key=lambda i: -_work(files[i]))
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {index: pool.submit(_stage_file, index, files[index], config, inventory,
                                      staging) for index in order}
        for index in range(len(files)):
            part, local = futures[index].result()
            merge_stats(stats, local)
            if part is not None:
                parts.append(part)
    return parts


def _work(file: str) -> float:
    """How much reading `file` takes, roughly: its size, uncompressed."""
    try:
        size = os.path.getsize(file)
    except OSError:
        return 0.0
    return size * _GZIP_RATIO if file.endswith(".gz") else float(size)


def _stage_file(index: int, file: str, config: ReadConfig, inventory: Inventory | None,
                staging: str) -> tuple[str | None, ReadStats]:
    from faasguard.monitor.read import ReadStats, iter_events

    local = ReadStats()
    target = str(Path(staging) / f"part-{index:06d}.parquet")
    rows = write_part(iter_events([file], config, local), target, inventory,
                      first_seq=index << _SEQ_SHIFT)
    return (target if rows else None), local


def write_part(events: Iterable[Event], target: str, inventory: Inventory | None = None,
               first_seq: int = 0) -> int:
    """Write `events` as the Parquet file `target`, batch by batch; the number of rows.

    No file is left when there are no events.
    """
    import pyarrow.parquet as pq

    from faasguard.monitor.engine.memory import READ_BATCH_ROWS
    from faasguard.monitor.engine.table import arrow_schema, record_batches

    rows = 0
    with pq.ParquetWriter(target, arrow_schema()) as writer:
        for batch in record_batches(events, inventory, READ_BATCH_ROWS, first_seq=first_seq):
            writer.write_batch(batch)
            rows += batch.num_rows
    if rows == 0:
        os.unlink(target)
    return rows


def merge_stats(into: ReadStats, other: ReadStats) -> None:
    """Add a worker's counts, sources, samples and errors to `into`."""
    for item in fields(into):
        if item.name == "max_samples":
            continue
        mine, theirs = getattr(into, item.name), getattr(other, item.name)
        if item.name == "samples":
            mine.extend(theirs[:max(0, into.max_samples - len(mine))])
        elif isinstance(mine, Counter):
            mine.update(theirs)
        elif isinstance(mine, list):
            mine.extend(theirs)
        elif isinstance(mine, int):
            setattr(into, item.name, mine + theirs)
