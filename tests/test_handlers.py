"""Handler resolution: Python functions of the App connected to their source files."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve, split_handler
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.model import App, Diagnostic, Function, Location, Unknown
from tests.compiled_support import pure_only


def _app(root: Path, *functions: tuple[str, object, str | None, object]) -> App:
    app = App(root=str(root))
    for index, (fid, handler, code_dir, runtime) in enumerate(functions, 1):
        app.functions[fid] = Function(fid, Location("template.yaml", index), "sam",
                                      runtime=runtime, handler=handler, code_dir=code_dir)
    return app


def _write(root: Path, rel: str, content: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)


def _handler_diagnostics(app: App) -> list[Diagnostic]:
    return [d for d in app.diagnostics if d.code == "handler"]


@pytest.mark.parametrize("handler, expected", [
    ("app.lambda_handler", ("app", "lambda_handler")),
    ("src/handlers/api.handler", ("src/handlers/api", "handler")),
    ("pkg.mod.func", ("pkg/mod", "func")),
    ("pkg/sub.mod.func", ("pkg/sub/mod", "func")),
    (" app.handler ", ("app", "handler")),
    ("nodot", None),
    ("app.", None),
    (".handler", None),
    ("app.not-a-name", None),
    ("my-dir/app.handler", None),
])
def test_split_handler(handler: str, expected: tuple[str, str] | None) -> None:
    assert split_handler(handler) == expected


def test_resolves_slash_and_dotted_forms_under_code_dir(tmp_path: Path) -> None:
    _write(tmp_path, "services/orders/src/api.py", "def handler(event, context):\n    pass\n")
    _write(tmp_path, "services/orders/pkg/__init__.py", "")
    _write(tmp_path, "services/orders/pkg/jobs.py", "async def run(event, context):\n    pass\n")
    _write(tmp_path, "shop/__init__.py", "def main(event, context):\n    pass\n")
    app = _app(tmp_path,
               ("Slash", "src/api.handler", "services/orders", "python3.12"),
               ("Dotted", "pkg.jobs.run", "services/orders/", "python3.11"),
               ("Package", "shop.main", ".", "python3.10"),
               ("Root", "services/orders/src/api.handler", None, "python3.12"))
    resolve(app, Facts())
    assert not app.diagnostics
    got = {f.id: (f.source_file, f.handler_name) for f in app.functions.values()}
    assert got == {
        "Slash": ("services/orders/src/api.py", "handler"),
        "Dotted": ("services/orders/pkg/jobs.py", "run"),
        "Package": ("shop/__init__.py", "main"),
        "Root": ("services/orders/src/api.py", "handler"),
    }


def test_missing_file_is_a_handler_diagnostic(tmp_path: Path) -> None:
    app = _app(tmp_path, ("Fn", "app.handler", "src", "python3.12"))
    resolve(app, Facts())
    [diag] = _handler_diagnostics(app)
    assert diag.file == "template.yaml" and diag.line == 1
    assert "src/app.py" in diag.message and "not found" in diag.message
    assert app.functions["Fn"].source_file is None


@pytest.mark.parametrize("content, words", [
    ("def handler(event, context)\n    return 1\n", "does not parse as Python 3"),
    ("def handler(event, context):\n    print 'hello'\n", "Python 2"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary"),
    (b"def handler(event, context):\n    return '\xe9t\xe9'\n", "UTF-8"),
    ("def handler(event, context):\n    x = " + "(" * 300 + "1" + ")" * 300 + "\n",
     "nested"),
])
def test_unparsable_handler_file_is_an_error_not_a_crash(tmp_path: Path, content: str | bytes,
                                                           words: str) -> None:
    _write(tmp_path, "app.py", content)
    app = _app(tmp_path, ("Fn", "app.handler", ".", "python3.12"))
    resolve(app, Facts())
    [diag] = _handler_diagnostics(app)
    assert diag.level == "error" and diag.file == "app.py"
    assert words.lower() in diag.message.lower(), diag.message
    assert app.functions["Fn"].handler_name is None


def test_syntax_error_reports_its_line(tmp_path: Path) -> None:
    _write(tmp_path, "app.py", "import os\n\n\ndef handler(event, context):\n    return [\n")
    app = _app(tmp_path, ("Fn", "app.handler", ".", "python3.12"))
    resolve(app, Facts())
    [diag] = _handler_diagnostics(app)
    assert diag.line is not None and diag.line >= 5


def test_handler_not_defined_in_file(tmp_path: Path) -> None:
    _write(tmp_path, "app.py", "def other(event, context):\n    pass\n")
    _write(tmp_path, "wrapped.py", "from mangum import Mangum\nfrom web import api\n"
                                   "handler = Mangum(api)\n")
    _write(tmp_path, "imported.py", "from impl import handler\n")
    app = _app(tmp_path, ("Missing", "app.handler", ".", "python3.12"),
               ("Assigned", "wrapped.handler", ".", "python3.12"),
               ("Imported", "imported.handler", ".", "python3.12"))
    resolve(app, Facts())
    [diag] = _handler_diagnostics(app)
    assert "'handler' is not defined" in diag.message and diag.file == "app.py"
    assert app.functions["Assigned"].handler_name == "handler"
    assert app.functions["Imported"].handler_name == "handler"


def test_malformed_unknown_and_escaping_handlers(tmp_path: Path) -> None:
    app = _app(tmp_path, ("NoDot", "handler", ".", "python3.12"),
               ("Unknown", Unknown("${ssm:/handler}"), ".", "python3.12"),
               ("Escape", "../../etc/app.handler", ".", "python3.12"))
    resolve(app, Facts())
    by_message = {d.message.split(":")[0]: d for d in _handler_diagnostics(app)}
    assert set(by_message) == {"function 'NoDot'", "function 'Unknown'", "function 'Escape'"}
    assert by_message["function 'NoDot'"].level == "error"
    assert by_message["function 'Unknown'"].level == "warning"
    assert "outside" in by_message["function 'Escape'"].message


def test_other_runtimes_are_left_alone(tmp_path: Path) -> None:
    # Node.js handlers are resolved too (tests/test_js_handlers.py)
    app = _app(tmp_path, ("Java", "com.example.Handler::handleRequest", ".", "java21"),
               ("Image", None, None, None))
    resolve(app, Facts())
    assert not app.diagnostics
    assert all(f.source_file is None for f in app.functions.values())


def test_each_file_is_parsed_once_per_scan(tmp_path: Path) -> None:
    _write(tmp_path, "app.py", "def get(event, context):\n    pass\n\n\n"
                               "def put(event, context):\n    pass\n")
    app = _app(tmp_path, ("Get", "app.get", ".", "python3.12"),
               ("Put", "app.put", ".", "python3.12"))
    facts = Facts()
    resolve(app, facts)
    cache = facts.python_modules
    assert isinstance(cache, ModuleCache)
    assert list(cache.modules) == ["app.py"]
    first = cache.get("app.py")
    resolve(app, facts)  # a second step reading the same files reuses the parse
    assert cache.get("app.py") is first


def test_resolution_never_executes_handler_code(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    _write(tmp_path, "app.py", f"open({str(marker)!r}, 'w').write('x')\n"
                               "raise SystemExit(3)\n\n\ndef handler(event, context):\n    pass\n")
    app = _app(tmp_path, ("Fn", "app.handler", ".", "python3.12"))
    resolve(app, Facts())
    assert not marker.exists()
    assert app.functions["Fn"].handler_name == "handler" and not app.diagnostics


STEPS_PROJECT = {
    "serverless.yml": (
        "service: steps\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        "  api:\n    handler: api.handler\n  wrapped:\n    handler: wrapped.handler\n"
        "  missing:\n    handler: gone.handler\n  worker:\n    handler: api.worker\n"),
    "api.py": ("import os\nimport boto3\n\nTOKEN = 'AKIAQ3HTX7N2LWPZ4RKB'\n\n\n"
               "def handler(event, context):\n    os.system('echo ' + event['body'])\n"
               "    boto3.client('s3').get_object(Bucket='b', Key=event['key'])\n\n\n"
               "def worker(event, context):\n    return eval(event['expr'])\n"),
    "wrapped.py": "from mangum import Mangum\nfrom web import app\n\nhandler = Mangum(app)\n",
    "broken.py": "def oops(:\n",
}


def _scan_with(root: Path, monkeypatch: pytest.MonkeyPatch, first_step: str) -> tuple[
        list[tuple[str, int | None, str, str, str]], str, str, str, list[str]]:
    from faasguard import scan

    analyses = [first_step if name.startswith("faasguard.analysis.handlers:") else name
                for name in scan.ANALYSES]
    monkeypatch.setattr(scan, "ANALYSES", analyses)
    result = scan.scan_paths([str(root)], jobs=1)
    diagnostics = [(d.file, d.line, str(d.level), d.code, d.message)
                   for d in result.diagnostics]
    return (diagnostics, repr(result.facts.flows), repr(result.facts.aws_calls),
            repr(sorted(result.facts.code.items())),  # taken in another order: no matter
            [f.fingerprint for f in result.findings])


def test_handler_steps_change_nothing_but_when_the_work_is_done(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running the per-handler steps during resolution gives the facts, findings and
    diagnostics (in the same order) of running each analysis over the whole app."""
    for rel, text in STEPS_PROJECT.items():
        _write(tmp_path, rel, text)
    early = _scan_with(tmp_path, monkeypatch, "faasguard.analysis.handlers:resolve_then_analyse")
    late = _scan_with(tmp_path, monkeypatch, "faasguard.analysis.handlers:resolve")
    assert early == late
    codes = [d[3] for d in early[0]]
    assert {"handler", "awscalls", "code"} <= set(codes)  # each kind met, in place
    assert "os.system" in early[1] and "get_object" in early[2] and "api.py" in early[3]


