"""Parsed JavaScript and TypeScript files, each read and parsed once per scan.

The grammars are the tree-sitter ones published as Python packages
(tree-sitter-javascript, tree-sitter-typescript); nothing is ever run by Node.
`JsModuleCache` hands out `JsModule`s (source bytes and syntax tree) and remembers files
that cannot be read, with the reason; `resolve_local` finds the file a relative
`require('./x')` / `import ... from '../x'` names, as Node and TypeScript would.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

# Node is imported at run time: compiled (mypyc), a dataclass looks its fields' classes up
# in the module's globals when it is made. This module is imported to parse JS/TS only.
from tree_sitter import Node

from faasguard.analysis.module_cache import ParsedFiles
from faasguard.analysis.nodejs import EXTENSIONS
from faasguard.loaders.documents import InputError, read_text
from faasguard.model import opt_order

if TYPE_CHECKING:
    from tree_sitter import Language, Parser

    from faasguard.analysis.facts import Facts
    from faasguard.model import Function, Layer

T = TypeVar("T")

MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: Errors in more than this share of a file's nodes: the file is reported as unparsable.
MAX_ERROR_SHARE = 0.2
#: How many wrappers (PASSTHROUGH) around one expression the engine's `ev` unwraps, and
#: how many destructuring patterns its `bind` enters one within another, before they give
#: up with RecursionError, the too-deep diagnostic's cause: the interpreter's default
#: recursion limit, where the pure build's recursion stops. Compiled (mypyc), these
#: recursions (a compiled function calling itself) did not count against the limit and ran
#: on until the C stack overflowed. Also the deepest node a code-facts match starts at.
MAX_NESTING = 1000
#: Where Lambda mounts a Node.js layer's `nodejs/` folder.
LAYER_PREFIX = "/opt/nodejs/"
#: Top-level nodes of a well-formed file besides statements and declarations.
TOP_LEVEL_OTHER = {"comment", "hash_bang_line", "html_comment"}


class JsParseError(Exception):
    """A JavaScript/TypeScript file that cannot be analysed; `line` is where, if known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@cache
def language(dialect: str) -> Language:
    """The tree-sitter grammar for "javascript", "typescript" or "tsx" (loaded once)."""
    from tree_sitter import Language

    if dialect == "javascript":
        import tree_sitter_javascript

        return Language(tree_sitter_javascript.language())
    import tree_sitter_typescript

    return Language(tree_sitter_typescript.language_tsx() if dialect == "tsx"
                    else tree_sitter_typescript.language_typescript())


@cache
def parser(dialect: str) -> Parser:
    """A tree-sitter parser for one of the grammars (created once)."""
    from tree_sitter import Parser

    return Parser(language(dialect))


#: The node fields FieldIds holds (its attributes), named here for the compiled build too,
#: whose class has neither __slots__ nor __annotations__.
_FIELD_NAMES = ("alias", "alternative", "argument", "arguments", "body", "condition",
                "consequence", "constructor", "declaration", "finalizer", "function", "handler",
                "index", "key", "left", "name", "object", "operator", "parameter", "parameters",
                "pattern", "property", "right", "source", "value")


class FieldIds:
    """The numeric ids of the node fields the analyses read, in one grammar:
    `node.child_by_field_id(ids.value)` is `node.child_by_field_name("value")` without
    looking the name up on every call (a linear search in C that cost more than the rest
    of many a visit of a node)."""

    alias: int
    alternative: int
    argument: int
    arguments: int
    body: int
    condition: int
    consequence: int
    constructor: int
    declaration: int
    finalizer: int
    function: int
    handler: int
    index: int
    key: int
    left: int
    name: int
    object: int
    operator: int
    parameter: int
    parameters: int
    pattern: int
    property: int
    right: int
    source: int
    value: int

    __slots__ = _FIELD_NAMES

    def __init__(self, lang: Language):
        for name in _FIELD_NAMES:
            found = lang.field_id_for_name(name)
            setattr(self, name, found or 0)  # 0: no such field in this grammar


