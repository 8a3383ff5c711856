"""Serverless Framework service files that are code (`serverless.ts`, `.js`, `.mjs`,
`.cjs`), read statically: nothing is compiled, imported or run.

The framework runs such a file and takes the object it exports (`module.exports = x`,
`export default x`, `export = x`) as it would take serverless.yml. `ServiceReader` parses
it with the tree-sitter grammars of the Node.js analysis (analysis.js.parse) and evaluates
the exported expression where its value is written in the source:

- object and array literals (shorthand properties, computed keys that are known, spreads
  of known objects and arrays), strings, template strings, numbers, booleans, `null`,
  string `+` concatenation, `x.key` / `x['key']` of a known object;
- `as`, `satisfies`, `<T>x`, `x!` and parentheses (the value inside);
- a function called where it is written, without arguments, whose body only returns a
  value (`(async () => ({...}))()`: the framework awaits the promise); an exported
  function is refused with a warning, as the framework refuses it (it does not call it);
- identifiers bound at the top level of the same module (`const`, `let`, `var`) that it
  never changes (an assignment, `x.a = `, `x.list.push()`, `Object.assign(x)` anywhere,
  also through a name bound to it or a part of it: `const p = x.provider; p.a = `, make
  the name unknown, with a warning);
- the default, named and namespace imports (`import`, `require`, `import x = require`,
  `export ... from`) of the project's own modules: relative specifiers and tsconfig.json
  `paths` / `baseUrl` names (as the Node.js analysis resolves them, never outside the
  scanned folder), and the project's JSON files (`require('./config.json')`); an import
  cycle is stopped where it closes;
- `handlerPath(__dirname)`, the TypeScript template's helper: a call whose one argument
  is `__dirname` of a function that returns that folder relative to the working folder,
  written as `p.split(process.cwd())[1].substring(1)` (or `.slice(1)`, `.substr(1)`) or
  `relative(process.cwd(), p)`, each optionally followed by `.replace(..., '/')`,
  `.replaceAll(..., '/')` or `.split(sep).join('/')` (separators made `/`), in a template
  string or not, returned directly or through one `const`; the value is the module's
  folder relative to the service's folder (the framework runs from there).

Anything else (a call, `process.env`, a changed name, a package's export, a function) is
an explicit `Unknown` with a note at its line, never a guess; a spread of such a value is
left out with a warning. Strings keep `${...}` Serverless variables as written (`\\${...}`
in a template string): the serverless loader resolves them as in serverless.yml.

The values carry lines as loaders.documents' do (LDict/LList). Those of an imported
module are numbered past any line the variable resolver uses (`MODULE_LINES`), and
`loaders.serverless_included.relocate` moves what is declared there to that module's file
and line after the load: a function written in src/functions/hello/index.ts is found
there. A file that cannot be read (syntax errors, no export, an export that is not an
object literal) is one diagnostic that says what was not understood; the scan goes on.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING, Any, TypeAlias

from faasguard.loaders import SERVERLESS_CODE_NAMES, SERVERLESS_NAMES, LoadContext
from faasguard.loaders.documents import (
    Document,
    InputError,
    LDict,
    LList,
    load_file,
    read_text,
)
from faasguard.loaders.variables import INCLUDED_LINES, _shift_lines
from faasguard.model import App, Diagnostic, SourceFile, Unknown

if TYPE_CHECKING:
    from tree_sitter import Node

    from faasguard.analysis.code_facts import FileFacts
    from faasguard.analysis.js.parse import JsModule, JsModuleCache

#: The n-th module the service file imports (n >= 1) has its lines numbered from
#: (MODULE_LINES + n) * INCLUDED_LINES: past those of every file `${file()}` may read.
MODULE_LINES = 1_000
#: At most this many modules are read for one service file.
MAX_MODULES = 200
#: Expressions nested deeper than this (or bindings chained further) are left unknown.
MAX_DEPTH = 200

_HELP = ("To scan it, write the configuration out with `serverless print > "
         "serverless.print.yml` in this folder (it holds resolved values: keep it out of "
         "version control)")
_FUNCTION_EXPORT = ("it exports a function, which the Serverless Framework does not call "
                    "(it takes the exported value as it is, awaits a promise, and accepts "
                    "only a plain object: write the object, or a promise of it)")
_WRAPPERS = {"as_expression", "satisfies_expression", "non_null_expression",
             "parenthesized_expression"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_SPACE = re.compile(r"\s+")
#: a number literal JavaScript reads in base 8 (`0777`; `08` and `09` are decimal)
_LEGACY_OCTAL = re.compile(r"0[0-7]+")
#: the keys a service's configuration holds, one of which the framework requires
_SERVICE_KEYS = frozenset({"service", "provider"})
#: what may follow the folder in `handlerPath`: separators made `/`
_TO_SLASH = (r"(?:\.replace(?:All)?\([^()]*,(['\"`])/\1\)"
             r"|\.split\((?:path\.)?sep\)\.join\((['\"`])/\2\))*")


#: What `serverless print` wrote beside a service file that is code (as faasguard advised
#: before it read them): the resolved configuration, read instead of the code.
PRINTED_NAMES = frozenset({"serverless.print.yml", "serverless.print.yaml"})


def read_as_service(root: str, rel: str, siblings: set[str]) -> bool:
    """Is the service file that is code at `rel` (`siblings`: its folder's file names,
    lower case) the one to read as its folder's service? Not when a serverless.yml, .yaml,
    .json or printed configuration is beside it, or a code file the framework picks before
    it; nor when it is the TypeScript compiler's output of the project's serverless.ts (a
    serverless.js in a tsconfig.json's outDir, such as the template's lib/): the framework
    reads the service folder's serverless.ts, never that copy, which read as a service of
    its own reported every finding of the service a second time."""
    name = posixpath.basename(rel).lower()
    before = SERVERLESS_CODE_NAMES[:SERVERLESS_CODE_NAMES.index(name)]
    if siblings & (SERVERLESS_NAMES | PRINTED_NAMES) or siblings.intersection(before):
        return False
    stem, extension = os.path.splitext(rel)
    if extension.lower() == ".ts":
        return True
    from faasguard.analysis.js.tsconfig import sources_of_output

    return not any(os.path.isfile(os.path.join(root, source + ".ts"))
                   for source in sources_of_output(root, stem))


def load(ctx: LoadContext) -> App:
    """The App fragment of one service file that is code (never raises on bad input): its
    evaluated export loaded as serverless.yml is, with the reader's notes first."""
    from faasguard.analysis.code_facts import FileFacts
    from faasguard.loaders import _template_secrets, finish
    from faasguard.loaders.serverless import load as load_serverless
    from faasguard.loaders.serverless_included import relocate

    reader = ServiceReader(ctx)
    try:
        doc = reader.read()
    except InputError as exc:
        notes = [n for n in reader.notes if (n.file, n.line) != (ctx.file, exc.line)]
        # (`serverless print` would fail too on a function the framework refuses)
        advice = "" if exc.message == _FUNCTION_EXPORT else f" {_HELP}"
        return App(root=ctx.root, diagnostics=[*notes, ctx.diagnostic(
            f"{exc.message}: this service's functions, events and IAM roles are not "
            f"modelled (faasguard never runs scanned code).{advice}", exc.line, "warning")])
    if isinstance(doc.data, dict) and not _SERVICE_KEYS & doc.data.keys():
        # no service: a module that happens to be named so (a handler's `src/serverless.ts`
        # beside serverless.yml), which the framework would refuse as one; its code is
        # read as any handler's
        return App(root=ctx.root)
    # the text of every module read: a secret may be written in any of them
    text = "\n".join(module.js.source.decode("utf-8", "replace")
                     for module in reader.modules.values() if module is not None)
    secrets = _template_secrets(doc, text, ctx, "serverless")
    fragment = load_serverless(doc, ctx)
    relocate(fragment, reader.place, ctx.root, (MODULE_LINES + 1) * INCLUDED_LINES)
    if secrets is not None:
        # the imported modules that write values of the configuration are part of it too
        fragment.files.extend(SourceFile(module.rel, "serverless",
                                         facts=_module_facts(module, written, secrets))
                              for module, written in reader.writers())
    main = reader.modules.get(ctx.file.replace(os.sep, "/"))
    for source in fragment.files:
        if source.path == ctx.file:
            # its secrets are judged as serverless.yml's are (FG-DATA-001/002, not
            # FG-DATA-003 a second time), the rest of its code as code
            source.facts = _module_facts(main, reader.written.get(main.rel, {}), secrets) \
                if secrets is not None and main is not None else FileFacts(ctx.file)
    # the JSON files it read are part of the service, as `${file()}`'s are: listed after
    # it, they are not loaded again as templates of their own (scan.load_app)
    fragment.files.extend(SourceFile(path, "serverless") for path, data in reader.data.items()
                          if not isinstance(data, Unknown))
    finish(ctx.root, fragment)
    fragment.root = ctx.root
    fragment.diagnostics[:0] = reader.notes
    return fragment


