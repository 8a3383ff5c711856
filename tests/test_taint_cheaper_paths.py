"""The twelfth session's cheaper paths in the taint analysis give what they replaced.

A file is parsed with the warnings ignored by swapping the filter list (not
`warnings.catch_warnings`); `_index` reads `import` statements without `add_import`; an
inlined call's memo key (the arguments' signatures) is worked out only when its call
site comes again; `with_step` and `extend` of two taints skip their loops; the unreached
pass's entries and the handler's event parameter are read without intermediate lists;
`split_handler` checks the path's parts in a loop.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest
from test_taint_engine import analyse

from faasguard.analysis.handlers import split_handler
from faasguard.analysis.taint import calls, modules
from faasguard.analysis.taint.modules import Module, ModuleCache, ParseError, add_import
from faasguard.analysis.taint.project import _input_entries
from faasguard.analysis.taint.state import MAX_STEPS, Taint, Val, extend, with_step
from tests.compiled_support import pure_only

ODD_ESCAPE = 'PATTERN = "\\d+"\n\n\ndef handler(event, context):\n    return PATTERN\n'


def test_a_parse_ignores_the_warnings_of_user_code_and_restores_the_filters(
        tmp_path: Path) -> None:
    (tmp_path / "odd.py").write_text(ODD_ESCAPE)
    (tmp_path / "broken.py").write_text("def handler(:\n")
    cache = ModuleCache(str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning let through would fail the parse
        before = list(warnings.filters)
        assert cache.get("odd.py").functions.keys() == {"handler"}
        with pytest.raises(ParseError):
            cache.get("broken.py")
        assert warnings.filters == before  # as they were, after a failed parse too
    with warnings.catch_warnings(record=True) as seen:  # the filters still work after
        warnings.simplefilter("always")
        ast.parse(ODD_ESCAPE)
    assert [w.category for w in seen] == [DeprecationWarning]


INDEXED = """\
import os
import os.path
import xml.etree.ElementTree as ET, json as j
from . import sibling
from .pkg import thing as other
from requests import get
LIMIT = 3
logger = logging.getLogger(__name__)
client = boto3.client("s3")
"""


def test_index_records_imports_as_add_import_does() -> None:
    module = Module("pkg/mod.py", ast.parse(INDEXED), "pkg.mod")
    modules._index(module)
    expected: dict[str, str] = {}
    for node in module.tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            add_import(expected, node, "pkg")
    assert module.aliases == expected
    assert module.aliases["os"] == "os" and module.aliases["ET"] == "xml.etree.ElementTree"
    assert module.assigned == {"LIMIT", "logger", "client"}
    assert module.constructed == {"getLogger", "client"}


def _taint(path: tuple[str, ...], steps: tuple[tuple[str, int, str], ...]) -> Taint:
    return Taint(path, steps, "event")


@pytest.mark.parametrize("length", [0, 1, MAX_STEPS - 1, MAX_STEPS, MAX_STEPS + 3])
def test_two_taints_of_one_history_take_a_step_as_each_alone(length: int) -> None:
    history = tuple(("a.py", n, f"step {n}") for n in range(length))
    pair = Val((_taint(("Records",), history), _taint((), history)), "kind")
    step = ("a.py", 99, "assigned to 'x'")
    alone = [with_step(Val((t,)), step).taints[0] for t in pair.taints]
    stepped = with_step(pair, step)
    assert stepped == Val(tuple(alone), "kind")
    assert stepped.taints[0].steps is stepped.taints[1].steps  # still one history
    if length:
        assert with_step(Val(pair.taints), history[-1]) == Val(pair.taints)  # no repeat
    apart = Val((_taint(("a",), history), _taint(("b",), (*history, step))))
    assert with_step(apart, step).taints == (
        with_step(Val(apart.taints[:1]), step).taints[0], apart.taints[1])


@pytest.mark.parametrize("first", [0, 15, 16])
def test_two_taints_extend_as_each_alone(first: int) -> None:
    pair = Val((_taint(("k",) * first, ()), _taint(("Records",), ())))
    at = ("a.py", 7)
    assert extend(pair, "*", at, "kind") == Val(
        tuple(extend(Val((t,)), "*", at).taints[0] for t in pair.taints), "kind")


LOOP = """
    import os

    def helper(value):
        return value.strip()

    def handler(event, context):
        current = event["first"]
        done = ""
        for record in event["Records"]:
            same = helper(record["body"])
            changed = helper(current)
            os.system(done)
            done = done + same + changed
            current = record["key"]
