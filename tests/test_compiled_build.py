"""The compiled (mypyc) build's source constraints that a pure run would not notice.

benchmarks/mypyc_build.py lists the modules the optional compiled build compiles. These
constructs in them break that build while the pure scanner runs fine, so they are checked
here on the source:

- a module-level `def __getattr__` (the compiled import calls it for __file__ before the
  module's globals exist: the import segfaults);
- `x in (a, *b)` (mypyc stops with an internal error);
- a class deriving from a builtin other than dict (mypyc refuses it);
- a dataclass or NamedTuple field annotated with a class imported for type checking only
  (the compiled class reads the class when it is made: from the module's globals, KeyError
  at import, or for a compiled class its type object, not there before its module is
  imported: `faasguard policy` imported aws_values before taint.modules and segfaulted);
- an attribute whose C name (a "_" before it) is a GNU C keyword (`self._real`: the C
  compile fails);
- a read of `__slots__` or `__annotations__` (a compiled class has neither);
- weak references (a compiled Generic subclass, ModuleCache, has a weak-reference slot its
  deallocation does not clear: a WeakKeyDictionary keyed by dead caches segfaulted the
  next look-up);
- `del obj.attr` (mypyc refuses it unless the class names the attribute in
  `__deletable__`, and a dataclass's `__deletable__` becomes a field: the compiled class
  fails at import with "mutable default ... for field __deletable__");
- one name bound by `except A as exc` and `except B as exc` in one function where A or B
  is a class of a compiled module (a native class): compiled, the name has one type, and
  binding the other exception raised TypeError (service_code_modules' NoCharacter after
  JsParseError). Builtin and third-party exceptions are plain objects there: not checked;
- a local whose first value is a native class's instance (`value = Unknown(name)`) and that
  is bound later to a value of another or an unknown type, unannotated: mypy types the
  local by its first value, and compiled every later value is checked against that type
  (service_code_values._name: every serverless.ts stopped with "Unknown object expected;
  got LDict"). Annotate it (`value: Any = ...`) or give each value its own name. The
  other narrow first values (a `str` later given an Any that may not be one) need types:
  tests/test_compiled_narrow_locals.py holds the cases found with mypy's.
"""

from __future__ import annotations

import ast
import functools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from mypyc_build import compiled_files  # noqa: E402

COMPILED = compiled_files(ROOT / "src")


def _name(path: Path) -> str:
    return path.relative_to(ROOT / "src").as_posix()


def test_the_compiled_list_holds_the_scan_path() -> None:
    names = {_name(p) for p in COMPILED}
    assert {"faasguard/scan.py", "faasguard/loaders/__init__.py",
            "faasguard/analysis/taint/engine.py", "faasguard/analysis/js/engine.py"} <= names


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_module_has_no_def_getattr_nor_starred_in_tuple(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defined = [n.lineno for n in tree.body
               if isinstance(n, ast.FunctionDef) and n.name == "__getattr__"]
    assert not defined, f"module-level def __getattr__ at line {defined[0]}: bind it instead"
    starred = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Compare)
               and any(isinstance(op, ast.In | ast.NotIn) for op in n.ops)
               and any(isinstance(c, ast.Tuple) and any(isinstance(e, ast.Starred)
                                                       for e in c.elts)
                       for c in n.comparators)]
    assert not starred, f"`in (a, *b)` at line {starred[0]}: write `== a or in b`"


