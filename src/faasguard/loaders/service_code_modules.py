"""The modules a serverless.ts / serverless.js service is read from: each parsed once
(the Node.js analysis' grammars and cache), its top-level bindings and exports recorded
without evaluating them, and the imports between them resolved as the Node.js analysis
resolves them: relative specifiers, tsconfig.json `paths` and `baseUrl` names, never
outside the scanned folder; the project's JSON files (`require('./config.json')`) read as
data. `ModuleReader` is the part of the reader (loaders.service_code_values.ServiceReader)
that does this, and keeps its notes."""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING, Any

from faasguard.loaders import LoadContext
from faasguard.loaders.documents import InputError, load_file, read_text
from faasguard.loaders.service_code_changes import changed_names
from faasguard.loaders.service_code_syntax import SPACE, NoCharacter, export_name, key_text
from faasguard.loaders.variables import INCLUDED_LINES, _shift_lines
from faasguard.model import Diagnostic, Unknown

if TYPE_CHECKING:
    from tree_sitter import Node

    from faasguard.analysis.js.parse import JsModule, JsModuleCache

#: The n-th module the service file imports (n >= 1) has its lines numbered from
#: (MODULE_LINES + n) * INCLUDED_LINES: past those of every file `${file()}` may read.
MODULE_LINES = 1_000
#: At most this many modules are read for one service file.
MAX_MODULES = 200


class ServiceModule:
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


class ModuleReader:
    """The modules of one service file: parsed, scanned and resolved (module docstring);
    `notes`: what the reader says of them, and of the values it evaluates."""

    def __init__(self, ctx: LoadContext):
        from faasguard.analysis.js.parse import JsModuleCache

        self.ctx = ctx
        self.cache: JsModuleCache = JsModuleCache(ctx.root)
        self.modules: dict[str, ServiceModule | None] = {}
        self.order: list[str] = []  # imported modules (and JSON files), by index - 1
        self.data: dict[str, Any] = {}  # JSON file -> its data
        self.notes: list[Diagnostic] = []
        self._noted: set[tuple[str, int, str]] = set()
        self._quiet = 0  # > 0: notes are not kept (a callee looked at for `handlerPath`)

    def place(self, line: int) -> tuple[str | None, int]:
        """Where a line of the document was written: (the absolute path of the imported
        module, its line there), or (None, line) for the service file's own lines."""
        index, own = divmod(line, INCLUDED_LINES)
        index -= MODULE_LINES
        if 1 <= index <= len(self.order):
            return os.path.realpath(os.path.join(self.ctx.root, self.order[index - 1])), own
        return None, line

    def _note(self, module: ServiceModule | str, line: int | None, message: str,
              level: str = "note") -> None:
        if self._quiet and level == "note":
            return
        rel = module.rel if isinstance(module, ServiceModule) else module
        key = (rel, line or 0, message)
        if key not in self._noted:
            self._noted.add(key)
            self.notes.append(Diagnostic(rel, message, line, level,  # type: ignore[arg-type]
                                         "service-code"))

    def _module(self, rel: str, importer: ServiceModule | None,
                at: Node | None) -> ServiceModule | None:
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
        module = self.modules[rel] = ServiceModule(rel, js, index)
        try:
            self._scan(module)
        # (not `exc` again: compiled, one name has one type, here JsParseError's above)
        except NoCharacter as refused:  # in an imported or exported name: JavaScript refuses it
            self.modules[rel] = None
            problem = f"syntax error near line {refused.line}: `{refused}` names no character"
            if importer is None:
                raise InputError(problem, refused.line) from None
            self._note(importer, importer.own_line(at) if at else None,
                       f"{rel}: {problem}; what it exports is left unknown", "warning")
            return None
        return module

    def _scan(self, module: ServiceModule) -> None:
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
            except NoCharacter as exc:  # a quoted name's escape: located at its line
                written = text(statement)
                exc.line = module.own_line(statement) + \
                    written[:max(written.find(str(exc)), 0)].count("\n")
                raise
        module.changed = changed_names(module)

    def _scan_import(self, module: ServiceModule, statement: Node) -> None:
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
                        module.bindings[text(alias)] = ("import", spec, export_name(text(name)),
                                                        statement)

    def _scan_declaration(self, module: ServiceModule, statement: Node) -> None:
        """`const`, `let` and `var` alike: a name changed after its declaration is left
        unknown (`changed_names`), so a name bound once is as good as a constant."""
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
                                                            key_text(text(key)))

    def _scan_export(self, module: ServiceModule, statement: Node) -> None:
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
                exported = export_name(text(alias))
                module.exports[exported] = ("from", spec, export_name(text(name)), statement) \
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

    def _scan_assignment(self, module: ServiceModule, statement: Node) -> None:
        """`module.exports = x`, `module.exports.a = x`, `exports.a = x`."""
        assignment = statement.named_children[0] if statement.named_child_count else None
        if assignment is None or assignment.type != "assignment_expression":
            return
        left = assignment.child_by_field_name("left")
        right = assignment.child_by_field_name("right")
        if left is None or right is None:
            return
        target = SPACE.sub("", module.js.text(left))
        if target == "module.exports":
            module.exports["default"] = ("node", right)
        elif target.startswith(("module.exports.", "exports.")) and \
                "default" not in module.exports:  # (after it: a change, `changed_names`)
            name = target.removeprefix("module.").removeprefix("exports.")
            if name.isidentifier():
                module.exports[name] = ("node", right)

    def _import(self, module: ServiceModule, spec: str, at: Node) -> ServiceModule | None:
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

    def _json(self, module: ServiceModule, spec: str, at: Node) -> Any:
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


def _error_line(root: str, rel: str) -> int | None:
    """The line of the first syntax error of a file the Node.js analysis refused."""
    from faasguard.analysis.js.parse import dialect_of, parse_bytes

    try:
        text = read_text(os.path.join(root, rel))
    except InputError:
        return None
    return _first_error(parse_bytes(text.encode("utf-8"), dialect_of(rel)))
