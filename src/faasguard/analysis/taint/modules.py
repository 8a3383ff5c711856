"""Parsed Python modules: each file under the scanned root is read and parsed once per scan.

`ModuleCache` hands out `Module`s (the AST plus the indexes the engine needs: import
aliases, top-level functions and classes) and remembers files that do not parse, with
the reason, so every analysis step reports them the same way. Nothing is ever imported
or executed: `ast.parse` only.
"""

from __future__ import annotations

import ast
import gc
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faasguard.analysis.module_cache import ParsedFiles
from faasguard.collector import freeze
from faasguard.loaders.documents import InputError, read_python
from faasguard.model import opt_order

if TYPE_CHECKING:
    from faasguard.analysis.facts import Facts
    from faasguard.analysis.taint.state import Val
    from faasguard.model import App, Diagnostic, Function, Layer

MAX_SOURCE_BYTES = 2 * 1024 * 1024

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
#: Parsed trees a scan keeps for its whole length (about 26 KB each for a small handler);
#: the trees of further files are dropped between two handlers (see ModuleCache).
RETAINED_MODULES = 1000
#: Modules other modules import (shared libraries), kept for the whole scan besides those.
RETAINED_LIBRARIES = 1000
#: Trees kept besides those because an analysis still wants them (`ModuleCache.before_drop`).
RETAINED_WANTED = 1000


#: Standard-library modules the Lambda Python runtime has imported before it imports the
#: handler (its bootstrap's own imports: importlib, json, logging, os, sys, time,
#: traceback, concurrent.futures, datetime, decimal, enum, math, and what they import,
#: on every Python 3.10 to 3.13). An import of one of them finds the loaded module,
#: whatever the task root holds; a project module of the same name never runs through it.
#: (Built-in modules, `sys.builtin_module_names`, are found before any folder too.)
LOADED_BY_RUNTIME = frozenset({
    "abc", "codecs", "collections", "concurrent", "copyreg", "datetime", "decimal",
    "encodings", "enum", "functools", "genericpath", "importlib", "io", "json", "keyword",
    "linecache", "logging", "math", "numbers", "operator", "os", "posixpath", "re",
    "reprlib", "site", "stat", "string", "threading", "traceback", "types", "warnings",
    "weakref", "zipimport", *sys.builtin_module_names})
#: The standard library's top-level names.
STDLIB = sys.stdlib_module_names
#: What `ModuleCache.lambda_import` answers for a module no scanned file can be: the one
#: the runtime loaded before the handler, or the standard library's.
RUNTIME, STANDARD_LIBRARY = "runtime", "standard library"


def may_shadow(name: str) -> bool:
    """May a project or layer module of this top-level name be what `import name` loads
    on Lambda instead of the standard library's? Yes for a standard-library name the
    runtime has not loaded before the handler (`secrets`, `queue`), as the task root and
    the layers come before the library on sys.path; no for the runtime's (`logging`)."""
    return name in STDLIB and name not in LOADED_BY_RUNTIME


#: `ModuleCache.for_function`'s context for an app without in-project layers
_NO_LAYERS: AbstractContextManager[None] = nullcontext()
#: The name of a layer's `python/lib/` folder for a Python version (`python3.12`).
_PYTHON_VERSION = re.compile(r"python3\.\d+")