# --------------------------------------------------------------------------- values


# (plain classes, not dataclasses: a dataclass gets precompiled methods, a table kept for
# the model's; these few values live only while one file is read)
class _DirName:
    """`__dirname` in a module: its folder (root-relative)."""

    __slots__ = ("folder",)

    def __init__(self, folder: str):
        self.folder = folder


class _PathHelper:
    """A function recognised as the template's `handlerPath`."""

    __slots__ = ()


class _Namespace:
    """A module's exports as one value (`import * as m`, `require` of an ES module)."""

    __slots__ = ("module",)

    def __init__(self, module: str):
        self.module = module


class _Module:
    """One parsed module and its top-level names: `bindings` (name -> how it is bound),
    `exports` (exported name -> where its value comes from), `values` (those computed)."""

    __slots__ = ("rel", "js", "index", "bindings", "exports", "values", "changed", "stars",
                 "es_default")

    def __init__(self, rel: str, js: JsModule, index: int):
        self.rel = rel
        self.js = js
        self.index = index  # 0: the service file; n: its n-th imported module
        self.bindings: dict[str, tuple[Any, ...]] = {}
        self.exports: dict[str, tuple[Any, ...]] = {}
        self.values: dict[str, Any] = {}
        self.stars: list[Node] = []  # its `export * from` statements
        #: its default export is an ES module's (`export default`), not CommonJS's
        #: `module.exports =` or TypeScript's `export =`: `require()` gives its namespace
        self.es_default = False
        #: name -> the first line that changes it, and the alias it is changed through
        self.changed: dict[str, tuple[int, str]] = {}

    def line(self, node: Node) -> int:
        """The line of `node` as the document numbers it."""
        own = node.start_point[0] + 1
        return own if self.index == 0 else (MODULE_LINES + self.index) * INCLUDED_LINES + own

    def own_line(self, node: Node) -> int:
        """The line of `node` in its own file."""
        return int(node.start_point[0]) + 1