@cache
def field_ids(dialect: str) -> FieldIds:
    """The field ids of one grammar (computed once)."""
    return FieldIds(language(dialect))


#: The kind id of an ERROR node (tree-sitter's `ts_builtin_sym_error`), outside the
#: grammar's `node_kind_count`.
ERROR_KIND_ID = 0xFFFF


@cache
def kind_names(dialect: str) -> dict[int, str]:
    """The node kind names of one grammar by kind id (computed once):
    `kind_names(d)[node.kind_id] == node.type`, without building a new string (and
    hashing it again) on every read."""
    lang = language(dialect)
    names: dict[int, str] = {}
    for kind_id in (*range(lang.node_kind_count), ERROR_KIND_ID):
        name = lang.node_kind_for_id(kind_id)
        if name is not None:
            names[kind_id] = name
    return names


def dialect_of(path: str) -> str:
    """The grammar a file is parsed with, from its extension."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".tsx":
        return "tsx"
    if ext in (".ts", ".mts", ".cts"):
        return "typescript"
    return "javascript"


def parse_bytes(source: bytes, dialect: str) -> Node:
    """The root node of `source` parsed with one of the grammars."""
    return parser(dialect).parse(source).root_node


@dataclass
class JsModule:
    """One parsed file (path relative to the scanned root, posix separators).

    `env` (module-level bindings) and `exports` are filled by the engine the first time
    the module's top level is evaluated; `evaluated` says whether that happened.
    """

    file: str
    source: bytes
    root: Node
    dialect: str = "javascript"
    env: dict[str, Any] = field(default_factory=dict)
    exports: dict[str, Any] = field(default_factory=dict)
    evaluated: bool = False
    names: Any = None  # names.FileIndex, built on first use
    #: per-file results of the syntactic passes ("aws": SDK calls, "jwt": token facts,
    #: "may-report": sink text, "location" and "other-words"/"other-words:no-calls":
    #: whether it holds `demand.holds_other_words`' words, "inert:<offset>": a
    #: function's), computed once however many handlers share the file (`summary`)
    summaries: dict[str, Any] = field(default_factory=dict, repr=False)

    fid: FieldIds = field(init=False, repr=False)  # the field ids of the module's grammar
    #: the node kind names of the module's grammar by kind id (`kind_names`)
    kinds: dict[int, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.fid = field_ids(self.dialect)
        self.kinds = kind_names(self.dialect)

    def summary(self, key: str, compute: Callable[[JsModule], T]) -> T:
        """`summaries[key]`, computed by `compute` on first use."""
        known = self.summaries.get(key)
        if known is None:
            known = self.summaries[key] = compute(self)
        return known

    def text(self, node: Node) -> str:
        """The source text of a node."""
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def chain_root(self, node: Node) -> Node:
        """The object a member/subscript chain starts from (`a` of `a.b[c].d`); the node
        itself when it is no such chain."""
        root = node
        while root.type in ("member_expression", "subscript_expression"):
            inner = root.child_by_field_id(self.fid.object)
            if inner is None:
                break
            root = inner
        return root


def text_of(node: Node | None) -> str:
    """The source text of a node ("" for None), read from the tree once."""
    if node is None:
        return ""
    raw = node.text
    return raw.decode() if raw else ""


def text_in(source: bytes, node: Node | None) -> str:
    """`text_of` for a node of `source` (slicing the bytes is cheaper than `node.text`)."""
    if node is None:
        return ""
    return source[node.start_byte:node.end_byte].decode()


def named_children_of(node: Node) -> Sequence[Node]:
    """`node.named_children`, without building that list when there is at most one (this
    tree-sitter lists every child, anonymous ones too, then filters them: about 2,400
    instructions, where `named_child(0)` costs some 650)."""
    count = node.named_child_count
    if count > 1:
        return node.named_children
    first = node.named_child(0) if count else None
    return (first,) if first is not None else ()


def first_named(node: Node) -> Node | None:
    """The first of the named children of a node, if any (without a list of them)."""
    return node.named_child(0) if node.named_child_count else None


def import_clause_of(statement: Node) -> Node | None:
    """The (first) import clause of an import statement, if any (its named children read
    one by one, without a list of them: the clause, if any, is nearly always the first)."""
    for index in range(statement.named_child_count):
        child = statement.named_child(index)
        if child is not None and child.type == "import_clause":
            return child
    return None


def line(node: Node) -> int:
    """The 1-based line a node starts at."""
    return node.start_point[0] + 1


def string_value(node: Node | None) -> str | None:
    """The value of a string literal (or a template string without substitutions)."""
    if node is None:
        return None
    kind = node.type
    if kind == "string":
        count = node.named_child_count
        if count < 2:  # the common cases, without a list of children
            only = node.named_child(0) if count else None
            text = only.text if only is not None and only.type in (
                "string_fragment", "escape_sequence") else None
            return text.decode("utf-8", "replace") if text else ""
        return "".join(c.text.decode("utf-8", "replace") for c in node.named_children
                       if c.type in ("string_fragment", "escape_sequence") and c.text)
    if kind == "template_string":
        parts = node.named_children
        if any(c.type == "template_substitution" for c in parts):
            return None
        return "".join(c.text.decode("utf-8", "replace") for c in parts if c.text)
    return None


def _error_share(root: Node) -> tuple[float, int | None]:
    """The share of broken top-level statements (errors, or expressions the parser's error
    recovery left standing alone), and the line of the first one."""
    if not root.has_error:
        return 0.0, None
    statements = root.named_children or [root]
    bad = [c for c in statements if c.type == "ERROR" or c.has_error or not (
        c.type.endswith(("statement", "declaration")) or c.type in TOP_LEVEL_OTHER)]
    first = next((line(c) for c in bad), None)
    return len(bad) / len(statements), first


class JsModuleCache(ParsedFiles[JsModule, JsParseError]):
    """The scan's parsed JS/TS files, by path relative to `root` (`get` raises
    JsParseError for a file that cannot be read or parsed; `try_get` gives None)."""

    error = JsParseError

    def __init__(self, root: str):
        super().__init__(root)
        self._listing: dict[str, _Listing] = {}  # folder -> its regular files
        self._resolved_root: str | None = None  # the root, links resolved (`_real_root`)
        self.functions: dict[str, Any] = {}  # the engine's top-level functions (FuncRef)
        self.class_fields: dict[Any, Any] = {}  # `this` fields module top levels set
        #: file -> Express-style routes (label, FuncRef, the event paths a schema validates)
        self.routes: dict[str, list[tuple[str, Any, frozenset[tuple[str, ...]]]]] = {}
        #: a function ("file:start byte") or validating middleware (frameworks.VALIDATED)
        #: -> the event paths validated before the function runs
        self.validated: dict[str, frozenset[tuple[str, ...]]] = {}
        #: a file whose routes an app mounts under a path (`app.use("/orders", orders)`)
        #: -> (the mounting file, that path)
        self.mounts: dict[str, tuple[str, str]] = {}
        self.graphs: dict[str, tuple[str, ...]] = {}  # file -> the files it requires
        # (dialect, text) of a module-level import of a package -> the bindings it makes
        # (engine.JsAnalyzer._replay); None: not such an import
        self.package_imports: dict[tuple[str, bytes], tuple[tuple[str, Any], ...] | None] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}  # (importer, spec) -> file
        #: folder (and file) -> the tsconfig.json path aliases that apply there (path_aliases)
        self._aliases: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {}
        #: the `nodejs/` folders of the layers the project builds from its own files (what
        #: Lambda mounts as /opt/nodejs), root-relative (`use_layers`)
        self.layer_folders: tuple[str, ...] = ()
        #: layer id (`Layer.id`) -> its `nodejs/` folder, for those layers
        self.layer_ids: dict[str, str] = {}
        #: the caches of functions that search other layer folders (`for_function`), by
        #: those folders and their package folders
        self._variants: dict[tuple[tuple[str, ...], tuple[str, ...]], JsModuleCache] = {}
        #: the folders where a bare specifier may be a layer's package: the layers'
        #: `nodejs/nodeNN/node_modules`, then their `nodejs/node_modules` (Lambda's NODE_PATH)
        self._layer_packages: tuple[str, ...] = ()
        #: a layer `nodejs/` folder -> (NN, its `nodeNN` folder) of each version it holds,
        #: the newest first (`_node_versions`: listed once, shared with the variants)
        self._versions: dict[str, tuple[tuple[int, str], ...]] = {}

    def use_layers(self, layers: Iterable[Layer]) -> None:
        """Read the code of the layers the project builds from its own folders
        (`Layer.opt_folder("nodejs")`: what Lambda extracts to /opt/nodejs): `/opt/nodejs/x`
        is that folder's `x`, and a bare specifier not found otherwise may be a package in
        its node_modules folders. (For
        the code of a function, `for_function`: the layers it uses.)"""
        self.layer_ids = {layer.id: folder for layer in layers
                          if (folder := layer.opt_folder("nodejs")) is not None}
        folders = opt_order(self.layer_ids)
        self._use_folders(folders, self._on_node_path(folders, None))

    def for_function(self, function: Function) -> JsModuleCache:
        """The cache that reads a function's code with the in-project layers it uses (its
        `layers`' Refs, the last one's files first, as Lambda extracts them in order) and
        their packages for its runtime's Node.js version (`_on_node_path`): this one when
        those are this cache's folders, else one kept for those folders (the files of its
        module graph parsed again)."""
        if not self.layer_ids:
            return self
        runtime = function.runtime
        major = runtime[len("nodejs"):-len(".x")] if isinstance(runtime, str) and \
            runtime.startswith("nodejs") and runtime.endswith(".x") else ""
        folders = opt_order(self.layer_ids, function.layers)
        packages = self._on_node_path(folders, int(major) if major.isdigit() else None)
        if folders == self.layer_folders and packages == self._layer_packages:
            return self
        found = self._variants.get((folders, packages))
        if found is None:
            found = self._variants[folders, packages] = JsModuleCache(self.root)
            found.layer_ids = {key: folder for key, folder in self.layer_ids.items()
                               if folder in folders}
            found._versions = self._versions
            found._use_folders(folders, packages)
        return found

    def _use_folders(self, folders: tuple[str, ...], packages: tuple[str, ...]) -> None:
        """Search these layer `nodejs/` folders, in this order, and these package folders
        (`_on_node_path`) for a bare specifier."""
        self.layer_folders = folders
        self._layer_packages = packages

    def _on_node_path(self, folders: tuple[str, ...], major: int | None) -> tuple[str, ...]:
        """The package folders Lambda puts on NODE_PATH for layers whose `nodejs/`
        folders are `folders` (in /opt order): `/opt/nodejs/nodeNN/node_modules` (NN the
        function's runtime's major version, `major`), then `/opt/nodejs/node_modules`.
        Every version the layers hold (the newest first: the layers are merged under
        /opt) for code outside a function or a function whose runtime is not known."""
        versions = sorted((version for folder in folders
                           for version in self._node_versions(folder)
                           if major is None or version[0] == major), key=lambda v: -v[0])
        return (*(f"{path}/node_modules" for _, path in versions),
                *(f"{folder}/node_modules" for folder in folders))

    def _node_versions(self, folder: str) -> tuple[tuple[int, str], ...]:
        """(NN, folder) of a layer `nodejs/` folder's `nodeNN` folders, the newest
        first (listed once)."""
        found = self._versions.get(folder)
        if found is None:
            try:
                names = os.listdir(os.path.join(self.root, folder))
            except OSError:
                names = []
            found = self._versions[folder] = tuple(sorted(
                ((int(n[4:]), f"{folder}/{n}") for n in names
                 if n[:4] == "node" and n[4:].isdigit()), key=lambda v: -v[0]))
        return found

    def exists(self, rel: str) -> bool:
        """Is there a regular file at this root-relative path (`rel` normalised, posix)?

        Each folder is listed once (one listing answers every candidate extension
        of every handler in it, where a `stat` per candidate cost more than parsing)."""
        folder, _, name = rel.rpartition("/")
        files = self._listing.get(folder)
        if files is None:
            files = self._listing[folder] = _regular_files(os.path.join(self.root, folder),
                                                           self._real_root())
        if name in files.names:
            return True
        # another case of a listed name: the file system decides (case-insensitive ones
        # find it, as Node would there)
        return name.lower() in files.folded and \
            os.path.isfile(os.path.join(self.root, rel))

    def _real_root(self) -> str:
        """The scanned root with its symbolic links resolved (once)."""
        if self._resolved_root is None:
            self._resolved_root = os.path.realpath(self.root)
        return self._resolved_root

    def _parse(self, rel: str) -> JsModule:
        try:
            text = read_text(os.path.join(self.root, rel), MAX_SOURCE_BYTES)
        except InputError as exc:
            raise JsParseError(exc.message, exc.line) from None
        source = text.encode("utf-8")
        dialect = dialect_of(rel)
        root = parse_bytes(source, dialect)
        share, first = _error_share(root)
        if share > MAX_ERROR_SHARE:
            raise JsParseError(f"is not valid {dialect_of(rel).replace('tsx', 'TSX')} "
                               f"(syntax error near line {first})", first)
        return JsModule(rel, source, root, dialect)

    def resolve_local(self, importer: str, spec: str) -> str | None:
        """The file a relative specifier (or one a tsconfig.json path alias maps, such as
        `@libs/db`; or a layer's: `/opt/nodejs/db`, a package of its node_modules) names
        from `importer`, or None (also for another absolute path: never read outside the
        scanned root).

        Tries the path as written, then with each extension, then `index.<ext>` inside
        it; a `.js` specifier also finds the `.ts` file (TypeScript's convention). Each
        answer is kept for the scan (the files do not change; the module graph, the
        engine, Reach and the unseen-code check ask the same ones).
        """
        key = (importer, spec)
        if key in self._resolved:
            return self._resolved[key]
        found: str | None = None
        if spec.startswith(LAYER_PREFIX):
            for folder in self.layer_folders:
                base = posixpath.normpath(f"{folder}/{spec[len(LAYER_PREFIX):]}")
                found = self._file_at(base) if base.startswith(f"{folder}/") else None
                if found is not None:
                    break
        elif not spec.startswith((".", "/")):
            for base in self.aliased(importer, spec):
                found = self._file_at(base)
                if found is not None:
                    break
            if found is None and self._layer_packages:
                found = self._layer_package(spec)
        else:
            found = self._file_at(
                posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec)))
        self._resolved[key] = found
        return found

    def aliases(self, importer: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """The tsconfig.json path aliases that apply to a file (once per folder, and
        looked up by the file: the engine asks on every `require` of a package)."""
        found = self._aliases.get(importer)
        if found is None:
            folder = posixpath.dirname(importer)
            found = self._aliases.get(folder)
            if found is None:
                from faasguard.analysis.js.tsconfig import path_aliases

                found = self._aliases[folder] = path_aliases(self.root, folder)
            self._aliases[importer] = found
        return found

    def aliased(self, importer: str, spec: str) -> list[str]:
        """The root-relative paths a path alias maps a bare specifier to (`@libs/db` with
        `"@libs/*": ["src/libs/*"]` -> `src/libs/db`), in the order tsconfig.json lists
        them; [] when none applies."""
        out: list[str] = []
        for prefix, suffix, targets in self.aliases(importer):
            if suffix == "\0":  # a pattern without `*`: the specifier itself
                if spec == prefix:
                    out.extend(t for t in targets if "*" not in t)
                continue
            if spec.startswith(prefix) and spec.endswith(suffix) and \
                    len(spec) >= len(prefix) + len(suffix):
                middle = spec[len(prefix):len(spec) - len(suffix)]
                out.extend(t.replace("*", middle) for t in targets)
        return out

    def _layer_package(self, spec: str) -> str | None:
        """The file a bare specifier names in a layer's node_modules folders (a package's
        `main`, else as a path), unless the analysis models the package (built-in
        modules, the AWS SDK, known packages: those stay modelled, not read)."""
        from faasguard.analysis.js.project import modelled_package

        if modelled_package(spec):
            return None
        for folder in self._layer_packages:
            base = f"{folder}/{spec}"
            found = self._main_of(base) or self._file_at(base)
            if found is not None:
                return found
        return None

    def _main_of(self, base: str) -> str | None:
        """The file a package folder's package.json names as its `main`, if any."""
        if not self.exists(f"{base}/package.json"):
            return None
        try:
            data = json.loads(read_text(os.path.join(self.root, base, "package.json")))
        except (InputError, ValueError):
            return None
        main = data.get("main") if isinstance(data, dict) else None
        return self._file_at(posixpath.normpath(f"{base}/{main}")) \
            if isinstance(main, str) and main else None

    def _file_at(self, base: str) -> str | None:
        """The file a root-relative path names as a specifier would (extensions, index)."""
        if base.startswith(("../", "/")) or base == "..":
            return None  # outside the scanned root (`/opt/nodejs/...`: a layer's, at run time)
        stem, ext = posixpath.splitext(base)
        candidates = [base] if ext in EXTENSIONS else []
        if ext in (".js", ".mjs", ".cjs"):
            candidates.extend(stem + e for e in (".ts", ".tsx", ".mts", ".cts"))
        candidates.extend(base + e for e in EXTENSIONS)
        candidates.extend(f"{base}/index{e}" for e in EXTENSIONS)
        return next((c for c in candidates if self.exists(c)), None)


class _Listing(NamedTuple):
    """The names of the regular files of a folder, and the same in lower case (`folded`)."""

    names: frozenset[str]
    folded: frozenset[str]


def _regular_files(folder: str, real_root: str) -> _Listing:
    """The regular files (or links to one) in a folder; none if it cannot be listed. A
    link whose target, or a folder whose real path, leaves the scanned root is left out:
    as discovery does not follow it, the module graph does not read outside the root."""
    from faasguard.scan import _within

    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            inside: bool | None = None  # is the folder itself inside the root (on first need)
            for entry in entries:
                try:
                    if not entry.is_file():
                        continue
                    if inside is None:
                        inside = _within(os.path.realpath(folder), real_root)
                    if inside and (not entry.is_symlink() or
                                   _within(os.path.realpath(entry.path), real_root)):
                        names.append(entry.name)
                except OSError:
                    continue  # as os.path.isfile: not a file we can read
    except (OSError, ValueError):  # (ValueError: a NUL in the path, from a tsconfig.json)
        pass
    return _Listing(frozenset(names), frozenset(name.lower() for name in names))


def file_summaries(cache: JsModuleCache, files: list[str], key: str,
                   compute: Callable[[JsModule], T]) -> Iterator[tuple[str, T]]:
    """(file, its `summaries[key]`) for each of these files that parses, the summary
    computed once per file however many handlers share it."""
    for file in files:
        module = cache.try_get(file)
        if module is not None:
            yield file, module.summary(key, compute)


def js_module_cache(root: str, facts: Facts, layers: Mapping[str, Layer] | None = None
                    ) -> JsModuleCache:
    """The scan's JS module cache (created on first use), so each file is parsed once; the
    code of the `layers` the project builds from its own folders (`App.layers`) is read."""
    found = facts.js_modules
    if not isinstance(found, JsModuleCache) or found.root != root:
        found = facts.js_modules = JsModuleCache(root)
        if layers:
            found.use_layers(layers.values())
    return found
