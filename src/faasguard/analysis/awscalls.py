"""The AWS API calls each Python handler can make, with the IAM actions and resources.

Analysis step (after handler resolution): for every Python function whose handler was
resolved, `facts.aws_calls[function.id]` lists the `AwsCall`s reachable from the handler
(its module's top level included: clients made at import time run at cold start). The
resources each call names are resolved for that function: environment variables through
`Function.environment` (a `Ref` to a resource, or a name matched to the resources the app
declares), literals matched the same way, S3 bucket names read from an S3 event to the
bucket of the function's S3 trigger; an S3 event's object key starts and ends as the key
filters of the function's S3 triggers say. What cannot be known stays an explicit
`Unknown`.

Also usable on its own: `calls_in_handler(cache, file, handler)`.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from faasguard.analysis.aws_values import AwsCall, Name, Target
from faasguard.analysis.dependencies import declared_for
from faasguard.analysis.facts import Facts
from faasguard.analysis.taint.frameworks import app_entries
from faasguard.analysis.taint.modules import (
    LOADED_BY_RUNTIME as LOADED_BY_RUNTIME,  # (read here by tests)
)
from faasguard.analysis.taint.modules import (
    STDLIB,
    Module,
    ModuleCache,
    add_import,
    early_work,
    may_shadow,
    module_cache,
    search_path,
)
from faasguard.collector import paused_then_frozen
from faasguard.model import App, Diagnostic, Function, Ref, Unknown, Value, logical_id

if TYPE_CHECKING:
    from faasguard.analysis.aws_interp import Interpreter

__all__ = ["AwsCall", "Name", "Target", "analyse_aws_calls", "analyse_handler_calls",
           "calls_in_handler", "note_unseen", "resolve_target", "resolved_calls",
           "unseen_code", "UNSEEN"]

_NAMES = "awscalls.names"  # Facts.memo key of the NameIndex the calls of a step share
#: DataResource kinds per target kind (a function target is looked up in App.functions).
_RESOURCE_KINDS = {"bucket": "bucket", "table": "table", "queue": "queue", "topic": "topic",
                   "secret": "secret", "stream": "stream", "state-machine": "state-machine",
                   "parameter": "parameter", "kms-key": "kms-key"}


def calls_in_handler(cache: ModuleCache, file: str, handler: str,
                     base: str = "") -> list[AwsCall] | None:
    """The AWS calls of one handler (`handler` a top-level function of `file`); None when
    the file does not parse or defines no such function."""
    module = cache.try_get(file)
    if module is None or handler not in module.functions:
        return None
    return _engine()(cache, base).run_handler(module, module.functions[handler])


#: The interpreter's class once imported (`_engine`).
_ENGINE: type[Interpreter] | None = None


def _engine() -> type[Interpreter]:
    """aws_interp's Interpreter, imported on first need (a scan of templates alone does
    not import it), then read from a global: an import statement run for every handler
    costs more than the look-up."""
    global _ENGINE
    if _ENGINE is None:
        from faasguard.analysis.aws_interp import Interpreter

        _ENGINE = Interpreter
    return _ENGINE


def analyse_aws_calls(app: App, facts: Facts) -> None:
    """Analysis step: fill `facts.aws_calls` for every Python function with a resolved
    handler (an empty list: analysed, no AWS call). A handler that is not a plain function
    (`handler = Mangum(app)`) or code nested too deeply is a diagnostic, never a silence.
    Functions analysed during handler resolution (`analyse_handler_calls`) are not redone."""
    cache = module_cache(app, facts)
    done = early_work(facts, "awscalls").take(app)
    facts.memo.pop(_NAMES, None)  # indexed afresh from the app as it is now
    with paused_then_frozen():
        for function in app.functions.values():
            if function.id in done or not function.source_file or not function.handler_name:
                continue
            cache.release()  # between two handlers: no tree is in use
            analyse_handler_calls(app, facts, function)
    facts.memo.pop(_NAMES, None)
    from faasguard.analysis.nodejs import is_node

    note_unseen(app, facts, lambda function: not is_node(function))  # (Node.js: js.project)


def analyse_handler_calls(app: App, facts: Facts, function: Function) -> None:
    """The AWS calls of one function into `facts.aws_calls` (also a per-handler step of
    analysis.handlers, run while the handler's module is parsed)."""
    if not function.source_file or not function.handler_name:
        return
    cache = module_cache(app, facts)
    names = facts.memo.get(_NAMES)
    if not isinstance(names, NameIndex):
        names = facts.memo[_NAMES] = NameIndex(app)
    with cache.for_function(function):  # its code with the layers it uses
        _handler_calls(app, facts, function, cache, names)


def _handler_calls(app: App, facts: Facts, function: Function, cache: ModuleCache,
                   names: NameIndex) -> None:
    """`analyse_handler_calls` with the cache reading the function's layers."""
    assert function.source_file and function.handler_name
    try:
        calls = calls_in_handler(cache, function.source_file, function.handler_name,
                                 function.code_dir or "")
    except RecursionError:
        app.diagnostics.append(Diagnostic(
            function.source_file, f"function '{logical_id(function.id)}': code nested too "
            "deeply to find its AWS calls", None, "warning", "awscalls"))
        return
    if calls is None:
        calls = _app_calls(function, app, cache)
    if calls is None:
        if cache.try_get(function.source_file) is not None:  # parses: not a def
            app.diagnostics.append(Diagnostic(
                function.source_file, f"function '{logical_id(function.id)}': handler "
                f"'{function.handler_name}' is not a plain function; its AWS calls "
                "were not analysed (least-privilege rules skip it)", None, "note",
                "awscalls"))
        return
    facts.aws_calls[function.id] = resolved_calls(calls, function, app, names) + \
        unseen_code(cache, function, app, facts.memo)


def resolved_calls(calls: list[AwsCall], function: Function, app: App,
                   names: NameIndex | None = None) -> list[AwsCall]:
    """These calls with each target resolved for this function (`resolve_target`); the
    Node.js analysis resolves its calls with it too."""
    filtered = _trigger_key_filter(function)
    return [c.with_targets(tuple([Target(t.kind, t.name, _filtered_key(t.key, filtered),
                                         resolve_target(t, function, app, names))
                                  for t in c.targets]))
            for c in calls]


#: The end of the event path of an S3 notification's object key (`Records.[].s3.object.key`
#: in Python, `s3.object.key` from a Node.js record).
_S3_EVENT_KEY = "s3.object.key"


def _trigger_key_filter(function: Function) -> tuple[str, str]:
    """The prefix and suffix every key of the function's S3 triggers has: S3 delivers
    only keys its filter lets through (what their filters' prefixes and suffixes have in
    common; ('', '') without an S3 trigger)."""
    filters = [t.key_filter for t in function.triggers if t.kind == "s3"]
    if not filters:
        return "", ""
    prefixes = [prefix for prefix, _ in filters]
    suffixes = [suffix[::-1] for _, suffix in filters]
    return os.path.commonprefix(prefixes), os.path.commonprefix(suffixes)[::-1]


def _filtered_key(key: Name | None, key_filter: tuple[str, str]) -> Name | None:
    """An S3 event's object key read as is (or URL-decoded) with the prefix and suffix
    the function's S3 triggers' filters give it."""
    if key is None or not any(key_filter) or key.event is None or \
            not key.event.endswith(_S3_EVENT_KEY) or key.prefix or key.suffix:
        return key
    return Name(event=key.event, text=key.text, prefix=key_filter[0], suffix=key_filter[1])


def _app_calls(function: Function, app: App, cache: ModuleCache) -> list[AwsCall] | None:
    """The AWS calls of the views of a Chalice/Flask app object a handler names (its
    route views and Zappa event functions are its entry points); None when there are none."""
    views = app_entries(function, app, cache)
    if not views:
        return None
    out: list[AwsCall] = []
    for view in views:
        for call in _engine()(cache, function.code_dir or "").run_handler(view.module,
                                                                         view.node):
            if call not in out:
                out.append(call)
    return out


class NameIndex:
    """The App's functions and resources by name (and kind), in the App's order, so that
    matching a literal is a look-up rather than a pass over every resource."""

    def __init__(self, app: App):
        self.functions: dict[str, tuple[int, str]] = {}
        self.resources: dict[tuple[str | None, str], tuple[int, str]] = {}
        for position, function in enumerate(app.functions.values()):
            if isinstance(function.name, str):
                self.functions.setdefault(function.name, (position, function.id))
        for position, resource in enumerate(app.resources.values()):
            if isinstance(resource.name, str):
                self.resources.setdefault((resource.kind, resource.name),
                                          (position, resource.id))

    def match(self, kind: str, literal: str, tail: str) -> Ref | None:
        """The first function or resource (in App order) named `literal` or `tail`."""
        if kind == "function":
            found = [self.functions.get(literal), self.functions.get(tail)]
        else:
            wanted = _RESOURCE_KINDS.get(kind)
            found = [self.resources.get((wanted, literal)), self.resources.get((wanted, tail))]
        hits = [hit for hit in found if hit is not None]
        return Ref(min(hits)[1]) if hits else None


def resolve_target(target: Target, function: Function, app: App,
                   names: NameIndex | None = None) -> Value:
    """What a target names for this function: a Ref to an App resource, a literal name or
    ARN, or an Unknown placeholder. `names`: an index of `app` (faster for many targets)."""
    name = target.name
    literal = name.literal
    if name.env is not None:
        var = function.environment.get(name.env)
        if var is None:
            return Unknown(f"environment variable {name.env} (not set on the function)")
        if isinstance(var.value, Ref):
            return Ref(var.value.target)
        if not isinstance(var.value, str):
            return Unknown(f"environment variable {name.env}")
        literal = var.value
    if literal is not None:
        return _match_resource(target.kind, literal, app, names) or literal
    if name.event is not None:
        return _from_event(target.kind, name.event, function) or \
            Unknown(f"{target.kind} named by the event ({name.event})")
    return Unknown(f"{target.kind} named by `{name.text}`")


def _match_resource(kind: str, literal: str, app: App,
                    names: NameIndex | None = None) -> Ref | None:
    """The App resource a literal names (by its name, or the end of a URL/ARN)."""
    tail = literal.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    if names is not None:
        return names.match(kind, literal, tail)
    if kind == "function":
        for function in app.functions.values():
            if function.name in (literal, tail):
                return Ref(function.id)
        return None
    wanted = _RESOURCE_KINDS.get(kind)
    for resource in app.resources.values():
        if resource.kind == wanted and resource.name is not None and \
                resource.name in (literal, tail):
            return Ref(resource.id)
    return None


def _from_event(kind: str, path: str, function: Function) -> Value:
    """A bucket named by an S3 event is the bucket of the function's S3 trigger."""
    if kind == "bucket" and "bucket" in path.split("."):
        sources = {str(t.source): t.source for t in function.triggers
                   if t.kind == "s3" and t.source is not None}
        if len(sources) == 1:
            return next(iter(sources.values()))
    return None


# --------------------------------------------------------------------------- unseen code

#: `AwsCall.via` of the placeholder `unseen_code` adds: code the handler imports that the
#: scan cannot read, whose AWS calls are therefore unknown.
UNSEEN = "unseen-import"
#: Modules the Lambda Python runtime provides beside the standard library.
_RUNTIME_MODULES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil",
                              "urllib3", "six", "awslambdaric", "bootstrap"})