class ServiceReader:
    """Evaluates the configuration a service file exports (see the module docstring)."""

    def __init__(self, ctx: LoadContext):
        from faasguard.analysis.js.parse import JsModuleCache

        self.ctx = ctx
        self.cache: JsModuleCache = JsModuleCache(ctx.root)
        self.service_dir = posixpath.dirname(ctx.file.replace(os.sep, "/"))
        self.modules: dict[str, _Module | None] = {}
        self.order: list[str] = []  # imported modules (and JSON files), by index - 1
        self.data: dict[str, Any] = {}  # JSON file -> its data
        self.notes: list[Diagnostic] = []
        self._active: list[tuple[str, str]] = []  # (module, name) being evaluated
        self._noted: set[tuple[str, int, str]] = set()
        self._depth = 0
        self._quiet = 0  # > 0: notes are not kept (a callee looked at for `handlerPath`)
        self._walking: set[str] = set()  # modules whose `export *` are being followed
        #: module -> line -> the values of the string literals written there that the
        #: configuration was computed from (a module that wrote an object or array of
        #: it: at least empty)
        self.written: dict[str, dict[int, set[str]]] = {}

    # ------------------------------------------------------------------ public

    def read(self) -> Document:
        """The service file's exported configuration as a document (raises InputError
        when there is none the reader understands)."""
        read_text(self.ctx.abs_path, self.ctx.max_bytes)  # size, binary, encoding: refused
        main = self._module(self.ctx.file.replace(os.sep, "/"), None, None)
        if main is None:
            raise InputError("cannot be read")
        exported = main.exports.get("default")
        if exported is None:
            raise InputError("exports no configuration (no `module.exports =`, `export "
                             "default` or `export =` at its top level)")
        if _is_function(main, exported[-1]):
            raise InputError(_FUNCTION_EXPORT, main.own_line(exported[-1]))
        changed = main.changed.get("module.exports")
        if changed is not None and changed[0] > main.own_line(exported[-1]) and \
                _SPACE.sub("", main.js.text(exported[-1].parent or exported[-1])
                           ).startswith("module.exports="):
            self._note(main, changed[0], f"'module.exports' is changed after it is "
                       f"assigned (line {changed[0]}): its value is left unknown", "warning")
            raise InputError("its exported configuration is not an object the scanner can "
                             "read statically (module.exports, changed after it is "
                             "assigned)", main.own_line(exported[-1]))
        value = self._export(main, "default", exported)
        if isinstance(value, _Namespace):
            value = Unknown("a module's namespace")
        if not isinstance(value, LDict):
            what = value.text if isinstance(value, Unknown) else type(value).__name__
            raise InputError(f"its exported configuration is not an object the scanner "
                             f"can read statically ({what})", main.own_line(exported[-1]))
        _without_undefined(value)  # as the framework's JSON copy of the export drops them
        # (no `text`: the variable resolver would take it for the lines of every value,
        # and skip the `${` of an imported module's, numbered past it)
        return Document(value)

    def writers(self) -> list[tuple[_Module, dict[int, set[str]]]]:
        """The imported modules (not the service file) that wrote values of the
        configuration, with the string literals the reader evaluated there, by line."""
        found = []
        for rel, lines in self.written.items():
            module = self.modules.get(rel)
            if module is not None and module.index:
                found.append((module, lines))
        return found

    def place(self, line: int) -> tuple[str | None, int]:
        """Where a line of the document was written: (the absolute path of the imported
        module, its line there), or (None, line) for the service file's own lines."""
        index, own = divmod(line, INCLUDED_LINES)
        index -= MODULE_LINES
        if 1 <= index <= len(self.order):
            return os.path.realpath(os.path.join(self.ctx.root, self.order[index - 1])), own
        return None, line

    # ------------------------------------------------------------------ modules

    def _note(self, module: _Module | str, line: int | None, message: str,
              level: str = "note") -> None:
        if self._quiet and level == "note":
            return
        rel = module.rel if isinstance(module, _Module) else module
        key = (rel, line or 0, message)
        if key not in self._noted:
            self._noted.add(key)
            self.notes.append(Diagnostic(rel, message, line, level,  # type: ignore[arg-type]
                                         "service-code"))

    def _module(self, rel: str, importer: _Module | None, at: Node | None) -> _Module | None:
        """The parsed module at `rel` (None, with a warning at the import, when it cannot
        be read)."""
        from faasguard.analysis.js.parse import JsParseError

        if rel in self.modules:
            return self.modules[rel]
        if importer is not None and len(self.order) >= MAX_MODULES:
            self._note(importer, importer.own_line(at) if at else None,
                       f"more than {MAX_MODULES} modules imported; {rel} not read", "warning")
            return None
        js: JsModule | None = None
        try:
            js = self.cache.get(rel)
        except JsParseError as exc:
            line = _error_line(self.ctx.root, rel) or exc.line
            problem = f"syntax error near line {line}" if "not valid" in exc.message \
                else exc.message
        else:
            line = _first_error(js.root)
            problem = f"syntax error near line {line}" if line else ""
        if js is None or problem:
            self.modules[rel] = None
            if importer is None:
                raise InputError(problem, line)
            self._note(importer, importer.own_line(at) if at else None,
                       f"{rel}: {problem}; what it exports is left unknown", "warning")
            return None
        index = 0
        if importer is not None:
            self.order.append(rel)
            index = len(self.order)
        module = self.modules[rel] = _Module(rel, js, index)
        try:
            self._scan(module)
        except _NoCharacter as exc:  # in an imported or exported name: JavaScript refuses it
            self.modules[rel] = None
            problem = f"syntax error near line {exc.line}: `{exc}` names no character"
            if importer is None:
                raise InputError(problem, exc.line) from None
            self._note(importer, importer.own_line(at) if at else None,
                       f"{rel}: {problem}; what it exports is left unknown", "warning")
            return None
        return module

    def _scan(self, module: _Module) -> None:
        """Record a module's top-level bindings and exports (nothing evaluated yet)."""
        text = module.js.text
        for statement in module.js.root.named_children:
            kind = statement.type
            try:
                if kind == "import_statement":
                    self._scan_import(module, statement)
                elif kind in ("lexical_declaration", "variable_declaration"):
                    self._scan_declaration(module, statement)
                elif kind in ("function_declaration", "generator_function_declaration"):
                    name = statement.child_by_field_name("name")
                    if name is not None:
                        module.bindings[text(name)] = ("function", statement)
                elif kind == "export_statement":
                    self._scan_export(module, statement)
                elif kind == "expression_statement":
                    self._scan_assignment(module, statement)
            except _NoCharacter as exc:  # a quoted name's escape: located at its line
                written = text(statement)
                exc.line = module.own_line(statement) + \
                    written[:max(written.find(str(exc)), 0)].count("\n")
                raise
        module.changed = _changed_names(module)

    def _scan_import(self, module: _Module, statement: Node) -> None:
        from faasguard.analysis.js.parse import import_clause_of, string_value

        text = module.js.text
        for part in statement.named_children:  # TypeScript's `import x = require('./x')`
            if part.type == "import_require_clause":
                local = part.named_child(0)
                required = string_value(part.child_by_field_name("source"))
                if local is not None and local.type == "identifier" and required is not None:
                    module.bindings[text(local)] = ("require", required, statement)
        spec = string_value(statement.child_by_field_name("source"))
        clause = import_clause_of(statement)
        if spec is None or clause is None:
            return
        for part in clause.named_children:
            if part.type == "identifier":
                module.bindings[text(part)] = ("import", spec, "default", statement)
            elif part.type == "namespace_import":
                for bound in part.named_children:
                    module.bindings[text(bound)] = ("import", spec, "*", statement)
            elif part.type == "named_imports":
                for item in part.named_children:
                    if item.type != "import_specifier":
                        continue
                    name = item.child_by_field_name("name")
                    alias = item.child_by_field_name("alias") or name
                    if name is not None and alias is not None:
                        module.bindings[text(alias)] = ("import", spec, _name(text(name)),
                                                        statement)

    def _scan_declaration(self, module: _Module, statement: Node) -> None:
        """`const`, `let` and `var` alike: a name changed after its declaration is left
        unknown (`_changed_names`), so a name bound once is as good as a constant."""
        text = module.js.text
        for declarator in statement.named_children:
            if declarator.type != "variable_declarator":
                continue
            target = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if target is None:
                continue
            if target.type == "identifier":
                module.bindings[text(target)] = ("const", value) if value is not None \
                    else ("mutable", declarator)
            elif target.type == "object_pattern" and value is not None:
                for item in target.named_children:  # const { a, b: c } = value
                    if item.type == "shorthand_property_identifier_pattern":
                        module.bindings[text(item)] = ("member", value, text(item))
                    elif item.type == "pair_pattern":
                        key = item.child_by_field_name("key")
                        local = item.child_by_field_name("value")
                        if key is not None and local is not None and \
                                local.type == "identifier":
                            module.bindings[text(local)] = ("member", value,
                                                            _key_text(text(key)))

    def _scan_export(self, module: _Module, statement: Node) -> None:
        from faasguard.analysis.js.parse import string_value

        text = module.js.text
        default = any(child.type == "default" for child in statement.children)
        declaration = statement.child_by_field_name("declaration")
        source = statement.child_by_field_name("source")
        value = statement.child_by_field_name("value")
        if declaration is not None:
            before = set(module.bindings)
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                self._scan_declaration(module, declaration)
            else:
                name = declaration.child_by_field_name("name")
                if name is not None:
                    module.bindings[text(name)] = ("function", declaration)
                if default:
                    module.exports["default"] = ("node", declaration)
                    module.es_default = True
            for bound in set(module.bindings) - before:
                module.exports[bound] = ("local", bound, declaration)
            return
        if value is not None and default:
            module.exports["default"] = ("node", value)
            module.es_default = True
            return
        clause = next((c for c in statement.named_children if c.type == "export_clause"), None)
        spec = string_value(source) if source is not None else None
        if clause is not None:
            for item in clause.named_children:
                name = item.child_by_field_name("name")
                alias = item.child_by_field_name("alias") or name
                if name is None or alias is None:
                    continue
                exported = _name(text(alias))
                module.exports[exported] = ("from", spec, _name(text(name)), statement) \
                    if spec is not None else ("local", text(name), statement)
                module.es_default = module.es_default or exported == "default"
            return
        if spec is not None:  # export * from './x'
            module.exports.setdefault("*", ("star", statement))
            module.stars.append(statement)
            return
        named = [c for c in statement.named_children if c is not source]
        if len(named) == 1 and any(c.type == "=" for c in statement.children):
            module.exports["default"] = ("node", named[0])  # export = value

    def _scan_assignment(self, module: _Module, statement: Node) -> None:
        """`module.exports = x`, `module.exports.a = x`, `exports.a = x`."""
        assignment = statement.named_children[0] if statement.named_child_count else None
        if assignment is None or assignment.type != "assignment_expression":
            return
        left = assignment.child_by_field_name("left")
        right = assignment.child_by_field_name("right")
        if left is None or right is None:
            return
        target = _SPACE.sub("", module.js.text(left))
        if target == "module.exports":
            module.exports["default"] = ("node", right)
        elif target.startswith(("module.exports.", "exports.")) and \
                "default" not in module.exports:  # (after it: a change, `_changed_names`)
            name = target.removeprefix("module.").removeprefix("exports.")
            if name.isidentifier():
                module.exports[name] = ("node", right)

    def _import(self, module: _Module, spec: str, at: Node) -> _Module | None:
        """The project module `spec` names from `module` (None, with a note, when it is
        a package or cannot be read)."""
        found = self.cache.resolve_local(module.rel, spec)
        if found is None and not spec.startswith((".", "/")):
            found = self._base_url(module.rel, spec)
        if found is None:
            if spec.startswith("."):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(module.rel), spec))
                why = "leaves the scanned folder: not read" if target == ".." or \
                    target.startswith("../") else "names no file of the project"
                self._note(module, module.own_line(at), f"import '{spec}' {why}, what "
                           "it exports is left unknown", "warning")
            else:
                self._note(module, module.own_line(at), f"'{spec}' is a package or a file "
                           "outside the scanned folder: what it exports is left unknown")
            return None
        return self._module(found, module, at)

    def _required(self, module: _Module, spec: str, at: Node) -> Any:
        """What `require(spec)` gives: a CommonJS module's `module.exports` (its default),
        an ES module's namespace, a JSON file's data."""
        if spec.lower().endswith(".json"):
            return self._json(module, spec, at)
        if spec.startswith(".") and self.cache.resolve_local(module.rel, spec) is None and \
                self.cache.exists(posixpath.normpath(posixpath.join(
                    posixpath.dirname(module.rel), spec + ".json"))):
            return self._json(module, spec + ".json", at)  # Node.js tries .js, then .json
        target = self._import(module, spec, at)
        if target is None:
            return Unknown(f"require('{spec}')")
        if "default" in target.exports and not target.es_default:
            return self._export(target, "default")
        return _Namespace(target.rel)  # (its `.default` is an ES module's default export)

    def _json(self, module: _Module, spec: str, at: Node) -> Any:
        """The data of a JSON file of the project a module imports or requires (its lines
        numbered as an imported module's); Unknown, with a warning, when it cannot be
        read."""
        target = posixpath.normpath(posixpath.join(posixpath.dirname(module.rel), spec))
        if not spec.startswith(".") or target == ".." or target.startswith("../") or \
                not self.cache.exists(target):
            why = "is not a JSON file of the scanned folder" if spec.startswith(".") \
                else "is a package's file"
            self._note(module, module.own_line(at), f"'{spec}' {why}: not read, its value "
                       "is left unknown", "warning" if spec.startswith(".") else "note")
            return Unknown(f"'{spec}'")
        if target in self.data:
            return self.data[target]
        try:
            data = load_file(os.path.join(self.ctx.root, target), self.ctx.max_bytes).data
        except InputError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            self._note(module, module.own_line(at), f"{target}: {exc.message}{where}; its "
                       "value is left unknown", "warning")
            data = Unknown(f"'{spec}'")
        else:
            self.order.append(target)
            _shift_lines(data, (MODULE_LINES + len(self.order)) * INCLUDED_LINES)
        self.data[target] = data
        return data

    def _base_url(self, importer: str, spec: str) -> str | None:
        """A bare specifier resolved from the nearest tsconfig.json's `baseUrl` (without
        `paths`, which the Node.js analysis already maps)."""
        from faasguard.analysis.js.tsconfig import _compiler_options

        folder = posixpath.dirname(importer)
        while True:
            base = _compiler_options(self.ctx.root, folder).get("baseUrl")
            if isinstance(base, str) and base.strip():
                target = posixpath.normpath(posixpath.join(folder, base.strip(), spec))
                return None if target.startswith("../") else \
                    self.cache.resolve_local(f"{folder}/x" if folder else "x",
                                             "./" + posixpath.relpath(target, folder or "."))
            if not folder or folder == ".":
                return None
            folder = posixpath.dirname(folder)

    # ------------------------------------------------------------------ names

    def _export(self, module: _Module, name: str, entry: tuple[Any, ...] | None = None,
                importer: tuple[_Module, Node] | None = None) -> Any:
        """The value `module` exports as `name` ("default", a name, "*": its namespace);
        `importer`: the module and statement asking for it, where a name `module` does not
        export is said."""
        if name == "*":
            return _Namespace(module.rel)
        key = f"export {name}"
        if key in module.values:
            return module.values[key]
        entry = entry or module.exports.get(name)
        if entry is None:
            default = module.exports.get("default")
            whole = self._export(module, "default") if default is not None and \
                name != "default" else None
            if isinstance(whole, LDict) and name in whole:  # a CommonJS object's key
                return whole[name]
            found, unread = self._from_stars(module, name)
            if found is not _MISSING:
                return found
            if unread is not None:
                return self._unknown(module, unread, "a name `export * from` may give")
            if importer is not None and (whole is None or isinstance(whole, LDict)):
                self._note(importer[0], importer[0].own_line(importer[1]), f"{module.rel} "
                           f"exports no '{name}': its value is left unknown", "warning")
            return Unknown(f"{name} of {module.rel}")
        if (module.rel, key) in self._active:
            return self._cycle(module, entry[-1], name)
        if self._depth >= MAX_DEPTH:  # (imports chained: each a level, as nesting is)
            return self._unknown(module, entry[-1], f"nested more than {MAX_DEPTH} levels")
        self._active.append((module.rel, key))
        self._depth += 1
        try:
            kind = entry[0]
            if kind == "node":
                value = self._eval(module, entry[1])
            elif kind == "local":
                value = self._name(module, entry[1], entry[2])
            else:  # ("from", spec, name, at): a re-export
                target = self._import(module, entry[1], entry[3])
                value = self._export(target, entry[2], importer=(module, entry[3])) \
                    if target is not None else Unknown(f"{entry[2]} of '{entry[1]}'")
        finally:
            self._active.pop()
            self._depth -= 1
        module.values[key] = value
        return value

    def _name(self, module: _Module, name: str, at: Node) -> Any:
        """The value of an identifier at the top level of `module`."""
        if name == "__dirname":
            return _DirName(posixpath.dirname(module.rel))
        if name in module.values:
            return module.values[name]
        binding = module.bindings.get(name)
        if binding is None:
            return self._unknown(module, at, "a name not bound at the module's top level")
        changed = module.changed.get(name)
        if changed is not None and binding[0] in ("const", "member", "mutable", "import",
                                                  "require"):
            line, via = changed
            where = f"line {line}, through '{via}'" if via else f"line {line}"
            self._note(module, line, f"'{name}' is changed after it is declared ({where}): "
                       "its value is left unknown", "warning")
            value = module.values[name] = Unknown(name)
            return value
        if (module.rel, name) in self._active:
            return self._cycle(module, at, name)
        self._active.append((module.rel, name))
        try:
            value = self._bound(module, name, binding, at)
        finally:
            self._active.pop()
        module.values[name] = value
        return value

    def _bound(self, module: _Module, name: str, binding: tuple[Any, ...], at: Node) -> Any:
        kind = binding[0]
        if kind == "const":
            return self._eval(module, binding[1])
        if kind == "member":
            return self._member(module, self._eval(module, binding[1]), binding[2], at)
        if kind == "function":
            return _PathHelper() if _is_path_helper(module, binding[1]) else \
                Unknown(f"function {name}")
        if kind == "require":
            return self._required(module, binding[1], binding[2])
        if kind == "import":
            spec, imported, statement = binding[1], binding[2], binding[3]
            if spec.lower().endswith(".json"):
                data = self._json(module, spec, statement)
                return data if imported in ("default", "*") else \
                    self._member(module, data, imported, statement)
            target = self._import(module, spec, statement)
            return self._export(target, imported, importer=(module, statement)) \
                if target is not None else Unknown(f"{imported} of '{spec}'")
        return self._unknown(module, binding[1], f"'{name}' is declared without a value")

    def _cycle(self, module: _Module, at: Node, name: str) -> Unknown:
        files = [rel for index, (rel, _) in enumerate(self._active)
                 if index == 0 or self._active[index - 1][0] != rel]
        if files[-1] != module.rel:
            files.append(module.rel)
        self._note(module, module.own_line(at), f"import cycle ({' -> '.join(files)}): "
                   f"'{name}' is needed to compute itself; its value is left unknown",
                   "warning")
        return Unknown(f"cycle at {name}")

    def _unknown(self, module: _Module, node: Node, why: str) -> Unknown:
        text = _SPACE.sub(" ", module.js.text(node)).strip()
        text = text if len(text) <= 60 else text[:57] + "..."
        self._note(module, module.own_line(node), f"`{text}` is not evaluated statically "
                   f"({why}); its value is left unknown")
        return Unknown(text)

    # ------------------------------------------------------------------ expressions

    def _eval(self, module: _Module, node: Node) -> Any:
        """The value of an expression of `module`."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                return self._unknown(module, node, f"nested more than {MAX_DEPTH} levels")
            return self._value(module, node)
        except _NoCharacter as exc:  # JavaScript refuses the file
            line = module.own_line(node)
            problem = f"syntax error near line {line}: `{exc}` names no character"
            if module.index == 0:
                raise InputError(problem, line) from None
            self._note(module, line, f"{problem}; its value is left unknown", "warning")
            return Unknown(str(exc))
        finally:
            self._depth -= 1

    def _value(self, module: _Module, node: Node) -> Any:  # noqa: C901 - one case per kind
        kind = node.type
        text = module.js.text
        if kind in ("object", "array", "string", "template_string"):
            written = self.written.setdefault(module.rel, {})
            if kind == "object":
                return self._object(module, node)
            if kind == "array":
                return self._array(module, node)
            value = _string(text(node)) if kind == "string" else self._template(module, node)
            if isinstance(value, str):
                written.setdefault(module.own_line(node), set()).add(value)
            return value
        if kind == "number":
            return _number(text(node))
        if kind in ("true", "false"):
            return kind == "true"
        if kind == "null":
            return None
        if kind == "undefined":
            return _UNDEFINED
        if kind in _WRAPPERS:
            inner = node.named_child(0)
            return self._eval(module, inner) if inner is not None else None
        if kind == "type_assertion":  # <T>value
            inner = node.named_child(node.named_child_count - 1)
            return self._eval(module, inner) if inner is not None else None
        if kind == "identifier":
            return self._name(module, text(node), node)
        if kind == "unary_expression" and text(node).lstrip()[:1] in "-+":
            argument = node.child_by_field_name("argument")
            value = self._eval(module, argument) if argument is not None else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return -value if text(node).lstrip()[0] == "-" else value
        if kind == "binary_expression":
            return self._plus(module, node)
        if kind in ("member_expression", "subscript_expression"):
            return self._access(module, node)
        if kind == "call_expression":
            return self._call(module, node)
        if kind in ("arrow_function", "function_expression", "function"):
            return _PathHelper() if _is_path_helper(module, node) else \
                self._unknown(module, node, "a function")
        return self._unknown(module, node, "code the scanner does not run")

    def _value_of(self, module: _Module, node: Node) -> Any:
        """The value of an expression written as an object's or array's item: a module
        namespace is its named exports (`functions: ns`), as in JavaScript."""
        value = self._eval(module, node)
        return self._namespace_object(value, module.line(node)) \
            if isinstance(value, _Namespace) else value

    def _object(self, module: _Module, node: Node) -> LDict:
        text = module.js.text
        result = LDict()
        result.line, result.end_line = module.line(node), module.line(node) + \
            node.end_point[0] - node.start_point[0]
        lines = result.key_lines
        for item in node.named_children:
            kind = item.type
            if kind == "pair":
                key_node = item.child_by_field_name("key")
                value_node = item.child_by_field_name("value")
                if key_node is None or value_node is None:
                    continue
                key = self._key(module, key_node)
                if isinstance(key, Unknown):
                    continue
                value = self._value_of(module, value_node)
            elif kind == "shorthand_property_identifier":
                key = text(item)
                value = self._name(module, key, item)
                if isinstance(value, _Namespace):  # `{ functions }`: its named exports
                    value = self._namespace_object(value, module.line(item))
                if isinstance(value, (LDict, LList)) and value.line:
                    # `{ hello }`: declared where its object is written (another module's)
                    result[key] = value
                    lines[key] = value.line
                    continue
            elif kind == "spread_element":
                spread = self._spread(module, item)
                if isinstance(spread, dict):
                    for key, value in spread.items():
                        result[key] = value
                        lines[key] = spread.line_of(key) if isinstance(spread, LDict) \
                            else module.line(item)
                continue
            elif kind == "comment":
                continue
            else:  # a method, a getter: code
                name = item.child_by_field_name("name")
                if name is None:
                    continue
                key = _key_text(text(name))
                value = self._unknown(module, item, "a method")
            # (a key set to `undefined` stays until the end: a spread copies it, and it
            # hides the key of an object spread before; `_without_undefined`)
            result[key] = value
            lines[key] = module.line(item)
        return result

    def _key(self, module: _Module, node: Node) -> str | Unknown:
        text = module.js.text(node)
        if node.type == "computed_property_name":
            inner = node.named_child(0)
            value = self._eval(module, inner) if inner is not None else None
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(_js_string(value))
            return self._unknown(module, node, "a computed key")
        if node.type == "string":
            return _string(text)
        if node.type == "number":
            number = _number(text)
            return str(_js_string(number)) if not isinstance(number, Unknown) else text
        return text

    def _array(self, module: _Module, node: Node) -> LList:
        result = LList()
        result.line, result.end_line = module.line(node), module.line(node) + \
            node.end_point[0] - node.start_point[0]
        lines = result.item_lines
        for item in node.named_children:
            if item.type == "comment":
                continue
            if item.type == "spread_element":
                spread = self._spread(module, item)
                if isinstance(spread, list):
                    for index, value in enumerate(spread):
                        result.append(value)
                        lines.append(spread.line_of(index) if isinstance(spread, LList)
                                     else module.line(item))
                continue
            value = self._value_of(module, item)
            result.append(None if value is _UNDEFINED else value)
            lines.append(module.line(item))
        return result

    def _spread(self, module: _Module, node: Node) -> Any:
        inner = node.named_child(0)
        value = self._eval(module, inner) if inner is not None else None
        if isinstance(value, _Namespace):
            value = self._namespace_object(value, module.line(node))
        if isinstance(value, (dict, list)):
            return value
        if value is None or value is _UNDEFINED:
            return None  # `...undefined` adds nothing
        # a warning: the keys it may set are missing, so a setting it would have made
        # reads as not written
        self._note(module, module.own_line(node), f"`{_SPACE.sub(' ', module.js.text(node))}`"
                   " spreads a value not known statically; what it adds is left out "
                   "(a setting it makes reads as not written)", "warning")
        return None

    def _namespace_object(self, namespace: _Namespace, line: int) -> LDict:
        """A module's named exports as one object (`{...namespace}`), those its `export *
        from` statements give too (its own first; `default` is not one)."""
        module = self.modules[namespace.module]
        assert module is not None
        result = LDict()
        result.line = result.end_line = line
        for name, entry in module.exports.items():
            if name not in ("default", "*"):
                value = result[name] = self._export(module, name)
                # an object or list written elsewhere (`export { hello } from './hello'`)
                # is declared where it is written, as a shorthand property's is
                result.key_lines[name] = value.line if isinstance(value, (LDict, LList)) \
                    and value.line else module.line(entry[-1])
        if module.rel in self._walking:  # a cycle of `export *`: what it gives is here
            return result
        self._walking.add(module.rel)
        try:
            for statement in module.stars:
                target = self._star_target(module, statement)
                if target is None:
                    written = _SPACE.sub(" ", module.js.text(statement))
                    self._note(module, module.own_line(statement), f"`{written}` gives "
                               "names not known statically; they are left out (a setting "
                               "they make reads as not written)", "warning")
                    continue
                given = self._namespace_object(_Namespace(target.rel), line)
                for name, value in given.items():
                    if name not in result and name != "default":
                        result[name] = value
                        result.key_lines[name] = given.line_of(name)
        finally:
            self._walking.discard(module.rel)
        return result

    def _star_target(self, module: _Module, statement: Node) -> _Module | None:
        """The project module an `export * from` statement names (None: not read)."""
        from faasguard.analysis.js.parse import string_value

        spec = string_value(statement.child_by_field_name("source"))
        return self._import(module, spec, statement) if spec is not None else None

    def _from_stars(self, module: _Module, name: str) -> tuple[Any, Node | None]:
        """The value the `export * from` statements of `module` give as `name`
        (`_MISSING` when none does), and the first of them that could not be read (a
        package's), if any."""
        unread: Node | None = None
        if name == "default" or module.rel in self._walking:
            return _MISSING, None
        self._walking.add(module.rel)
        try:
            for statement in module.stars:
                target = self._star_target(module, statement)
                if target is None:
                    unread = unread or statement
                    continue
                if name in target.exports and name != "*":
                    return self._export(target, name), None
                found, inner = self._from_stars(target, name)
                if found is not _MISSING:
                    return found, None
                unread = unread or inner
        finally:
            self._walking.discard(module.rel)
        return _MISSING, unread

    def _template(self, module: _Module, node: Node) -> Any:
        text = module.js.text
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(text(child))
            elif child.type == "escape_sequence":
                parts.append(_escape(text(child)))
            elif child.type == "template_substitution":
                inner = child.named_child(0)
                value = self._eval(module, inner) if inner is not None else None
                piece = _js_string(value)
                if piece is None:
                    return Unknown(_SPACE.sub(" ", text(node))[:80])
                parts.append(piece)
        return _paired("".join(parts))

    def _plus(self, module: _Module, node: Node) -> Any:
        operator = node.child_by_field_name("operator")
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if operator is None or module.js.text(operator) != "+" or left_node is None or \
                right_node is None:
            return self._unknown(module, node, "an operator other than +")
        left = self._eval(module, left_node)
        right = self._eval(module, right_node)
        if isinstance(left, str) or isinstance(right, str):
            left_text, right_text = _js_string(left), _js_string(right)
            if left_text is not None and right_text is not None:
                return left_text + right_text
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool)
                 for v in (left, right)):
            try:
                return left + right
            except OverflowError:  # a BigInt past any double: JavaScript refuses mixing them
                pass
        return Unknown(_SPACE.sub(" ", module.js.text(node))[:80])

    def _access(self, module: _Module, node: Node) -> Any:
        holder = node.child_by_field_name("object")
        if holder is None:
            return self._unknown(module, node, "an access")
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            key: Any = module.js.text(prop) if prop is not None else None
        else:
            index = node.child_by_field_name("index")
            key = self._eval(module, index) if index is not None else None
        if _SPACE.sub("", module.js.text(holder)) in ("process.env", "process", "module"):
            return self._unknown(module, node, "known only where the framework runs")
        return self._member(module, self._eval(module, holder), key, node)

    def _member(self, module: _Module, holder: Any, key: Any, at: Node) -> Any:
        """`holder[key]` of a known object, array or module namespace."""
        if isinstance(holder, _Namespace):
            target = self.modules.get(holder.module)
            return self._export(target, str(key), importer=(module, at)) \
                if target is not None and isinstance(key, str) else Unknown(str(key))
        if isinstance(holder, dict) and isinstance(key, (str, int, float)):
            name = _js_string(key)  # (a number or boolean key is its string)
            if name in holder:
                return holder[name]
            return self._unknown(module, at, f"no key '{name}' in the object")
        if isinstance(holder, list) and isinstance(key, (int, float)) and \
                not isinstance(key, bool) and (isinstance(key, int) or key.is_integer()) and \
                0 <= key < len(holder):
            return holder[int(key)]
        if isinstance(holder, Unknown):
            return Unknown(_SPACE.sub(" ", module.js.text(at))[:80])
        return self._unknown(module, at, "an access the scanner cannot follow")

    def _call(self, module: _Module, node: Node) -> Any:
        from faasguard.analysis.js.parse import string_value

        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] \
            if arguments is not None else []
        if callee is None:
            return self._unknown(module, node, "a call")
        returned = _invoked_literal(module, callee) if not args else None
        if returned is not None:  # (async () => ({...}))(): the promise of that value
            return self._eval(module, returned)
        if callee.type == "identifier" and module.js.text(callee) == "require" and \
                "require" not in module.bindings and len(args) == 1:
            spec = string_value(args[0])
            if spec is not None:
                return self._required(module, spec, node)
        if callee.type == "identifier" and len(args) == 1:
            self._quiet += 1
            try:
                helper = self._name(module, module.js.text(callee), callee)
            finally:
                self._quiet -= 1
            folder = self._eval(module, args[0]) if isinstance(helper, _PathHelper) else None
            if isinstance(folder, _DirName):
                return self._handler_path(module, folder.folder, node)
        return self._unknown(module, node, "a call; faasguard never runs scanned code")

    def _handler_path(self, module: _Module, folder: str, node: Node) -> Any:
        """`handlerPath(__dirname)`: the folder relative to the service's folder."""
        relative = posixpath.relpath(folder or ".", self.service_dir or ".")
        if relative == ".." or relative.startswith("../"):
            return self._unknown(module, node, "a folder outside the service's folder")
        return "" if relative == "." else relative


def _module_facts(module: _Module, written: dict[int, set[str]],
                  secrets: FileFacts) -> FileFacts:
    """The code facts of the service file, or of an imported module that writes values
    of the configuration: the secrets among those values as the template's (`secrets`,
    judged on the document, moved to the module's own lines), and the module's
    JavaScript facts (the code analyses do not read it again), but for a
    secret at a line where the configuration took a string literal judged a secret
    there (it is not hard-coded in code a second time; another literal of that line,
    such as a fallback `process.env.X || '...'`, is still code's)."""
    from dataclasses import replace

    from faasguard.analysis.code_facts import unique_facts
    from faasguard.analysis.js.code_facts import facts_of_root
    from faasguard.analysis.secrets import secret_digest
    from faasguard.analysis.template_secrets import ENV_LITERAL, SECRET_VALUE

    first = (MODULE_LINES + module.index) * INCLUDED_LINES if module.index else 0
    own = [replace(fact, line=fact.line - first) for fact in secrets.facts
           if first < fact.line < first + INCLUDED_LINES]
    judged = {fact.key for fact in secrets.facts if fact.kind in (SECRET_VALUE, ENV_LITERAL)}
    code = [fact for fact in facts_of_root(module.rel, module.js.root,
                                           module.js.dialect).facts
            if fact.kind != "secret" or not any(
                secret_digest(value) in judged for value in written.get(fact.line, ()))]
    return unique_facts(module.rel, own + code)


class _Undefined:
    """JavaScript's `undefined`: a key set to it is no key."""

    def __repr__(self) -> str:
        return "undefined"


_UNDEFINED = _Undefined()
#: No module gives the name (`ServiceReader._from_stars`).
_MISSING: Any = object()


def _without_undefined(value: Any) -> None:
    """Remove, in place, the keys set to `undefined` from the objects of a value (an
    array's `undefined` is null), as JSON.stringify does."""
    stack, seen = [value], set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            for key in [k for k, v in item.items() if v is _UNDEFINED]:
                del item[key]
                if isinstance(item, LDict):
                    item.key_lines.pop(key, None)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            for index, element in enumerate(item):
                if element is _UNDEFINED:
                    item[index] = None
                elif isinstance(element, (dict, list)):
                    stack.append(element)


def _name(text: str) -> str:
    """An imported or exported name (`default` stays "default"; a string name unquoted)."""
    return _key_text(text)


def _key_text(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return _string(text)
    return text


def _string(literal: str) -> str:
    """The value of a quoted string literal."""
    body = literal[1:-1] if len(literal) >= 2 else ""
    return _paired(re.sub(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|.)",
                          lambda m: _escape("\\" + m.group(1)), body, flags=re.S))


def _paired(text: str) -> str:
    """`text` with each UTF-16 surrogate pair its escapes wrote (`\\uD83D\\uDE80`, one
    character in JavaScript) made that character; a lone surrogate, which no report can
    encode, is U+FFFD."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class _NoCharacter(ValueError):
    """An escape naming no character (`\\u{110000}`): a syntax error in JavaScript.
    `line`: where it is written, once known (a name of an import or export statement)."""

    line: int | None = None


def _escape(sequence: str) -> str:
    """The character(s) an escape sequence (`\\n`, `\\u0041`, `\\$`) stands for."""
    body = sequence[1:]
    if body[:2] == "u{" and body.endswith("}"):
        code = int(body[2:-1], 16)
        if code > 0x10FFFF:
            raise _NoCharacter(sequence)
        return chr(code)
    if body[:1] in ("u", "x") and len(body) > 1:
        try:
            return chr(int(body[1:], 16))
        except ValueError:
            return body
    if body in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
        return ""  # a line continuation
    return _ESCAPES.get(body, body)


def _number(text: str) -> int | float | Unknown:
    """The value of a number literal as JavaScript has it: a double (an int when it is a
    safe integer; past the largest double, infinity), a legacy octal `0777` in base 8; a
    BigInt (`123n`) exactly, unless too long to write out (unknown)."""
    digits = text.replace("_", "")
    if digits.endswith("n"):
        try:
            whole = int(digits[:-1], 0)
            str(whole)  # (Python writes out at most so many digits)
        except ValueError:
            return Unknown(text)
        return whole
    try:
        value: float = int(digits, 8 if _LEGACY_OCTAL.fullmatch(digits) else 0)
    except ValueError:
        try:
            value = float(digits)
        except ValueError:
            return Unknown(text)
    if isinstance(value, int) and abs(value) >= 2 ** 53:
        try:
            value = float(value)
        except OverflowError:
            return float("inf")
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def _js_string(value: Any) -> str | None:
    """`String(value)` for a scalar; None for anything else (an object, an unknown)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "NaN" if value != value else "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return "null"
    return None


def _first_error(root: Node) -> int | None:
    """The line of the first syntax error of a tree, if any."""
    if not root.has_error:
        return None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return int(node.start_point[0]) + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return int(root.start_point[0]) + 1


#: Calls that change an object or array they are given or called on.
_CHANGING_FUNCTIONS = {"Object.assign", "Object.defineProperty", "Object.defineProperties",
                       "Object.setPrototypeOf", "Reflect.set", "Reflect.deleteProperty",
                       # lodash's, which change their first argument (`_.merge(config, x)`)
                       *(f"{prefix}{name}" for prefix in ("_.", "lodash.", "")
                         for name in ("merge", "mergeWith", "defaultsDeep")),
                       *(f"{prefix}{name}" for prefix in ("_.", "lodash.")
                         for name in ("set", "setWith", "unset", "update", "assign",
                                      "assignIn", "extend", "defaults"))}
_CHANGING_METHODS = {"push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill",
                     "copyWithin", "set", "add", "delete", "clear"}


def _changed_names(module: _Module) -> dict[str, tuple[int, str]]:
    """The top-level names a module changes anywhere after binding them (`x = ...`, `x.a =
    ...`, `x.a += 1`, `x++`, `delete x.a`, `x.list.push(...)`, `Object.assign(x, ...)`),
    with the first line of each and the name the change is made through ("" for the name
    itself): their values are not what their declarations write. A name bound to a value
    or a part of it (`const p = config.provider`, `const { provider } = config`, `p =
    config.provider`) whose object is then changed (`p.tracing = ...`) changes that value
    too: the change is the value's (`config`), through the alias. So is a parameter of a
    function of the module (`function addRoute(c) { c.functions.a.events = [] }`) for
    what a call gives it (`addRoute(config)`).

    Names are JavaScript's bindings, not spellings: a name a function, block, `for`,
    `catch` or parameter declares again (`function f(config) { config.x = 1 }`, `for
    (const config of list)`) is another binding, whose changes are not the top-level
    one's (`_Scopes`); only inside `with`, which may bind any name, the spelling
    decides."""
    changed: dict[str, int] = {}  # binding -> the first line that changes it
    objects: dict[str, int] = {}  # binding -> the first line that changes its object
    aliases: dict[str, set[str]] = {}  # binding -> the bindings whose values it is part of
    parameters: dict[str, list[str | None]] = {}  # function -> its parameters' bindings
    calls: list[tuple[str, list[str | None]]] = []  # (function, what its arguments are)
    text = module.js.text
    scopes = _Scopes(module)

    def note(target: Node | None, node: Node, inside: bool, scope: _Scope) -> None:
        if target is None:
            return
        root = _chain_root(module, target)
        if root.type == "identifier":
            name = scopes.binding(text(root), scope)
        elif _SPACE.sub("", text(root)) == "module.exports" and \
                scopes.binding("module", scope) == "module":
            name = "module.exports"
        else:
            return
        line = module.own_line(node)
        if name == "module.exports" and root is target and not inside:
            return  # `module.exports = ...`: the export itself
        changed[name] = min(changed.get(name, line), line)
        if inside or root is not target:  # its object changed, not the name rebound
            objects[name] = min(objects.get(name, line), line)

    def alias(name: Node | None, value: Node | None, scope: _Scope) -> None:
        source = _part_of(module, value, scopes, scope) if value is not None else None
        if name is None or source is None:
            return
        for local in _bound_names(module, name):
            aliases.setdefault(scopes.binding(local, scope), set()).add(source)

    stack: list[tuple[Node, _Scope]] = [(module.js.root, None)]
    while stack:
        node, scope = stack.pop()
        kind = node.type
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            note(node.child_by_field_name("left"), node, False, scope)
            if kind == "assignment_expression":
                alias(node.child_by_field_name("left"), node.child_by_field_name("right"),
                      scope)
        elif kind == "variable_declarator":
            alias(node.child_by_field_name("name"), node.child_by_field_name("value"), scope)
            value = node.child_by_field_name("value")
            name_node = node.child_by_field_name("name")
            if value is not None and name_node is not None and \
                    _unwrapped(value).type in ("arrow_function", "function_expression",
                                               "function"):
                parameters[scopes.binding(text(name_node), scope)] = \
                    scopes.parameters(_unwrapped(value), scope)
        elif kind == "function_declaration":
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                parameters[scopes.binding(text(name_node), scope)] = \
                    scopes.parameters(node, scope)
        elif kind == "update_expression":
            note(node.child_by_field_name("argument"), node, False, scope)
        elif kind == "unary_expression" and text(node).lstrip().startswith("delete"):
            note(node.child_by_field_name("argument"), node, True, scope)
        elif kind == "call_expression":
            callee = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            holder = callee.child_by_field_name("object") if callee is not None and \
                callee.type == "member_expression" else None
            # (the text of a name or `x.name` only: that of a long chain of calls, for
            # each of its calls, made a large file's reading quadratic)
            name = _SPACE.sub("", text(callee)) if callee is not None and (
                callee.type == "identifier" or holder is not None and
                holder.type == "identifier") else ""
            if callee is not None and callee.type == "identifier" and arguments is not None:
                calls.append((scopes.binding(name, scope),
                              [_part_of(module, a, scopes, scope)
                               for a in arguments.named_children if a.type != "comment"]))
            if name in _CHANGING_FUNCTIONS and arguments is not None:
                note(arguments.named_child(0) if arguments.named_child_count else None, node,
                     True, scope)
            elif callee is not None and holder is not None and \
                    _member_name(module, callee) in _CHANGING_METHODS:
                note(holder, node, True, scope)
        inner = scopes.enter(node, scope)
        stack.extend((child, inner) for child in node.named_children)
    for function, given in calls:  # a parameter is an alias of what a call gives it
        for parameter, argument in zip(parameters.get(function, ()), given, strict=False):
            if parameter is not None and argument is not None:
                aliases.setdefault(parameter, set()).add(argument)
    found = {name: (line, "") for name, line in changed.items()}
    # a change through an alias is its value's (and through an alias of an alias)
    through = dict.fromkeys(objects, "")
    for _ in range(len(aliases)):
        moved = False
        for name, sources in aliases.items():
            if name not in objects:
                continue
            for source in sources - {name}:
                line = objects[name]
                if source not in objects or line < objects[source]:
                    objects[source], moved = line, True
                    through[source] = through[name] or name
        if not moved:
            break
    for name, via in through.items():
        if via and (name not in found or objects[name] < found[name][0]):
            spelled = via.partition("@")[0]  # (a parameter named as what it is given: "")
            found[name] = (objects[name], "" if spelled == name else spelled)
    # (the module's own names: another binding's changes are not theirs)
    return {name: change for name, change in found.items()
            if "@" not in name and name not in ("module", "exports")}


#: A scope of a module that binds names again (a function, block, `for`, `catch`): the
#: names it binds (None inside `with`, which may bind any), its key, the scope around it;
#: None is the module's top level.
_Scope: TypeAlias = "tuple[frozenset[str] | None, str, _Scope] | None"


class _Scopes:
    """Which binding a name written somewhere in a module is: the module's own (`name`),
    or that of the nearest function, block, `for` or `catch` around it that declares it
    again (`name@<that scope>`). Each scope's names are listed once, when the walk of
    `_changed_names` enters it."""

    __slots__ = ("module",)

    def __init__(self, module: _Module):
        self.module = module

    @staticmethod
    def binding(name: str, scope: _Scope) -> str:
        """The binding `name` written in `scope` refers to."""
        while scope is not None:
            names, key, scope_around = scope
            if names is None:
                return name  # inside `with`: it cannot tell, so the module's (a warning)
            if name in names:
                return f"{name}@{key}"
            scope = scope_around
        return name

    def parameters(self, function: Node, scope: _Scope) -> list[str | None]:
        """The bindings of a function's parameters, in order (None for a pattern)."""
        inner = self.enter(function, scope)
        return [self.binding(name, inner) if name is not None else None
                for name in _parameter_names(self.module, function)]

    def enter(self, node: Node, scope: _Scope) -> _Scope:
        """The scope of what `node` holds: a new one when it binds names, else `scope`."""
        kind = node.type
        if kind == "with_statement":
            return (None, "", scope)
        names = self._declared(node, kind)
        return (names, f"{node.start_byte}-{node.end_byte}", scope) if names else scope

    def _declared(self, node: Node, kind: str) -> frozenset[str]:
        module = self.module
        found: list[str] = []
        if kind in _FUNCTIONS or kind == "method_definition":
            found.extend(_bound_names(module, node.child_by_field_name("parameters") or
                                      node.child_by_field_name("parameter")))
            own = node.child_by_field_name("name")
            if own is not None and kind in ("function_expression", "function",
                                            "generator_function"):
                found.append(module.js.text(own))  # a named function expression's own
            body = node.child_by_field_name("body")
            if body is not None and body.type == "statement_block":
                found.extend(_hoisted(module, body))
        elif kind in ("statement_block", "switch_body"):
            statements = node.named_children if kind == "statement_block" else \
                [s for case in node.named_children for s in case.named_children]
            for statement in statements:
                if statement.type == "lexical_declaration":
                    found.extend(_declarator_names(module, statement))
                elif statement.type in ("function_declaration", "class_declaration",
                                        "generator_function_declaration"):
                    name = statement.child_by_field_name("name")
                    if name is not None:
                        found.append(module.js.text(name))
        elif kind == "for_statement":
            first = node.child_by_field_name("initializer")
            if first is not None and first.type == "lexical_declaration":
                found.extend(_declarator_names(module, first))
        elif kind == "for_in_statement":
            declared = node.child_by_field_name("kind")
            if declared is not None and module.js.text(declared) in ("let", "const"):
                found.extend(_bound_names(module, node.child_by_field_name("left")))
        elif kind == "catch_clause":
            found.extend(_bound_names(module, node.child_by_field_name("parameter")))
        return frozenset(found)


def _declarator_names(module: _Module, declaration: Node) -> list[str]:
    """The names a `const`, `let` or `var` declaration binds."""
    return [name for declarator in declaration.named_children
            if declarator.type == "variable_declarator"
            for name in _bound_names(module, declarator.child_by_field_name("name"))]


def _hoisted(module: _Module, body: Node) -> list[str]:
    """The names a function body's `var` declarations bind (anywhere in it, but in the
    functions it holds): the function's, wherever written."""
    found: list[str] = []
    stack = list(body.named_children)
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in _FUNCTIONS or kind in ("method_definition", "class_body"):
            continue
        if kind == "variable_declaration":
            found.extend(_declarator_names(module, node))
        elif kind == "for_in_statement":
            declared = node.child_by_field_name("kind")
            if declared is not None and module.js.text(declared) == "var":
                found.extend(_bound_names(module, node.child_by_field_name("left")))
        stack.extend(node.named_children)
    return found


def _bound_names(module: _Module, pattern: Node | None) -> list[str]:
    """The names a binding pattern binds: `a`, `{ a, b: c = 1, ...d }`, `[e, [f]]`, a
    function's parameters (TypeScript's typed ones too), not the names its default values
    or types use."""
    found: list[str] = []
    stack = [pattern] if pattern is not None else []
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            found.append(module.js.text(node))
            continue
        if kind in ("required_parameter", "optional_parameter"):
            inner = node.child_by_field_name("pattern")
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            inner = node.child_by_field_name("left")
        elif kind == "pair_pattern":
            inner = node.child_by_field_name("value")
        elif kind in ("object_pattern", "array_pattern", "rest_pattern",
                      "formal_parameters"):
            stack.extend(node.named_children)
            continue
        else:
            continue
        if inner is not None:
            stack.append(inner)
    return found


def _member_name(module: _Module, member: Node) -> str:
    """The property a member expression names (`push` of `x.list.push`)."""
    prop = member.child_by_field_name("property")
    return module.js.text(prop) if prop is not None else ""


def _parameter_names(module: _Module, function: Node) -> list[str | None]:
    """The names of a function's parameters, in order (None for a pattern)."""
    single = function.child_by_field_name("parameter")
    if single is not None:
        return [module.js.text(single)]
    parameters = function.child_by_field_name("parameters")
    names: list[str | None] = []
    for item in parameters.named_children if parameters is not None else ():
        if item.type == "comment":
            continue
        pattern = item if item.type == "identifier" else item.child_by_field_name("pattern")
        names.append(module.js.text(pattern) if pattern is not None and
                     pattern.type == "identifier" else None)
    return names


def _part_of(module: _Module, value: Node, scopes: _Scopes, scope: _Scope) -> str | None:
    """The binding whose value (or a part of it: `config.provider`, `config['iam']`)
    `value`, written in `scope`, is, when it is only that."""
    while value.type in _WRAPPERS and value.named_child_count:
        value = value.named_child(0) or value
    root = _chain_root(module, value)
    return scopes.binding(module.js.text(root), scope) if root.type == "identifier" \
        else None


def _chain_root(module: _Module, node: Node) -> Node:
    """The object a member/subscript chain starts from, through parentheses and type
    wrappers (`config` of `(config as any).provider!['iam']`); `module.exports` stays
    whole (the object a CommonJS module exports)."""
    while True:
        if node.type in ("member_expression", "subscript_expression"):
            if _SPACE.sub("", module.js.text(node)) == "module.exports":
                return node
            inner = node.child_by_field_name("object")
        elif node.type in _WRAPPERS:
            inner = node.named_child(0)
        elif node.type == "type_assertion":
            inner = node.named_child(node.named_child_count - 1)
        else:
            return node
        if inner is None:
            return node
        node = inner


def _error_line(root: str, rel: str) -> int | None:
    """The line of the first syntax error of a file the Node.js analysis refused."""
    from faasguard.analysis.js.parse import dialect_of, parse_bytes

    try:
        text = read_text(os.path.join(root, rel))
    except InputError:
        return None
    return _first_error(parse_bytes(text.encode("utf-8"), dialect_of(rel)))


def _returned(module: _Module, block: Node) -> Node | None:
    """The expression a function body of one `return x` returns; or of `const p = x;
    return p;` (nothing else in the body)."""
    statements = [s for s in block.named_children if s.type != "comment"]
    if not statements or len(statements) > 2 or statements[-1].type != "return_statement" \
            or statements[-1].named_child_count != 1:
        return None
    returned = statements[-1].named_child(0)
    if len(statements) == 1 or returned is None:
        return returned
    declaration = statements[0]
    declarators = [d for d in declaration.named_children if d.type == "variable_declarator"]
    if declaration.type != "lexical_declaration" or len(declarators) != 1 or \
            not module.js.text(declaration).lstrip().startswith("const"):
        return None
    name = declarators[0].child_by_field_name("name")
    if name is None or module.js.text(name) != module.js.text(returned):
        return None
    return declarators[0].child_by_field_name("value")


_FUNCTIONS = {"arrow_function", "function_expression", "function", "function_declaration",
              "generator_function", "generator_function_declaration"}


def _unwrapped(node: Node) -> Node:
    """The expression inside parentheses and type wrappers (`(x as T)`)."""
    while node.type in _WRAPPERS and node.named_child_count:
        node = node.named_child(0) or node
    return node


def _is_function(module: _Module, node: Node) -> bool:
    """Is this exported expression a function (written there, or a top-level function
    or `const` of the module it names)?"""
    for _ in range(MAX_DEPTH):
        node = _unwrapped(node)
        if node.type in _FUNCTIONS:
            return True
        binding = module.bindings.get(module.js.text(node)) \
            if node.type == "identifier" else None
        if binding is None or binding[0] not in ("const", "function"):
            return False
        node = binding[1]
    return False


def _invoked_literal(module: _Module, callee: Node) -> Node | None:
    """The expression a function written at its call and called without arguments
    returns, when its body is only that (`(async () => ({...}))()`, `(function () {
    return {...}; })()`): it has no parameters and no statement besides the return."""
    function = _unwrapped(callee)
    if function.type not in ("arrow_function", "function_expression", "function"):
        return None
    parameters = function.child_by_field_name("parameters") or \
        function.child_by_field_name("parameter")
    body = function.child_by_field_name("body")
    if body is None or (parameters is not None and (
            parameters.type == "identifier" or parameters.named_child_count)):
        return None
    return _returned(module, body) if body.type == "statement_block" else body


def _is_path_helper(module: _Module, function: Node) -> bool:
    """Does this function return its one argument's folder relative to the working
    folder, as the TypeScript template's `handlerPath` does (module docstring)?"""
    parameters = function.child_by_field_name("parameters") or \
        function.child_by_field_name("parameter")
    body = function.child_by_field_name("body")
    if parameters is None or body is None:
        return False
    if parameters.type == "identifier":
        names = [module.js.text(parameters)]
    else:
        names = []
        for item in parameters.named_children:
            pattern = item.child_by_field_name("pattern") if item.type != "identifier" \
                else item
            if pattern is None or pattern.type != "identifier":
                return False
            names.append(module.js.text(pattern))
    if len(names) != 1:
        return False
    if body.type == "statement_block":
        found = _returned(module, body)
        if found is None:
            return False
        body = found
    returned = _SPACE.sub("", module.js.text(body))
    while returned.startswith("(") and returned.endswith(")"):
        returned = returned[1:-1]
    wrapped = re.fullmatch(r"`\$\{(.*)\}`", returned, re.S)
    if wrapped is not None and "`" not in wrapped.group(1):
        returned = wrapped.group(1)
    name = re.escape(names[0])
    split = rf"{name}\.split\(process\.cwd\(\)\)\[1\]\.(?:substring|slice|substr)\(1\)"
    relative = rf"(?:path\.)?relative\(process\.cwd\(\),{name}\)"
    return re.fullmatch(rf"(?:{split}|{relative}){_TO_SLASH}", returned) is not None