@pure_only("makes a replaced Analyzer.analyse crash")
def test_a_crashing_handler_step_is_reported_by_its_own_analysis(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from faasguard.analysis.taint import engine
    from faasguard.scan import scan_paths

    for rel, text in STEPS_PROJECT.items():
        _write(tmp_path, rel, text)

    def crash(*args: object, **kwargs: object) -> None:
        raise ValueError("engine bug")

    monkeypatch.setattr(engine.Analyzer, "analyse", crash)
    result = scan_paths([str(tmp_path)], jobs=1)
    internal = [d.message for d in result.diagnostics if d.code == "internal"]
    assert internal == ["internal error in analysis faasguard.analysis.taint:analyse_taint "
                        "(ValueError: engine bug); please report it"]
    assert result.facts.aws_calls  # the other steps went on


def test_reorder_puts_the_keys_in_serial_order_and_keeps_the_others_after() -> None:
    from faasguard.analysis.handlers import _reorder

    facts = Facts()
    facts.flows = {"c": [], "x": [], "a": [], "b": []}  # as merged from two shards
    _reorder(facts, "flows", ["a"], [["b"], ["c"]])
    assert list(facts.flows) == ["a", "b", "c", "x"]  # "x": no record names it
    facts.flows = {"c": [], "a": [], "b": []}
    _reorder(facts, "flows", [], [["a", "b"], ["c"], ["gone"]])  # a key dropped meanwhile
    assert list(facts.flows) == ["a", "b", "c"]
