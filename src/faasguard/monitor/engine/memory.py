"""The engines' memory limit: one size (``--memory-limit 1GB``) spelled for each engine.

The limit bounds what the engine keeps in memory: DuckDB's buffer pool (its table,
hash tables and sorts beyond it go to the database file and the temporary folder in the
staging directory), Spark's driver heap (which in local mode also runs the executor).
Python's own side (the readers, one Arrow batch per reading process) comes on top of it:
see docs/monitor.md for the total at 1 GB of logs.
"""

from __future__ import annotations

import re

#: The default limit of an analysis, per engine. DuckDB's share of about 1 GB in all at
#: any size of logs; Spark's own default heap, which its local mode needs (Spark keeps
#: 300 MB of the heap for itself, and its exact percentiles hold every value of a group).
DEFAULT_MEMORY_LIMITS = {"duckdb": "512MB", "spark": "1GB"}
#: Below this the engines cannot run the detectors' queries.
MIN_MEMORY_MB = 64
#: Rows per Arrow batch of a reading process: a batch is built from Python tuples (about
#: 1.5 KB an event), so 16,384 rows keep a reader near 90 MB where 65,536 took 170 MB,
#: at no measurable cost in speed.
READ_BATCH_ROWS = 16_384

_UNITS = {"": 1 << 20, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*$", re.IGNORECASE)


def memory_mb(text: str) -> int:
    """Whole MiB of a size such as ``512MB``, ``1.5GB``, ``2g``, ``768`` (MiB when no unit).

    Units are binary (``1GB`` = 1024 MiB, as DuckDB and Spark read them). A ValueError
    says what is wrong.
    """
    match = _SIZE.match(str(text))
    if not match:
        raise ValueError(f"not a memory size: {text!r} (expected e.g. 512MB or 2GB)")
    mb = int(float(match.group(1)) * _UNITS[match.group(2).upper()] / (1 << 20))
    if mb < MIN_MEMORY_MB:
        raise ValueError(f"memory size {text!r} is below the minimum of {MIN_MEMORY_MB}MB")
    return mb


def duckdb_limit(text: str) -> str:
    """The size as DuckDB's ``memory_limit`` setting."""
    return f"{memory_mb(text)}MiB"


def spark_limit(text: str) -> str:
    """The size as a Spark JVM memory setting (``spark.driver.memory``)."""
    return f"{memory_mb(text)}m"