class ParseError(Exception):
    """A Python file that cannot be analysed; `line` is where the parser stopped."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ClassInfo:
    """A class defined at module level: its methods and the names of its bases."""

    name: str
    node: ast.ClassDef
    module: Module
    methods: dict[str, FunctionNode] = field(default_factory=dict)
    bases: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """An app-wide identity: file and class name."""
        return f"{self.module.file}:{self.name}"


@dataclass
class Module:
    """One parsed Python file (path relative to the scanned root, posix separators)."""

    file: str
    tree: ast.Module
    dotted: str
    aliases: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=set)
    #: the kinds of module-level objects (`session = requests.Session()`), as taint-free
    #: values by name: filled by the taint engine on first use
    global_kinds: dict[str, Val] | None = None
    #: the callees (last name) of top-level `x = callee(...)`: `{"Flask", "getLogger"}`
    constructed: set[str] = field(default_factory=set)
    source: str = field(default="", repr=False)  # the text parsed ('' when not kept)

    @property
    def directory(self) -> str:
        """The folder holding the file, relative to the root ('' for the root)."""
        return os.path.dirname(self.file)

    def qualify(self, dotted: str) -> str:
        """A name as written in this module with its head import alias resolved."""
        head, dot, rest = dotted.partition(".")
        target = self.aliases.get(head)
        if target is None:
            return dotted
        return target + dot + rest if dot else target


#: The statement types `_index` tells apart first (module attributes read once, not per
#: statement)
_IMPORT, _IMPORT_FROM, _EXPR = ast.Import, ast.ImportFrom, ast.Expr
_FUNCTION_DEF, _ASYNC_FUNCTION_DEF = ast.FunctionDef, ast.AsyncFunctionDef
_ASSIGN, _NAME, _CALL = ast.Assign, ast.Name, ast.Call


def _index(module: Module) -> None:
    """Fill the import aliases, the top-level functions and classes, the names assigned
    and the callees of top-level assignments of a module (one pass over its body)."""
    dotted = module.dotted
    package = dotted if module.file.endswith("__init__.py") else dotted.rpartition(".")[0]
    aliases, functions, assigned = module.aliases, module.functions, module.assigned
    for node in module.tree.body:
        kind = type(node)  # the kinds most modules hold most of first
        if kind is _IMPORT:
            _import_names(aliases, node.names)  # type: ignore[attr-defined]
        elif kind is _FUNCTION_DEF or kind is _ASYNC_FUNCTION_DEF:
            functions[node.name] = node  # type: ignore[attr-defined,assignment]
        elif kind is _EXPR:  # a docstring, a call: nothing to index
            continue
        elif kind is _ASSIGN:
            for target in node.targets:  # type: ignore[attr-defined]
                if type(target) is _NAME:
                    assigned.add(target.id)
            value = node.value  # type: ignore[attr-defined]
            if type(value) is _CALL:
                func = value.func
                if isinstance(func, ast.Attribute):
                    module.constructed.add(func.attr)
                elif isinstance(func, ast.Name):
                    module.constructed.add(func.id)
        elif kind is _IMPORT_FROM:
            add_import(aliases, node, package)  # type: ignore[arg-type]
        elif kind is ast.AnnAssign:  # `app: FastAPI = create_app()`
            assert isinstance(node, ast.AnnAssign)
            if type(node.target) is ast.Name and node.value is not None:
                assigned.add(node.target.id)
                if type(node.value) is ast.Call:
                    func = node.value.func
                    module.constructed.add(dotted_name(func).rpartition(".")[2])
        elif kind is ast.ClassDef:
            assert isinstance(node, ast.ClassDef)
            info = ClassInfo(node.name, node, module,
                             bases=[module.qualify(dotted_name(b)) for b in node.bases])
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    info.methods[item.name] = item
            module.classes[node.name] = info
        elif kind is ast.Try or kind is ast.If:
            # `try: import x except ImportError: ...` and `if TYPE_CHECKING: import x`
            for sub in node.body + node.orelse:  # type: ignore[attr-defined]
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    add_import(aliases, sub, package)


def add_import(aliases: dict[str, str], node: ast.Import | ast.ImportFrom, package: str) -> None:
    """Record the names an import statement binds, as absolute dotted names.

    A relative import (`from ..db import run`) becomes a dotted name relative to the
    scanned root, marked by a leading dot (`.services.db.run`): it is looked up from the
    root only, never in the importing module's own folder.
    """
    if isinstance(node, ast.Import):
        _import_names(aliases, node.names)
        return
    base = node.module or ""
    if node.level:
        parts = package.split(".") if package else []
        if node.level > 1:
            parts = parts[: len(parts) - (node.level - 1)] if len(parts) >= node.level - 1 else []
        base = "." + ".".join([*parts, base] if base else parts)
    for alias in node.names:
        if alias.name == "*":
            continue
        aliases[alias.asname or alias.name] = \
            f"{base}.{alias.name}" if base not in ("", ".") else f"{base}{alias.name}"


def _import_names(aliases: dict[str, str], names: list[ast.alias]) -> None:
    """The names an `import a.b, c as d` binds (`a`, `d`), as `add_import` records them."""
    for alias in names:
        bound = alias.asname
        if bound:
            aliases[bound] = alias.name
        else:
            head = alias.name.partition(".")[0]
            aliases[head] = head


def dotted_name(node: ast.expr) -> str:
    """`a.b.c` for a Name/Attribute chain; '' for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""