#: Modules the AWS call analysis models itself (aws_interp.SDK_ROOTS).
_MODELLED = frozenset({"aioboto3", "aiobotocore", "aws_lambda_powertools", "pynamodb"})
#: Well-known packages that make no AWS call with the function's credentials, wherever
#: they come from (a manifest, a layer, a vendored folder): HTTP clients, parsers,
#: validators, web frameworks, database drivers, third-party APIs' SDKs, type stubs. A
#: package that wraps AWS calls (awswrangler, s3fs, smart_open...) is not one of them.
KNOWN_PACKAGES = frozenset({
    "requests", "httpx", "aiohttp", "certifi", "charset_normalizer", "idna", "chardet",
    "yaml", "ruamel", "toml", "tomli", "orjson", "ujson", "simplejson", "rapidjson",
    "xmltodict", "lxml", "defusedxml", "bs4", "markdown", "bleach", "jinja2", "mako",
    "chevron", "jwt", "jose", "jwcrypto", "cryptography", "nacl", "bcrypt", "passlib",
    "pydantic", "pydantic_core", "marshmallow", "jsonschema", "fastjsonschema", "cerberus",
    "validators", "email_validator", "attr", "attrs", "dacite", "typing_extensions",
    "pytz", "tzdata", "arrow", "pendulum", "regex", "tenacity", "backoff", "cachetools",
    "dotenv", "click", "structlog", "loguru", "pythonjsonlogger", "sentry_sdk",
    "aws_xray_sdk", "flask", "werkzeug", "fastapi", "starlette", "django", "chalice",
    "flask_restful", "flask_restx", "flask_cors", "whitenoise", "asgiref", "mangum",
    "serverless_wsgi", "awsgi", "apig_wsgi", "numpy", "pandas", "PIL", "psycopg2", "psycopg",
    "pymysql", "MySQLdb", "sqlalchemy", "redis", "pymongo", "bson", "stripe", "twilio",
    "slack_sdk", "sendgrid", "aiofiles", "anyio", "trio", "pexpect", "fabric", "dill",
    "cloudpickle", "joblib", "jsonpickle", "mypy_boto3", "boto3_stubs", "botocore_stubs"})
