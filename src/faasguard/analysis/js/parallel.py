"""The Node.js handlers' analysis shared with forked workers (faasguard.workers).

Each Node.js handler's flows, AWS calls and token decodes depend on its own module graph
only, as each Python handler's do: the handlers, grouped by their file, are cut into
chunks that this process and forked workers take from one queue (`workers.pull_map`). A
worker inherits the scan at the fork (the parsed handler files, the tables) and sends
back, per function, what the analysis added: its flows, AWS calls, token decodes,
diagnostics and the functions it visited (`_Record`). This process merges the records in
App order, as a serial run adds them; a chunk whose worker failed is done here. What
depends on every handler (the functions no handler reached, the unseen-code notes) is
left to the caller, after the merge.

Python's handler phase (analysis.handlers._Run) shares only `pull_map` with this: its
records are tied to handler resolution (locating, pinning and parsing Python files, its
per-handler steps), and the Node.js handlers are resolved before this step starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from faasguard.analysis.facts import Facts
from faasguard.model import App, Diagnostic, Function
from faasguard.workers import pull_map, worker_count

#: Share the Node.js handlers with forked workers when there are enough of them
#: (`workers.worker_count`); False: this process analyses them all (the schedule before
#: the twentieth session, for an A/B of wall time).
SHARED = True

#: `(app, facts, function, visited)`: analyse one handler, adding to `facts` and to
#: `app.diagnostics`, and the functions it analysed to `visited`.
AnalyseOne = Callable[[App, Facts, Function, set[tuple[str, int]]], None]
#: `(path)`: what a later step needs of one handler file, worked out where the file's
#: handlers are (None: nothing, the later step does it).
PerFile = Callable[[str], Any]


class _Record(NamedTuple):
    """What analysing one handler added: its flows (None: no `facts.flows` entry made),
    AWS calls (None: none set), token decodes, diagnostics, the functions it visited,
    and the exception that stopped it."""

    function_id: str
    flows: list[Any] | None
    aws_calls: list[Any] | None
    jwt_decodes: list[Any]
    diagnostics: list[Diagnostic]
    visited: set[tuple[str, int]]
    error: Exception | None


class _Chunk(NamedTuple):
    """What a process did with one chunk of handler files: each handler's record, and
    `per_file`'s result for each file (None left out)."""

    records: list[_Record]
    files: dict[str, Any]


def analyse_handlers(app: App, facts: Facts, functions: list[Function],
                     analyse_one: AnalyseOne, visited: set[tuple[str, int]],
                     per_file: PerFile | None = None) -> dict[str, Any]:
    """`analyse_one` on each function, in App order, its visited functions added to
    `visited`; shared with forked workers when there are enough handler files, and then
    `per_file` on each handler file too, by the process that analysed its handlers (its
    results returned by path; none when not shared)."""
    groups: dict[str, list[Function]] = {}
    for function in functions:
        groups.setdefault(function.source_file or "", []).append(function)
    processes = worker_count(len(groups), facts.options.jobs) if SHARED else 1
    if processes == 1:
        for function in functions:
            analyse_one(app, facts, function, visited)
        return {}
    ordered = list(groups.values())
    # the first file is done before the fork: what the analysis loads on its first handler
    # (the tables, the AWS SDK's models) is loaded once and inherited by the workers
    chunks = [_chunk(app, facts, analyse_one, per_file, ordered[:1])]

    def work(job: tuple[bool, int, list[list[Function]]]) -> _Chunk:
        return _chunk(app, facts, analyse_one, per_file, job[2])

    chunks += pull_map(work, ordered[1:], processes, weight=len)
    index = {fid: n for n, fid in enumerate(app.functions)}
    records = sorted((record for done in chunks for record in done.records),
                     key=lambda record: index[record.function_id])
    for record in records:
        _apply(app, facts, record, visited)
    return {path: found for done in chunks for path, found in done.files.items()}


def _chunk(app: App, facts: Facts, analyse_one: AnalyseOne, per_file: PerFile | None,
           groups: list[list[Function]]) -> _Chunk:
    """Analyse the functions of these groups, taking what each added back out of
    `facts` and the App (it is applied in App order, `_apply`); then `per_file` on each
    group's file."""
    records = [_analysed(app, facts, analyse_one, function)
               for group in groups for function in group]
    files: dict[str, Any] = {}
    if per_file is not None:
        for group in groups:
            path = group[0].source_file or ""
            try:
                found = per_file(path)
            except Exception:  # noqa: BLE001, S112 (the later step does it, and reports it)
                continue
            if found is not None:
                files[path] = found
    return _Chunk(records, files)


def _analysed(app: App, facts: Facts, analyse_one: AnalyseOne,
              function: Function) -> _Record:
    fid = function.id
    had_flows, had_calls = fid in facts.flows, fid in facts.aws_calls
    flows_before = len(facts.flows[fid]) if had_flows else 0
    decodes, diagnostics = len(facts.jwt_decodes), len(app.diagnostics)
    visited: set[tuple[str, int]] = set()
    error: Exception | None = None
    try:
        analyse_one(app, facts, function, visited)
    except Exception as exc:  # noqa: BLE001 (raised again where a serial run raises it)
        error = exc
    flows: list[Any] | None = None
    if fid in facts.flows:
        flows = facts.flows[fid][flows_before:]
        if had_flows:
            del facts.flows[fid][flows_before:]
        else:
            del facts.flows[fid]
    calls: list[Any] | None = None
    if fid in facts.aws_calls:
        calls = facts.aws_calls.pop(fid) if not had_calls else facts.aws_calls[fid]
    record = _Record(fid, flows, calls, facts.jwt_decodes[decodes:],
                     app.diagnostics[diagnostics:], visited, error)
    del facts.jwt_decodes[decodes:]
    del app.diagnostics[diagnostics:]
    return record


def _apply(app: App, facts: Facts, record: _Record, visited: set[tuple[str, int]]) -> None:
    """Add one handler's record where its serial analysis adds it; an exception that
    stopped it is raised (a serial run stops there: the later records are not applied)."""
    app.diagnostics.extend(record.diagnostics)
    if record.flows is not None:
        facts.flows.setdefault(record.function_id, []).extend(record.flows)
    if record.aws_calls is not None:
        facts.aws_calls[record.function_id] = record.aws_calls
    facts.jwt_decodes.extend(record.jwt_decodes)
    visited.update(record.visited)
    if record.error is not None:
        raise record.error