def _dotted_of_file(file: str) -> str:
    stem = file[:-3] if file.endswith(".py") else file
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return stem.replace("/", ".")


#: The warning filters in force while a file is parsed: every warning ignored
_IGNORE_ALL: list[tuple[str, None, type[Warning], None, int]] = [("ignore", None, Warning, None, 0)]


def _parse_quietly(text: str, rel: str) -> ast.Module:
    """`ast.parse`, ignoring the warnings it gives on user code (SyntaxWarning for odd
    escapes): what `warnings.catch_warnings(action="ignore")` does (the filters as they
    were after, whatever happens), without its cost on every parsed file (a context
    manager's calls, a copy of the filter list and a search in it)."""
    saved = warnings.filters
    warnings.filters = _IGNORE_ALL
    warnings._filters_mutated()  # type: ignore[attr-defined]  # as catch_warnings does
    try:
        return ast.parse(text, filename=rel)
    finally:
        warnings.filters = saved
        warnings._filters_mutated()  # type: ignore[attr-defined]


class ModuleCache(ParsedFiles[Module, ParseError]):
    """Parses each Python file under `root` and answers module look-ups.

    A scan of thousands of handlers holds a bounded number of trees, not all of them:
    `release()` (called by the analyses between two handlers, never in the middle of one)
    drops every tree except the first `retain` parsed, the first `retain_libraries`
    modules that other modules import (`find`), the files still `pin`ned (a handler file
    that later functions of the app name too), and up to `retain_wanted` trees a
    `before_drop` callback asks to keep (until `done_with`). The per-handler analyses run
    on each handler while its module is parsed (analysis.handlers.HANDLER_STEPS), so a
    dropped tree is rarely wanted again; when it is, it is parsed again (the same tree:
    results do not change). The `before_drop` callbacks see every tree before it goes, so
    an analysis can keep a summary instead; the import aliases of dropped files are kept
    (`aliases`).
    """

    error = ParseError

    def __init__(self, root: str, retain: int = RETAINED_MODULES,
                 retain_libraries: int = RETAINED_LIBRARIES,
                 retain_wanted: int = RETAINED_WANTED):
        super().__init__(root)
        self.retain = retain
        self.retain_libraries = retain_libraries
        self.retain_wanted = retain_wanted
        #: called with each tree about to be dropped; True asks to keep it
        self.before_drop: list[Callable[[Module], bool]] = []
        #: `os.path.join(root, rel)` is `_prefix + rel` for the root-relative paths the
        #: cache is asked for (the separator worked out once, not on every look-up)
        self._prefix = os.path.join(root, "")
        self._isfile: dict[str, bool] = {}
        self._lookups: dict[tuple[str, str], str | None] = {}
        self._dropped_aliases: dict[str, dict[str, str]] = {}
        self._libraries: set[str] = set()
        self._wanted: set[str] = set()
        self._pins: dict[str, int] = {}
        #: folders searched after a module's own search path: the `python/` folders of the
        #: layers the project builds from its own files (Lambda puts them on sys.path as
        #: /opt/python, after their lib/python3.X/site-packages: `_on_sys_path`), so a
        #: handler's `import common.db` finds the layer's module; those of the function
        #: analysed (`for_function`), else of every layer (`use_layers`)
        self.layer_paths: tuple[str, ...] = ()
        #: layer id (`Layer.id`) -> its `python/` folder, for those layers
        self.layer_ids: dict[str, str] = {}
        #: a layer's `python/` folder -> its `lib/python3.X/site-packages` folders
        self._layer_packages: dict[str, tuple[str, ...]] = {}
        #: the files parsed after the first `retain` (those `release` may drop), in order
        self._tail: list[str] = []
        #: (dotted name, search folders) of which no prefix is a module (`module_prefix`),
        #: with the layers searched now; by layer folders, for each list of layers used
        self._no_module: set[tuple[str, tuple[str, ...]]] = set()
        self._no_modules: dict[tuple[str, ...], set[tuple[str, tuple[str, ...]]]] = {
            self.layer_paths: self._no_module}
        #: for aws_interp.Interpreter, by the layers searched: the (search path, dotted
        #: name) of imports found to name no module of the scanned code (`json`), not
        #: looked up again. Held here, not in a weak dictionary keyed by the cache: compiled
        #: (mypyc), this Generic subclass has a weak-reference slot its deallocation does
        #: not clear, and a dead cache's key segfaulted the next look-up.
        self.outside_imports: dict[tuple[str, ...], set[tuple[tuple[str, ...], str]]] = {}
        #: for aws_interp.Interpreter, by file, then by (layers searched, base): what a
        #: module's top level gives when no other code takes part (`module_env`), shared
        #: by every handler that runs it; dropped with the module's tree (kept here, not on
        #: the module: it refers to the module, a cycle that would keep the tree)
        self.aws_tops: dict[str, dict[tuple[tuple[str, ...], str], Any]] = {}

    def use_layers(self, layers: Iterable[Layer]) -> None:
        """Read the code of the layers the project builds from its own folders
        (`Layer.opt_folder("python")`: what Lambda extracts to /opt/python), all of them
        (the last declared first) for code no function is analysed with; a function's
        code is read with the layers it uses (`for_function`)."""
        self.layer_ids = {layer.id: folder for layer in layers
                          if (folder := layer.opt_folder("python")) is not None}
        self._use_folders(self._on_sys_path(opt_order(self.layer_ids), None))

    def for_function(self, function: Function) -> AbstractContextManager[None]:
        """A context within which a function's code is read with the in-project layers it
        uses (its `layers`' Refs, the last one's files first: Lambda extracts them in
        order, a later layer's file replacing an earlier one's), not every layer of the
        app: a function without the layer does not run its modules."""
        if not self.layer_ids:
            return _NO_LAYERS  # (most apps: nothing to switch)
        runtime = function.runtime
        version = runtime[len("python"):] if isinstance(runtime, str) and \
            runtime.startswith("python3") else None
        return self._searching(self._on_sys_path(
            opt_order(self.layer_ids, function.layers), version))

    def _on_sys_path(self, folders: tuple[str, ...], version: str | None
                     ) -> tuple[str, ...]:
        """The folders Lambda puts on sys.path for layers whose `python/` folders are
        `folders` (in /opt order): `/opt/python/lib/python3.X/site-packages` (X the
        function's runtime, `version`), then `/opt/python`. Only the site-packages
        folders there are listed; every version the layers hold (the newest first) for
        code outside a function or a function whose runtime is not known."""
        packages: list[str] = []
        for folder in folders:
            for found in self._site_packages(folder):
                if version is None or found == f"{folder}/lib/python{version}/site-packages":
                    packages.append(found)
        return (*packages, *folders)

    def _site_packages(self, folder: str) -> tuple[str, ...]:
        """A layer `python/` folder's `lib/python3.*/site-packages` folders (the newest
        version first; listed once)."""
        found = self._layer_packages.get(folder)
        if found is None:
            lib = os.path.join(self._prefix + folder, "lib")
            try:
                names = os.listdir(lib)
            except OSError:
                names = []
            versions = sorted((name for name in names if _PYTHON_VERSION.fullmatch(name)
                               and os.path.isdir(os.path.join(lib, name, "site-packages"))),
                              key=lambda name: -int(name[len("python3."):]))
            found = self._layer_packages[folder] = tuple(
                f"{folder}/lib/{name}/site-packages" for name in versions)
        return found

    @contextmanager
    def _searching(self, folders: tuple[str, ...]) -> Iterator[None]:
        """Search these layer folders within the block, those searched before after it."""
        outer = self.layer_paths
        self._use_folders(folders)
        try:
            yield
        finally:
            self._use_folders(outer)

    def _use_folders(self, folders: tuple[str, ...]) -> None:
        """Search these layer `python/` folders, in this order."""
        self.layer_paths = folders
        found = self._no_modules.get(folders)
        if found is None:
            found = self._no_modules[folders] = set()
        self._no_module = found

    def exists(self, rel: str) -> bool:
        """Is there a regular file at this root-relative path? (answers are cached)"""
        known = self._isfile.get(rel)
        if known is None:
            known = self._isfile[rel] = os.path.isfile(self._prefix + rel)
        return known

    def parsed(self, rel: str) -> Module | None:
        """The module if its tree is held now (never parses)."""
        return self.modules.get(rel)

    def pin(self, rel: str) -> None:
        """Keep this file's tree until as many `unpin` calls (one per later user)."""
        self._pins[rel] = self._pins.get(rel, 0) + 1

    def pins(self, rel: str) -> int:
        """How many users still hold this file pinned (0: none)."""
        return self._pins.get(rel, 0)

    def unpin(self, rel: str) -> None:
        """One user of a pinned file is done with it."""
        left = self._pins.get(rel, 0) - 1
        if left > 0:
            self._pins[rel] = left
        else:
            self._pins.pop(rel, None)

    def done_with(self, rel: str) -> None:
        """A tree kept because a `before_drop` callback wanted it is not needed any more."""
        self._wanted.discard(rel)

    def release(self) -> None:
        """Drop the trees not kept (see the class); call it only where no analysis holds
        a module: between two handlers or two files."""
        if len(self.modules) > self.retain:
            kept = []
            for rel in self._tail:
                if rel in self._pins or rel in self._libraries or rel in self._wanted \
                        or not self._drop(rel):
                    kept.append(rel)
            self._tail = kept
        if not gc.isenabled():
            # the analyses' cyclic garbage since the last collection (the previous
            # handler's analysis may leave reference cycles, closures of an interpreter):
            # only the youngest objects are walked, and the trees are not among them
            # (frozen when parsed, `_parse`)
            gc.collect(0)

    def _drop(self, rel: str) -> bool:
        """Drop one tree unless a `before_drop` callback wants it; True if dropped (a
        function of its own, so no local variable holds the tree when `release` collects)."""
        module = self.modules[rel]
        wanted = False
        for callback in self.before_drop:  # each sees the tree (a loop: no closure's call)
            if callback(module):
                wanted = True
        if wanted and len(self._wanted) < self.retain_wanted:
            self._wanted.add(rel)
            return False
        del self.modules[rel]
        self._dropped_aliases[rel] = module.aliases
        # a class refers back to its module: clear that cycle so reference counting
        # frees the tree (the cyclic collector is paused or frozen during analyses)
        module.classes.clear()
        self.aws_tops.pop(rel, None)  # (its top level's values refer to the module)
        return True

    def release_all(self) -> None:
        """Drop every tree a `before_drop` callback does not want, whatever `retain`,
        pins and imports say (a forked worker's last step, analysis.handlers: the
        callbacks' summaries of the trees go back with its results)."""
        for rel in list(self.modules):
            if rel not in self._wanted:
                self._drop(rel)
        self._tail = [rel for rel in self._tail if rel in self.modules]

    def dropped_aliases(self) -> dict[str, dict[str, str]]:
        """The import aliases of the files whose trees were dropped (see `aliases`)."""
        return self._dropped_aliases

    def add_dropped_aliases(self, known: dict[str, dict[str, str]]) -> None:
        """Take the import aliases of files another process parsed and dropped."""
        for rel, aliases in known.items():
            if rel not in self.modules:
                self._dropped_aliases.setdefault(rel, aliases)

    def aliases(self, rel: str) -> dict[str, str] | None:
        """The import aliases of a module (parsed only if it never was), or None when
        it does not parse."""
        known = self._dropped_aliases.get(rel)
        if known is not None:
            return known
        module = self.try_get(rel)
        return module.aliases if module is not None else None

    def _parse(self, rel: str) -> Module:
        try:
            text = read_python(self._prefix + rel, MAX_SOURCE_BYTES)
        except InputError as exc:
            raise ParseError(exc.message, exc.line) from None
        paused = not gc.isenabled()
        if paused:  # what is young now is not the tree: garbage is not frozen below
            gc.collect(0)
        try:
            tree = _parse_quietly(text, rel)
        except SyntaxError as exc:
            raise ParseError(_syntax_message(exc), exc.lineno) from None
        except ValueError as exc:
            raise ParseError(f"is not valid Python source: {exc}") from None
        except (RecursionError, MemoryError):
            raise ParseError("is too deeply nested to parse") from None
        module = Module(rel, tree, _dotted_of_file(rel), source=text)
        _index(module)
        if paused:
            # A scan step holds the collector off (collector.paused_then_frozen): the tree
            # holds no reference cycle (its classes' is cleared when it is dropped, `_drop`)
            # and lives as long as the cache keeps it, so it is
            # moved out of the collector's sight at once (gc.freeze: no young collection
            # of `release` walks its thousands of nodes again; reference counting still
            # frees it when dropped). What else is alive now is frozen with it, as the
            # step's end freezes everything anyway.
            freeze()  # collector.freeze: not in a scan that may not freeze
        if len(self.modules) >= self.retain:
            self._tail.append(rel)
        return module

    def find(self, dotted: str, search: tuple[str, ...]) -> Module | None:
        """The local module a dotted name refers to, looked up in `search` folders
        (only at the root for a root-relative name: one with a leading dot)."""
        if dotted.startswith("."):
            dotted, search = dotted[1:], ("",)
        elif self.layer_paths:
            search = search + self.layer_paths
        for base in search:
            key = (base, dotted)
            if key in self._lookups:
                path = self._lookups[key]
            else:
                path = None
                stem = dotted.replace(".", "/")
                prefix = f"{base}/" if base else ""
                for candidate in (f"{prefix}{stem}.py", f"{prefix}{stem}/__init__.py"):
                    if self.exists(candidate):
                        path = candidate
                        break
                self._lookups[key] = path
            found = self.try_get(path) if path is not None else None
            if found is not None:
                if path not in self._libraries and len(self._libraries) < self.retain_libraries:
                    self._libraries.add(found.file)
                return found
        return None

    def lambda_import(self, dotted: str, search: tuple[str, ...]
                      ) -> tuple[Module, str] | str | None:
        """What an import of `dotted` (an alias as `add_import` records it) loads on
        Lambda, from a module whose imports are looked up in `search` (`search_path`: the
        function's code folder first; `find` adds the layers): (the project's or a
        layer's module, '') for a module, (the module, 'b') for a name `b` it defines
        (`from a import b`: `a.b`); RUNTIME for a module the runtime loaded before the
        handler (LOADED_BY_RUNTIME), whatever the folders hold; STANDARD_LIBRARY for a
        standard-library name no file of the code folder or a layer takes (only they come
        before the library on sys.path); None when no scanned file is it (a package
        bundled with the function, or a missing module)."""
        head = dotted.partition(".")[0]
        if head and head in STDLIB:  # (a relative name's head is '': none)
            if head in LOADED_BY_RUNTIME:
                return RUNTIME
            search = search[:1]
        found = self.find(dotted, search)
        if found is not None:
            return found, ""
        owner, _, name = dotted.rpartition(".")
        found = self.find(owner, search) if owner else None
        if found is not None:
            return found, name
        return STANDARD_LIBRARY if head and head in STDLIB else None

    def module_prefix(self, dotted: str, search: tuple[str, ...]
                      ) -> tuple[Module, list[str]] | None:
        """The local module named by the longest proper prefix of a dotted name (`find`)
        and the rest of the name (`a.b.c` -> the module `a.b` and `["c"]`), or None. The
        names with no such prefix are remembered (most calls name no project code: the
        files do not change during a scan)."""
        key = (dotted, search)
        if key in self._no_module:
            return None
        parts = dotted.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.find(".".join(parts[:cut]), search)
            if module is not None:
                return module, parts[cut:]
        self._no_module.add(key)
        return None