#: Import names of distributions whose name is not their import name (lower-case).
_IMPORT_NAMES = {
    "pyyaml": "yaml", "pyjwt": "jwt", "python_jose": "jose", "beautifulsoup4": "bs4",
    "pillow": "pil", "scikit_learn": "sklearn", "psycopg2_binary": "psycopg2",
    "psycopg_binary": "psycopg", "python_dotenv": "dotenv", "attrs": "attr",
    "opencv_python": "cv2", "opencv_python_headless": "cv2", "protobuf": "google",
    "python_dateutil": "dateutil", "pycryptodome": "crypto", "pycryptodomex": "cryptodome",
    "pyopenssl": "openssl", "python_multipart": "multipart", "mysql_connector_python": "mysql",
    "aws_xray_sdk": "aws_xray_sdk", "msgpack_python": "msgpack", "pymysql": "pymysql",
    "python_json_logger": "pythonjsonlogger", "google_api_python_client": "googleapiclient",
    "python_slugify": "slugify", "typing_extensions": "typing_extensions",
}
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception",
                            "BaseException"})
_IMPORTS = "awscalls.imports"  # Facts.memo key: the imports of each module, by file
_WALKS = "awscalls.outside"  # Facts.memo key: `_outside_imports` by (file, base)
_MANIFESTS = "awscalls.manifests"  # Facts.memo key: declared_for's memo
_SHADOWED = "awscalls.shadowed"  # Facts.memo key: `shadowed_names`
#: Top-level names whose code is known without reading it (see `unseen_code`).
_READ_ELSEWHERE = _RUNTIME_MODULES | _MODELLED | KNOWN_PACKAGES


