"""A library scan leaves the cyclic garbage collector as it found it (faasguard.collector):
what its steps froze is unfrozen at its end, so a reference cycle made during one scan is
collectable after it; the command line keeps its objects frozen until it exits."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from faasguard.analysis.facts import Options
from faasguard.cli import main
from faasguard.collector import frozen_until_exit, paused_then_frozen
from faasguard.scan import analyse, discover_paths, load_app, run_rules, scan_paths

_TEMPLATE = """\
service: {name}
provider:
  name: aws
  runtime: python3.11
functions:
  hello:
    handler: handler.hello
"""


class _Node:
    """One end of a reference cycle."""

    other: _Node | None = None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("a", "b"):  # two templates: progress is reported while they load
        (tmp_path / name).mkdir()
        (tmp_path / name / "serverless.yml").write_text(_TEMPLATE.format(name=name))
        (tmp_path / name / "handler.py").write_text("def hello(event, context):\n"
                                                    "    return event['name']\n")
    return tmp_path


@pytest.fixture
def nothing_frozen() -> Iterator[None]:
    gc.unfreeze()  # what earlier tests' command lines froze: collectable again
    yield
    gc.unfreeze()


def _scan_making_a_cycle(root: Path) -> weakref.ref[_Node]:
    """Scan `root`, making a reference cycle (garbage at once) while a step has the
    collector paused (the progress callback runs while the templates load)."""
    made: list[weakref.ref[_Node]] = []

    def progress(done: int, total: int) -> None:
        if not made:
            first, second = _Node(), _Node()
            first.other, second.other = second, first
            made.append(weakref.ref(first))

    result = scan_paths([str(root)], jobs=1, progress=progress)
    assert result.findings, "the scan found nothing: it did not run"
    assert made, "no progress was reported while the templates loaded"
    return made[0]


@pytest.mark.usefixtures("nothing_frozen")
def test_library_scan_leaves_nothing_frozen(project: Path) -> None:
    cycle = _scan_making_a_cycle(project)
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert cycle() is None, "a cycle made during the scan stayed frozen after it"


@pytest.mark.usefixtures("nothing_frozen")
def test_scan_keeps_what_the_application_froze(project: Path) -> None:
    kept = [_Node() for _ in range(3)]
    first, second = _Node(), _Node()  # garbage the application froze: the collector must
    first.other, second.other = second, first  # not see it again until it unfreezes
    frozen_garbage = weakref.ref(first)
    del first, second
    gc.freeze()  # the application's own objects, frozen before the scan
    frozen = gc.get_freeze_count()
    cycle = _scan_making_a_cycle(project)
    # nothing new left frozen (objects frozen before may have been freed meanwhile: a
    # cache of an earlier scan that this one replaced), and nothing unfrozen:
    assert gc.get_freeze_count() <= frozen
    gc.collect()
    assert frozen_garbage() is not None, "the scan unfroze what the application froze"
    assert cycle() is None
    assert all(gc.is_tracked(node) for node in kept)
    gc.unfreeze()
    gc.collect()
    assert frozen_garbage() is None  # (the check above could fail)


@pytest.mark.usefixtures("nothing_frozen")
def test_a_step_outside_a_scan_still_freezes() -> None:
    with paused_then_frozen():
        survivor = [_Node()]
    assert gc.get_freeze_count() > 0  # a step on its own (no scan around it) freezes
    assert survivor


@pytest.mark.usefixtures("nothing_frozen")
def test_command_line_keeps_its_objects_frozen(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert main(["scan", str(project), "--format", "json", "--jobs", "1", "-o", str(out),
                 "--fail-on", "none"]) == 0
    assert gc.get_freeze_count() > 0  # the process ends next: unfreezing would cost
    with frozen_until_exit():
        _scan_making_a_cycle(project)
    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("nothing_frozen")
def test_scans_in_two_threads_leave_nothing_frozen(project: Path) -> None:
    """Two scans overlapping in two threads of one process (the collector's state is the
    process's): the first to start ends first, the other freezes after that; when both
    are done nothing is left frozen."""
    first_waits, second_started, first_done = (threading.Event(), threading.Event(),
                                               threading.Event())
    errors: list[BaseException] = []

    def scan(started: threading.Event, wait_for: threading.Event) -> None:
        def progress(done: int, total: int) -> None:
            started.set()
            assert wait_for.wait(60), "the other scan did not get there"

        try:
            scan_paths([str(project)], jobs=1, progress=progress)
        except BaseException as exc:  # noqa: BLE001 (reported by the test's thread)
            errors.append(exc)

    first = threading.Thread(target=scan, args=(first_waits, second_started))
    second = threading.Thread(target=scan, args=(second_started, first_done))
    first.start()
    assert first_waits.wait(60)  # the first scan is under way (loading its templates)
    second.start()
    first.join(60)
    first_done.set()  # the second scan goes on (and freezes) after the first has ended
    second.join(60)
    assert not errors
    assert gc.get_freeze_count() == 0, "a scan overlapping another left its objects frozen"


@pytest.mark.usefixtures("nothing_frozen")
def test_a_scan_that_fails_leaves_nothing_frozen(project: Path) -> None:
    def progress(done: int, total: int) -> None:
        raise RuntimeError("stopped")

    enabled = gc.isenabled()
    with pytest.raises(RuntimeError):
        scan_paths([str(project)], jobs=1, progress=progress)
    assert gc.get_freeze_count() == 0 and gc.isenabled() == enabled
    cycle = _scan_making_a_cycle(project)  # the next scan still freezes, then unfreezes
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert cycle() is None


@pytest.mark.usefixtures("nothing_frozen")
def test_library_steps_leave_nothing_frozen(project: Path) -> None:
    """load_app, analyse and run_rules called on their own (a library user, the monitor's
    shadow detector) are each a scan: the collector is left as they found it."""
    base, found = discover_paths([str(project)])
    app = load_app(base, found.templates, jobs=1)
    assert gc.get_freeze_count() == 0, "load_app left the model frozen"
    facts = analyse(app, Options())
    assert gc.get_freeze_count() == 0, "analyse left the facts frozen"
    assert run_rules(app, facts)
    assert gc.get_freeze_count() == 0, "run_rules left the findings frozen"
    cycle = _scan_making_a_cycle(project)  # a later scan still freezes and unfreezes
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert cycle() is None