def _syntax_message(exc: SyntaxError) -> str:
    msg = exc.msg or "invalid syntax"
    text = (exc.text or "").strip()
    hint = ""
    if "Missing parentheses" in msg or text.startswith(("print ", "exec ")) or \
            re.match(r"except\s+\w+\s*,", text):
        hint = " (Python 2 code? Lambda runs Python 3)"
    return f"does not parse as Python 3: {msg}{hint}"


#: Search paths by (module file, base folder), each the one of its file's folder: they
#: depend on the folder and the base only (`_FOLDER_PATHS`, computed once per folder; the
#: file's key spares `Module.directory`'s dirname on every look-up).
_SEARCH_PATHS: dict[tuple[str, str | None], tuple[str, ...]] = {}
_FOLDER_PATHS: dict[tuple[str, str | None], tuple[str, ...]] = {}  # by (folder, base)


def search_path(module: Module, base: str | None = None) -> tuple[str, ...]:
    """Folders where a module's absolute imports may live: its base, its folder, ancestors."""
    key = (module.file, base)
    found = _SEARCH_PATHS.get(key)
    if found is None:
        if len(_SEARCH_PATHS) >= 65536:
            _SEARCH_PATHS.clear()
            _FOLDER_PATHS.clear()
        where = (module.directory, base)  # the files of a folder share their search path
        found = _FOLDER_PATHS.get(where)
        if found is None:
            found = _FOLDER_PATHS[where] = _folders(*where)
        _SEARCH_PATHS[key] = found
    return found