def unseen_code(cache: ModuleCache, function: Function, app: App,
                memo: dict[str, Any]) -> list[AwsCall]:
    """What the handler may run that the scan cannot read: one call the analysis could
    not identify (`AwsCall.known` False, `via` UNSEEN) per module that the handler's file
    or a project module it imports (transitively) imports and that is neither in the
    project, nor in the standard library or the Lambda runtime, nor a well-known package
    that makes no AWS call (KNOWN_PACKAGES), nor a declared dependency: a Lambda layer's
    code, or a module that is simply missing. Its AWS calls are not known, so the
    function's needs are not either. Imports that may fail (`try: ... except
    ImportError`) and type-checking-only ones are left out."""
    if not function.source_file:
        return []
    candidates = _outside_imports(cache, function.source_file, function.code_dir or "", memo,
                                  shadowed_names(app, memo))
    declared: set[str] | None = None
    out: dict[str, AwsCall] = {}
    for key, file, line in candidates:
        if key.startswith("."):  # a relative import: a project module not here
            what = f"the project module '{key.lstrip('.')}', which is not in the scanned files"
        else:
            if declared is None:
                declared = _declared_modules(app, function, memo)
            if key.lower() in declared:
                continue
            what = f"'{key}', which is neither in the scanned files nor a declared " \
                "dependency" + (" (a layer's?)" if function.layers else "")
        if key not in out:
            out[key] = AwsCall("*", "*", f"imports {what}: the AWS calls of its code are not "
                               "known", (), (), file, line, UNSEEN)
    return list(out.values())


def _outside_imports(cache: ModuleCache, file: str, base: str, memo: dict[str, Any],
                     shadowed: frozenset[str]) -> list[tuple[str, str, int]]:
    """(top-level name, or the relative name, file, line) of each import `unseen_code`
    must judge, found from `file` through the project modules it imports (with `base`
    first on the search path); once per (file, base, layers searched) in a scan. The
    standard library's, the Lambda runtime's, the modelled SDKs' and the known packages'
    are left out first (no look-up), except a standard-library name a project module may
    take (`shadowed`): that one is looked up, and a project module found is followed."""
    known: dict[tuple[str, str, tuple[str, ...]], list[tuple[str, str, int]]] = \
        memo.setdefault(_WALKS, {})
    key = (file, base, cache.layer_paths)  # (the layers a function uses: for_function)
    found = known.get(key)
    if found is not None:
        return found
    found = known[key] = []
    start = cache.try_get(file)
    todo, seen = ([start], {start.file}) if start is not None else ([], set())
    while todo:
        module = todo.pop()
        search = search_path(module, base)
        for dotted, line in _imports(module, memo, shadowed):
            head = dotted.lstrip(".").partition(".")[0]
            relative = dotted.startswith(".")
            if _read_elsewhere(dotted, shadowed):
                continue
            loaded = cache.lambda_import(dotted, search)
            if isinstance(loaded, tuple):
                local = loaded[0]
                if local.file not in seen:
                    seen.add(local.file)
                    todo.append(local)
            elif loaded is None:  # (else the runtime's or the standard library's)
                found.append((dotted if relative else head, module.file, line))
    return found