#: Builtins mypyc lets a compiled class derive from are dict and the exceptions only.
_BUILTIN_BASES = {"frozenset", "set", "list", "tuple", "str", "bytes", "int", "float"}


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_class_derives_from_no_builtin(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    derived = [f"{node.name} (line {node.lineno})" for node in ast.walk(tree)
               if isinstance(node, ast.ClassDef)
               for base in node.bases
               if isinstance(base.value if isinstance(base, ast.Subscript) else base, ast.Name)
               and (base.value if isinstance(base, ast.Subscript) else base).id
               in _BUILTIN_BASES]
    assert not derived, f"{derived[0]} derives from a builtin: hold one instead"


def _type_checking_imports(tree: ast.Module) -> dict[str, str]:
    """The names a module imports under `if TYPE_CHECKING:` only -> the module they come
    from."""
    found: dict[str, str] = {}
    for block in tree.body:
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) \
                and block.test.id == "TYPE_CHECKING":
            for node in ast.walk(block):
                if isinstance(node, ast.ImportFrom) and node.module:
                    found.update((alias.asname or alias.name, node.module)
                                 for alias in node.names)
    return found


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_dataclass_fields_name_classes_present_at_run_time(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking_only = _type_checking_imports(tree)
    missing = [f"{cls.name}.{field.target.id}: {field.annotation.id} (line {field.lineno})"
               for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
               and (any("dataclass" in ast.unparse(d) for d in cls.decorator_list)
                    or any(ast.unparse(b).endswith("NamedTuple") for b in cls.bases))
               for field in cls.body if isinstance(field, ast.AnnAssign)
               and isinstance(field.target, ast.Name) and isinstance(field.annotation, ast.Name)
               and field.annotation.id in checking_only]
    assert not missing, f"{missing[0]}: imported for type checking only: import it at run time"


#: GNU C keywords a compiled attribute's C name (the attribute's name after a "_") would be.
_C_KEYWORDS = {"__asm", "__attribute", "__alignof", "__complex", "__const", "__imag",
               "__inline", "__real", "__restrict", "__signed", "__thread", "__typeof",
               "__volatile"}


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_attribute_names_are_no_c_keyword(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    clashes = [f"self.{node.attr} (line {node.lineno})" for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
               and isinstance(node.value, ast.Name) and node.value.id == "self"
               and f"_{node.attr}" in _C_KEYWORDS]
    assert not clashes, f"{clashes[0]}: its C field would be a GNU C keyword: rename it"


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_module_reads_no_slots_nor_annotations(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reads = [f"{ast.unparse(node)} (line {node.lineno})" for node in ast.walk(tree)
             if (isinstance(node, ast.Name) and node.id == "__annotations__")
             or (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)
                 and node.attr in ("__slots__", "__annotations__"))]
    assert not reads, f"{reads[0]}: a compiled class has neither: name its fields in a tuple"


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_module_makes_no_weak_references(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports = [node.lineno for node in ast.walk(tree)
               if (isinstance(node, ast.ImportFrom) and node.module == "weakref")
               or (isinstance(node, ast.Import)
                   and any(alias.name == "weakref" for alias in node.names))]
    assert not imports, (f"weakref imported at line {imports[0]}: a compiled Generic "
                         "subclass's weak references are not cleared when it goes (a dead "
                         "key segfaults): keep the data on the object instead")


def _deletable(cls: ast.ClassDef) -> set[str]:
    """The attributes a class (not a dataclass) names in `__deletable__ = [...]`."""
    if any("dataclass" in ast.unparse(d) for d in cls.decorator_list):
        return set()
    return {elt.value for node in cls.body if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__deletable__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
            for elt in node.value.elts
            if isinstance(elt, ast.Constant) and isinstance(elt.value, str)}


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_module_deletes_only_deletable_attributes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {id(target): _deletable(cls) for cls in ast.walk(tree)
               if isinstance(cls, ast.ClassDef)
               for node in ast.walk(cls) if isinstance(node, ast.Delete)
               for target in node.targets}
    deleted = [f"{ast.unparse(target)} (line {target.lineno})" for node in ast.walk(tree)
               if isinstance(node, ast.Delete) for target in node.targets
               if isinstance(target, ast.Attribute)
               and not (isinstance(target.value, ast.Name) and target.value.id == "self"
                        and target.attr in allowed.get(id(target), set()))]
    assert not deleted, (f"del {deleted[0]}: set it to None (mypyc deletes only an "
                         "attribute of self its class, not a dataclass, names in "
                         "__deletable__)")


@functools.cache
def _native_classes() -> frozenset[str]:
    """The names of the classes the compiled modules define (mypyc makes them native)."""
    return frozenset(node.name for path in COMPILED
                     for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.ClassDef))


def _scope_handlers(scope: ast.AST) -> list[ast.ExceptHandler]:
    """The named except clauses of one function (or module) body, not of those nested."""
    found: list[ast.ExceptHandler] = []
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef |
                      ast.Lambda):
            continue
        if isinstance(child, ast.ExceptHandler) and child.name:
            found.append(child)
        found.extend(_scope_handlers(child))
    return found


def _mixed_except_names(tree: ast.Module, native: frozenset[str]) -> list[str]:
    """`name (line N)` for each except name one scope binds to different exception types
    of which one is a native class."""
    mixed = []
    scopes = [tree, *(n for n in ast.walk(tree)
                      if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    for scope in scopes:
        by_name: dict[str, list[ast.ExceptHandler]] = {}
        for handler in _scope_handlers(scope):
            by_name.setdefault(str(handler.name), []).append(handler)
        for name, handlers in by_name.items():
            kinds = {ast.unparse(h.type) for h in handlers if h.type is not None}
            named = {n.id if isinstance(n, ast.Name) else n.attr
                     for h in handlers if h.type is not None for n in ast.walk(h.type)
                     if isinstance(n, ast.Name | ast.Attribute)}
            if len(kinds) > 1 and named & native:
                mixed.append(f"{name} (line {handlers[1].lineno})")
    return mixed


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_except_names_hold_one_native_type(path: Path) -> None:
    mixed = _mixed_except_names(ast.parse(path.read_text(encoding="utf-8")),
                                _native_classes())
    assert not mixed, (f"except ... as {mixed[0]}: also bound to another exception type "
                       "in this function: give each its own name (compiled, one name has "
                       "one type)")


def test_the_except_name_check_finds_the_service_code_modules_form() -> None:
    """The form that broke compiled (before 098e5ed2), and its fix."""
    native = frozenset({"JsParseError", "NoCharacter"})
    source = """
def _module(self):
    try:
        js = parse(text)
    except JsParseError as exc:
        return exc.line
    try:
        scan(js)
    except {} as {}:
        return {}.line
"""
    broken = ast.parse(source.format("NoCharacter", "exc", "exc"))
    assert _mixed_except_names(broken, native) == ["exc (line 9)"]
    fixed = ast.parse(source.format("NoCharacter", "refused", "refused"))
    assert _mixed_except_names(fixed, native) == []
    plain = ast.parse(source.format("ValueError", "exc", "exc").replace("JsParseError",
                                                                         "OSError"))
    assert _mixed_except_names(plain, native) == []


def test_loaders_reexports_stay_lazy() -> None:
    import faasguard.loaders as loaders
    from faasguard.loaders import documents

    assert loaders.Document is documents.Document
    assert loaders.InputError is documents.InputError
    with pytest.raises(AttributeError, match="faasguard.loaders' has no attribute 'nope'"):
        loaders.nope  # noqa: B018


def _bindings(scope: ast.AST) -> list[tuple[int, int, str, ast.expr | None, bool]]:
    """(line, column, name, value, annotated) of each name one function body binds (not
    the bodies nested in it), in source order; value None where it has no expression of
    its own (unpacked, a loop's, an except's)."""
    found: list[tuple[int, int, str, ast.expr | None, bool]] = []
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef |
                      ast.Lambda):
            continue
        if isinstance(child, ast.Assign):
            for target in child.targets:
                pairs = zip(target.elts, child.value.elts, strict=True) if isinstance(
                    target, ast.Tuple) and isinstance(child.value, ast.Tuple) and len(
                    target.elts) == len(child.value.elts) else [(target, child.value)]
                for part, value in pairs:
                    found.extend((child.lineno, child.col_offset, name,
                                  value if isinstance(part, ast.Name) else None, False)
                                 for name in _target_names(part))
        elif isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
            found.append((child.lineno, child.col_offset, child.target.id, child.value, True))
        elif isinstance(child, ast.NamedExpr):
            found.append((child.lineno, child.col_offset, child.target.id, child.value,
                          False))
        elif isinstance(child, ast.For | ast.AsyncFor | ast.comprehension):
            found.extend((child.target.lineno, child.target.col_offset, name, None, False)
                         for name in _target_names(child.target))
        elif isinstance(child, ast.withitem) and child.optional_vars is not None:
            found.extend((child.optional_vars.lineno, child.optional_vars.col_offset, name,
                          None, False) for name in _target_names(child.optional_vars))
        found.extend(_bindings(child))
    return sorted(found, key=lambda b: (b[0], b[1]))


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, ast.Tuple | ast.List):
        return [name for element in target.elts for name in _target_names(element)]
    return []  # an attribute, a subscript: not a local


def _called(value: ast.expr | None) -> str | None:
    """The name a call calls (a function, a method, a class), else None; for `a or b`,
    that of its last operand (the value when the others are false)."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        return _called(value.values[-1])
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    return func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else None


@functools.cache
def _returns() -> dict[str, frozenset[str]]:
    """By function name, the return annotations the compiled modules give it."""
    found: dict[str, set[str]] = {}
    for path in COMPILED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
                found.setdefault(node.name, set()).add(ast.unparse(node.returns).strip("'\""))
    return {name: frozenset(kinds) for name, kinds in found.items()}


def _narrow_first_values(tree: ast.Module, native: frozenset[str],
                         returns: dict[str, frozenset[str]]) -> list[str]:
    """`name (line N)` for each local first bound, unannotated, to a call of a native class
    and bound again at line N to a value that is not known to be of that class (a call of
    it, or of a function annotated to return it)."""
    narrow = []
    for scope in ast.walk(tree):
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}
        first: dict[str, str | None] = {}
        for line, _column, name, value, annotated in _bindings(scope):
            if name in arguments:
                continue
            if name not in first:
                called = _called(value)
                first[name] = called if not annotated and called in native else None
                continue
            kind = first[name]
            if kind is not None and _called(value) != kind and \
                    kind not in returns.get(_called(value) or "", ()):
                narrow.append(f"{name} (line {line})")
                first[name] = None  # said once
    return narrow


@pytest.mark.parametrize("path", COMPILED, ids=_name)
def test_compiled_locals_keep_the_type_of_their_first_value(path: Path) -> None:
    narrow = _narrow_first_values(ast.parse(path.read_text(encoding="utf-8")),
                                  _native_classes(), _returns())
    assert not narrow, (f"{narrow[0]}: first bound to a native class's instance, then to "
                        "another value: annotate its first binding (compiled, a local "
                        "keeps its first value's type)")


def test_the_narrow_first_value_check_finds_the_service_code_values_form() -> None:
    """The form that broke every compiled serverless.ts scan (before this session), and
    the forms that are right."""
    native = frozenset({"Unknown", "App"})
    returns = {"load_app": frozenset({"App"}), "_bound": frozenset({"Any"})}
    source = """
def _name(self, module, name, changed):
    if changed:
        {} = module.values[name] = Unknown(name)
        return {}
    value = self._bound(module, name)
    app = App()
    app = load_app() or App()
    for app in apps:
        pass
    return value
"""
    broken = ast.parse(source.format("value", "value"))
    assert _narrow_first_values(broken, native, returns) == ["value (line 6)",
                                                             "app (line 9)"]
    fixed = ast.parse(source.format("unknown", "unknown").replace("for app", "for other"))
    assert _narrow_first_values(fixed, native, returns) == []
    annotated = ast.parse(source.format("value: Any", "value").replace(
        " = module.values[name] = ", " = ").replace("for app", "for other"))
    assert _narrow_first_values(annotated, native, returns) == []