def _folders(current: str, base: str | None) -> tuple[str, ...]:
    dirs: list[str] = []
    if base is not None:
        dirs.append(base.strip("/").removeprefix("./") if base not in (".", "./") else "")
    while True:
        if current not in dirs:
            dirs.append(current)
        if not current:
            break
        current = os.path.dirname(current)
    return tuple(dirs)


def module_cache(app: App, facts: Facts) -> ModuleCache:
    """The scan's module cache (created on first use), so each file is parsed once: the
    files under `app.root`, and the code of the layers the project builds from its own
    folders (`app.layers`; a function's code with its own, `ModuleCache.for_function`)."""
    cache = facts.python_modules
    if not isinstance(cache, ModuleCache) or cache.root != app.root:
        cache = facts.python_modules = ModuleCache(app.root, RETAINED_MODULES,
                                                   RETAINED_LIBRARIES, RETAINED_WANTED)
        cache.use_layers(app.layers.values())
    return cache


@dataclass
class EarlyWork:
    """What a per-handler step (analysis.handlers.HANDLER_STEPS) did during handler
    resolution, kept for the whole-app analysis step it belongs to: the ids of the
    functions done, the diagnostics they produced, the exception that stopped it."""

    done: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: Exception | None = None

    def take(self, app: App) -> set[str]:
        """For the whole-app step, at its start: report the diagnostics of the early runs
        (where the step would have reported them), raise what stopped them, and return
        the ids of the functions done. What is taken is gone (a second run does all)."""
        app.diagnostics.extend(self.diagnostics)
        self.diagnostics.clear()
        done, self.done = self.done, set()
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return done


def early_work(facts: Facts, step: str) -> EarlyWork:
    """The early work of one per-handler step (its key in HANDLER_STEPS) in this scan."""
    key = f"handler_steps.{step}"
    found = facts.memo.get(key)
    if not isinstance(found, EarlyWork):
        found = facts.memo[key] = EarlyWork()
    return found