def shadowed_names(app: App, memo: dict[str, Any]) -> frozenset[str]:
    """The standard-library names a module of the project may take (once per scan): on
    Lambda the task root (the function's code folder) and the layers come before the
    standard library on sys.path, so a `secrets.py` or `queue/__init__.py` there is what
    `import secrets` runs, unless the runtime loaded that module before the handler
    (LOADED_BY_RUNTIME: a local `logging.py` never replaces the loaded `logging`). Only
    those folders are searched for such a name (`search_path`'s first, the code folder):
    a `src/secrets.py` beside a handler `src/handler.py` of a function whose code is the
    project's root is not on sys.path."""
    found = memo.get(_SHADOWED)
    if not isinstance(found, frozenset):
        stems = set()
        for source in app.files:
            if source.format == "python":
                folder, _, name = source.path.rpartition("/")
                stems.add(folder.rpartition("/")[2] if name == "__init__.py"
                          else name.removesuffix(".py"))
        found = memo[_SHADOWED] = frozenset(filter(may_shadow, stems))
    return found


def note_unseen(app: App, facts: Facts, which: Callable[[Function], bool]) -> None:
    """A note for each import of code the scan cannot read (`unseen_code`'s calls of the
    functions `which` selects), naming the functions whose grants the least-privilege
    rules therefore do not judge unused: once per import, however many functions run it."""
    functions: dict[tuple[str, int, str], list[str]] = {}
    for function in app.functions.values():
        calls = facts.aws_calls.get(function.id)
        if not calls or not which(function):
            continue
        for call in calls:
            if call.via == UNSEEN:
                functions.setdefault((call.file, call.line, call.method), []).append(
                    logical_id(function.id))
    for (file, line, method), names in functions.items():
        shown = ", ".join(f"'{n}'" for n in names[:5]) + \
            (f" and {len(names) - 5} more" if len(names) > 5 else "")
        app.diagnostics.append(Diagnostic(
            file, f"{method}; FG-PERM-101/102 do not judge the grants of function"
            f"{'s' if len(names) > 1 else ''} {shown} unused", line, "note", "awscalls"))


def _declared_modules(app: App, function: Function, memo: dict[str, Any]) -> set[str]:
    """The import names (lower-case) of the Python dependencies the function's nearest
    manifests declare: a distribution's name normalised (`python-jose` -> `python_jose`,
    also tried without a `python_`/`py` start) or its known import name."""
    names: set[str] = set()
    for dep in declared_for(app, function, memo.setdefault(_MANIFESTS, {})):
        if dep.ecosystem != "pypi":
            continue
        name = re.sub(r"[-.]+", "_", dep.name.lower())
        names.update((name, _IMPORT_NAMES.get(name, name), name.removeprefix("python_"),
                      name.removeprefix("py")))
        if name.startswith("google_"):
            names.add("google")
    return names


def _imports(module: Module, memo: dict[str, Any],
             shadowed: frozenset[str]) -> list[tuple[str, int]]:
    """The absolute dotted names (`add_import`'s: a relative one starts with a dot) a
    module imports and their lines, once per scan: its top level, and its functions and
    compound statements when its text has an indented import. Imports under `if
    TYPE_CHECKING` and in a `try` that catches ImportError are left out."""
    known: dict[str, list[tuple[str, int]]] = memo.setdefault(_IMPORTS, {})
    found = known.get(module.file)
    if found is None:
        found = known[module.file] = []
        nested, star = _import_shape(module.source) if module.source else (True, True)
        if nested or star or not _all_read_elsewhere(module.aliases.values(), shadowed):
            package = module.dotted if module.file.endswith("__init__.py") \
                else module.dotted.rpartition(".")[0]
            _collect(module.tree.body, package, nested, found)
        # (else every import is at the top level, not indented in a try or an if, none
        # is `import *`, so the module's index holds them all: each of code known
        # without reading it, none to judge or follow)
    return found