"""


@pure_only("counts calls through a replaced CallAnalysis._analyse_call")
def test_an_inlined_call_is_analysed_again_only_for_other_arguments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    analysed: list[int] = []
    original = calls.CallAnalysis._analyse_call

    def counted(self: calls.CallAnalysis, fnode: ast.FunctionDef, module: Module,
                args: list[Val], kwargs: dict[str, Val], node: ast.Call,
                *rest: object) -> Val:
        analysed.append(node.lineno)
        return original(self, fnode, module, args, kwargs, node, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(calls.CallAnalysis, "_analyse_call", counted)
    _, facts, findings = analyse(tmp_path, {"app.py": LOOP})
    # the loop runs twice (`done` and `current` change): `helper(record["body"])` has the
    # same arguments the second time (its first result reused), `helper(current)` not
    assert sorted(analysed) == [11, 12, 12]
    assert [(f.rule_id, f.location.line) for f in findings] == [("FG-INJ-001", 13)] * 2
    assert sorted(flow.source_path for flow in facts.flows["template.yaml#Fn"]) == [
        "event['Records'][*]['body']", "event['first']"]  # (`key` would need a third pass)


ENTRIES = """
    def first(event):
        return event

    def other(x, *, body=None):
        return body

    class Views:
        def post(self, payload, request):
            return payload

        def ping(self):
            return 1

    def last(data, /, extra):
        return data
"""


def test_the_unreached_pass_entries_keep_their_order_and_owners() -> None:
    module = Module("app.py", ast.parse(ENTRIES.replace("\n    ", "\n")), "app")
    modules._index(module)
    found = _input_entries(module, {"event", "body", "payload", "request", "data"})
    assert [(node.name, owner.name if owner else None, params)
            for node, owner, params in found] == [
        ("first", None, ["event"]), ("other", None, ["body"]), ("last", None, ["data"]),
        ("post", "Views", ["payload", "request"])]


def test_a_handler_whose_event_is_positional_only_is_analysed(tmp_path: Path) -> None:
    source = """
        import os

        def handler(event, /, context):
            os.system(event["cmd"])
    """
    _, _, findings = analyse(tmp_path, {"app.py": source})
    assert [(f.rule_id, f.location.line) for f in findings] == [("FG-INJ-001", 5)]


@pytest.mark.parametrize("handler, expected", [
    ("src/app.handler", ("src/app", "handler")),
    ("../shared/app.handler", ("../shared/app", "handler")),
    ("./pkg/mod.sub.handler", ("./pkg/mod/sub", "handler")),
    ("src/my-app.handler", None),
    ("src//app.handler", ("src//app", "handler")),
    ("1src/app.handler", None),
])
def test_split_handler_checks_each_part(handler: str,
                                        expected: tuple[str, str] | None) -> None:
    assert split_handler(handler) == expected


@pure_only("records calls through replaced ModuleCache methods")
def test_the_unreached_pass_releases_trees_only_around_files_it_analyses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from faasguard.analysis.facts import Facts, Options
    from faasguard.analysis.handlers import resolve_with_steps
    from faasguard.analysis.taint import analyse_taint
    from faasguard.model import App, Function, Location, SourceFile

    handler = "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"
    script = "import os\n\n\ndef rebuild(payload):\n    os.system(payload['target'])\n"
    app = App(root=str(tmp_path))
    for n in range(4):
        (tmp_path / f"h{n}.py").write_text(handler)
        app.files.append(SourceFile(f"h{n}.py", "python"))
        fid = f"template.yaml#F{n}"
        app.functions[fid] = Function(fid, Location("template.yaml", n + 1), "sam",
                                      runtime="python3.12", handler=f"h{n}.handler",
                                      code_dir=".")
    (tmp_path / "script.py").write_text(script)
    app.files.append(SourceFile("script.py", "python"))
    monkeypatch.setattr(modules, "RETAINED_MODULES", 0)  # every handler's tree dropped
    facts = Facts(options=Options(jobs=1))
    resolve_with_steps(app, facts, ["taint"])  # each handler analysed while resolved
    events: list[str] = []
    release, parse = ModuleCache.release, ModuleCache._parse

    def noted_release(self: ModuleCache) -> None:
        events.append("release")
        release(self)

    def noted_parse(self: ModuleCache, rel: str) -> Module:
        events.append(rel)
        return parse(self, rel)

    monkeypatch.setattr(ModuleCache, "release", noted_release)
    monkeypatch.setattr(ModuleCache, "_parse", noted_parse)
    analyse_taint(app, facts)  # the handlers are done: the unreached pass only
    # the four handler files, dropped and all reached, are neither parsed again nor a
    # reason to release; the script is parsed (after one release) and analysed
    assert events == ["release", "script.py"]
    assert sorted(facts.flows) == ["code:script.py:rebuild", *(f"template.yaml#F{n}"
                                                               for n in range(4))]