#: `import *` (`_import_shape`; a search for the word, in C).
_STAR_IMPORT = re.compile(r"import[ \t]{0,33}\*")


def _import_shape(source: str) -> tuple[bool, bool]:
    """(an import is indented: in a function, a class or a block; an import is `import
    *`) for a module's text, from the text before each occurrence of `import` (the text
    cut there by one `str.split`, in C): an occurrence's line is indented when the text
    after the last newline before it starts with a space or a tab (a text without a
    newline: the occurrence is on the line of the one before, already judged, or on the
    first line). An occurrence in a string or a comment may only say yes, never no; a
    text without `*` holds no `import *` (no search)."""
    nested = False
    first = True
    for before in source.split("import")[:-1]:
        _, newline, line = before.rpartition("\n")
        if (newline or first) and line[:1] in (" ", "\t"):
            nested = True
            break
        first = False
    return nested, "*" in source and _STAR_IMPORT.search(source) is not None


def _read_elsewhere(dotted: str, shadowed: frozenset[str]) -> bool:
    """Is an absolute import of code known without reading it (`_outside_imports`)? A
    standard-library name a project module may take (`shadowed_names`) is not."""
    head = dotted.partition(".")[0]  # ('' for a relative import: known nowhere)
    return head in _known_heads(shadowed) or head.startswith("mypy_boto3_")


def _all_read_elsewhere(imported: Iterable[str], shadowed: frozenset[str]) -> bool:
    """`_read_elsewhere` of every dotted name of `imported` (a module's aliases)."""
    known = _known_heads(shadowed)
    for dotted in imported:
        head = dotted.partition(".")[0]
        if head not in known and not head.startswith("mypy_boto3_"):
            return False
    return True


@lru_cache(maxsize=8)  # (one set of shadowed names per scan)
def _known_heads(shadowed: frozenset[str]) -> frozenset[str]:
    """The top-level names `_read_elsewhere` knows without a look-up, given the
    standard-library names project modules may take."""
    return _READ_ELSEWHERE | (STDLIB - shadowed)


#: Statements `_collect` looks into at the top level, and also in nested code.
_TOP_KINDS = frozenset({ast.Import, ast.ImportFrom, ast.Try, ast.If,
                        *((ast.TryStar,) if hasattr(ast, "TryStar") else ())})
_NESTED_KINDS = _TOP_KINDS | {ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                              ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While}


def _collect(body: list[ast.stmt], package: str, nested: bool,
             out: list[tuple[str, int]]) -> None:
    kinds = _NESTED_KINDS if nested else _TOP_KINDS
    for node in body:
        if type(node) not in kinds:  # (most statements: one look-up)
            continue
        if isinstance(node, ast.Import):  # the module itself (`import pkg.mod`, which
            # binds `pkg`: pkg may be a folder without an __init__.py)
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            aliases: dict[str, str] = {}
            add_import(aliases, node, package)
            if isinstance(node, ast.ImportFrom) and not aliases:  # `from x import *`
                add_import(aliases, ast.ImportFrom(node.module, [ast.alias("_")],
                                                   node.level), package)
                aliases = {k: v.rpartition(".")[0] or v for k, v in aliases.items()}
            out.extend((dotted, node.lineno) for dotted in aliases.values())
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":  # (3.11+)
            handlers: list[ast.ExceptHandler] = getattr(node, "handlers", [])
            if not any(_catches_import_error(h) for h in handlers):
                _collect(getattr(node, "body", []), package, nested, out)
            for part in ("orelse", "finalbody"):
                _collect(getattr(node, part, []), package, nested, out)
            for handler in handlers:
                _collect(handler.body, package, nested, out)
        elif isinstance(node, ast.If):
            test = node.test
            if not (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or
                    isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"):
                _collect(node.body, package, nested, out)
            _collect(node.orelse, package, nested, out)
        else:  # nested code (`kinds` lets it through only when `nested`)
            _collect(getattr(node, "body", []), package, nested, out)
            _collect(getattr(node, "orelse", []), package, nested, out)


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    """Does an except clause catch a failed import (bare, ImportError or broader)?"""
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(k, (ast.Name, ast.Attribute)) and
               (k.id if isinstance(k, ast.Name) else k.attr) in _IMPORT_ERRORS for k in kinds)
