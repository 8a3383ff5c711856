"""What validated data classes really constrain: the fields of pydantic models, the
parameters of FastAPI views.

A pydantic model (or a FastAPI parameter) checks each value against its type: an `int`,
a `UUID`, a `datetime`, an `Enum` member or a `Literal[...]` choice carries no text an
attacker chose, a `str` with an anchored `pattern=` of characters that excludes "any"
is held to that pattern; a plain `str` (or `EmailStr`, `HttpUrl`, a `dict`) is still free
text. So a model is a sanitiser field by field, never as a whole: `subprocess.run(
body.cmd, shell=True)` with `cmd: str` is still a flow.

Read from the code with `ast` (never imported); a class is found through a callback so
that the taint engine and the framework readers each resolve names their own way.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from faasguard.analysis.taint.modules import ClassInfo, Module, dotted_name
from faasguard.analysis.taint.table import TaintTable
from faasguard.regex_syntax import alternatives

#: A field or parameter whose value is attacker-chosen text (tainted on read).
TEXT = "text"
#: A field or parameter the type validated into no attacker-chosen text.
CLEAN = "clean"

#: The verdict of a field: TEXT, CLEAN, or "cls:<class key>" for a nested model.
Verdict = str
#: Finds the class a name written in a module refers to (None: not a class of the
#: project): `resolve(module, "models.Item")`.
Resolve = Callable[[Module, str], "ClassInfo | None"]

#: Annotations whose values pydantic and FastAPI validate into no text.
NOT_TEXT = frozenset((
    "int", "float", "bool", "complex", "UUID", "UUID1", "UUID3", "UUID4", "UUID5", "date",
    "datetime", "time", "timedelta", "Decimal", "PositiveInt", "NegativeInt",
    "NonNegativeInt", "NonPositiveInt", "PositiveFloat", "NegativeFloat", "NonNegativeFloat",
    "NonPositiveFloat", "FiniteFloat", "StrictInt", "StrictFloat", "StrictBool", "ByteSize",
    "PastDate", "FutureDate", "PastDatetime", "FutureDatetime", "AwareDatetime",
    "NaiveDatetime", "IPvAnyAddress", "IPv4Address", "IPv6Address", "IPvAnyNetwork",
    "IPvAnyInterface", "IPv4Network", "IPv6Network", "NoneType", "None"))
#: Constrained-type calls whose value is a number or a date whatever their arguments.
_NUMBER_CALLS = frozenset(("conint", "confloat", "condecimal", "condate"))
#: Calls carrying a `pattern=` (pydantic v2) or `regex=` (v1) constraint.
_PATTERN_CALLS = frozenset(("constr", "Field", "StringConstraints", "Query", "Path", "Header",
                            "Cookie", "Form", "Body"))
#: Generic containers: their verdict is their items'.
_CONTAINERS = frozenset(("list", "List", "set", "Set", "frozenset", "FrozenSet", "tuple",
                         "Tuple", "Sequence", "Iterable", "Optional", "Union", "conlist",
                         "conset"))
_ENUM_BASES = frozenset(("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"))
#: Pattern pieces that let any character through (`.`, `\S`, a negated class `[^/]`).
_ANY_CHARACTER = ("\\S", "\\W", "\\D", "[^")


def is_enum(cls: ClassInfo, resolve: Resolve, depth: int = 0) -> bool:
    """Does the class derive from `enum.Enum` (IntEnum, StrEnum, ...)?"""
    for base in cls.bases:
        if base.rpartition(".")[2] in _ENUM_BASES:
            return True
        parent = resolve(cls.module, base) if depth < 8 else None
        if parent is not None and parent is not cls and is_enum(parent, resolve, depth + 1):
            return True
    return False


def is_model(cls: ClassInfo, table: TaintTable, resolve: Resolve, depth: int = 0) -> bool:
    """Does the class derive from a validating model base (pydantic BaseModel,
    RootModel: the taint table's `model_bases`)?"""
    for base in cls.bases:
        if base in table.model_bases or base.rpartition(".")[2] in table.model_bases and \
                base.startswith("pydantic"):
            return True
        parent = resolve(cls.module, base) if depth < 8 else None
        if parent is not None and parent is not cls and \
                is_model(parent, table, resolve, depth + 1):
            return True
    return False


def model_fields(cls: ClassInfo, table: TaintTable, resolve: Resolve) -> dict[str, Verdict]:
    """The verdict of each annotated field of a model class and of the model classes it
    derives from (a subclass's annotation wins)."""
    out: dict[str, Verdict] = {}
    _collect(cls, table, resolve, out, 0)
    return out


def _collect(cls: ClassInfo, table: TaintTable, resolve: Resolve, out: dict[str, Verdict],
             depth: int) -> None:
    if depth < 8:
        for base in reversed(cls.bases):
            parent = resolve(cls.module, base)
            if parent is not None and parent is not cls:
                _collect(parent, table, resolve, out, depth + 1)
    checked = _validated_fields(cls.node, table.guards)
    for stmt in cls.node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if dotted_name(_strip_subscript(stmt.annotation)).rpartition(".")[2] == "ClassVar":
                continue
            verdict = annotation_verdict(stmt.annotation, stmt.value, cls.module, table, resolve)
            out[name] = CLEAN if name in checked else verdict


def _strip_subscript(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Subscript) else node


def _validated_fields(node: ast.ClassDef, guards: set[str]) -> set[str]:
    """The fields a `@field_validator("a", "b")` (or v1 `@validator`) of the class checks
    with an allow-list check that raises on a bad value (`if v not in OK: raise`,
    `if not re.fullmatch(P, v): raise`: the guards the engine trusts); a validator that
    never raises, or checks only a length, lets any text through."""
    out: set[str] = set()
    for stmt in node.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or \
                not _raises_on_guard(stmt, guards):
            continue
        for deco in stmt.decorator_list:
            if isinstance(deco, ast.Call) and \
                    dotted_name(deco.func).rpartition(".")[2] in ("field_validator", "validator"):
                out.update(a.value for a in deco.args
                           if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return out


def _raises_on_guard(function: ast.FunctionDef | ast.AsyncFunctionDef, guards: set[str]
                     ) -> bool:
    """Does the function raise under an `if` whose test is true for a value its allow-list
    check does not accept?"""
    for node in ast.walk(function):
        if isinstance(node, ast.If) and any(isinstance(n, ast.Raise) for n in node.body) \
                and _rejects_unlisted(node.test, guards, False):
            return True
    return False


#: Guards that prove a prefix only (a path's folder): the rest of the value is free text.
_PREFIX_GUARDS = frozenset(("startswith", "is_relative_to"))


def _rejects_unlisted(test: ast.expr, guards: set[str], negated: bool) -> bool:
    """Is `test` (negated when `negated`) true for a value an allow-list check rejects:
    `v not in OK`, `not re.fullmatch(P, v)`, `not v.isdigit()`, alone or in an `and` /
    `or`? A deny-list's test (`";" in v`, `v in BAD`, `re.match(P_BAD, v)`) is true only
    for the values it lists: raising under it lets every other value through."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _rejects_unlisted(test.operand, guards, not negated)
    if isinstance(test, ast.BoolOp):
        return any(_rejects_unlisted(value, guards, negated) for value in test.values)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        if isinstance(test.ops[0], ast.NotIn):
            return not negated
        if isinstance(test.ops[0], ast.In):
            return negated
        return False
    if isinstance(test, ast.Call):
        head = dotted_name(test.func).rpartition(".")[2]
        return negated and head in guards and head not in _PREFIX_GUARDS and \
            _holds_whole_value(test, head)
    return False


def _holds_whole_value(call: ast.Call, head: str) -> bool:
    """`re.match(P, v)` / `re.fullmatch(P, v)` with a pattern written there: does P hold
    the whole value (`match` anchors the start only)? Any other guard: yes."""
    if head not in ("match", "fullmatch") or not call.args or \
            not isinstance(call.args[0], ast.Constant) or \
            not isinstance(call.args[0].value, str):
        return True
    return restrictive_pattern(call.args[0].value, start=True, end=head == "fullmatch")


def annotation_verdict(annotation: ast.expr | None, default: ast.expr | None,
                       where: Module, table: TaintTable, resolve: Resolve) -> Verdict:
    """What a value of this annotation (with this default: `Field(pattern=...)`,
    `Query(...)`) is after validation: TEXT, CLEAN or the nested model's kind."""
    if _restricted(default):
        return CLEAN
    return _verdict(annotation, where, table, resolve, 0)


def _verdict(node: ast.expr | None, where: Module, table: TaintTable, resolve: Resolve,
             depth: int) -> Verdict:
    if node is None or depth > 8:
        return TEXT
    if isinstance(node, ast.Constant):
        if node.value is None:
            return CLEAN
        if isinstance(node.value, str):  # a forward reference: "Item"
            try:
                parsed = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return TEXT
            return _verdict(parsed, where, table, resolve, depth + 1)
        return TEXT
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # int | None
        return _combine([_verdict(node.left, where, table, resolve, depth + 1),
                         _verdict(node.right, where, table, resolve, depth + 1)])
    if isinstance(node, ast.Call):
        return _call_verdict(node, where, table, resolve, depth)
    if isinstance(node, ast.Subscript):
        head = dotted_name(node.value).rpartition(".")[2]
        parts = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "Literal":
            return CLEAN  # one of the listed constants
        if head == "Annotated":
            if any(_restricted(meta) for meta in parts[1:]):
                return CLEAN
            return _verdict(parts[0], where, table, resolve, depth + 1)
        if head in _CONTAINERS:
            items = [p for p in parts if not (isinstance(p, ast.Constant) and p.value is ...)]
            found = [_verdict(p, where, table, resolve, depth + 1) for p in items]
            # a list of models: its items are read without their class (kept as text)
            return _combine([TEXT if v.startswith("cls:") and head not in (
                "Optional", "Union") else v for v in found])
        return TEXT  # dict[str, int]: its keys are text
    name = dotted_name(node)
    if not name:
        return TEXT
    if name.rpartition(".")[2] in NOT_TEXT:
        return CLEAN
    cls = resolve(where, name)
    if cls is None:
        return TEXT
    if is_enum(cls, resolve):
        return CLEAN
    if is_model(cls, table, resolve):
        return "cls:" + cls.key
    return TEXT


def _call_verdict(node: ast.Call, where: Module, table: TaintTable, resolve: Resolve,
                  depth: int) -> Verdict:
    """`constr(pattern=...)`, `conint(gt=0)`, `conlist(str)` as an annotation."""
    head = dotted_name(node.func).rpartition(".")[2]
    if head in _NUMBER_CALLS:
        return CLEAN
    if _restricted(node):
        return CLEAN
    if head in ("conlist", "conset"):
        item = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "item_type"), None)
        found = _verdict(item, where, table, resolve, depth + 1)
        return TEXT if found.startswith("cls:") else found
    return TEXT


def _combine(verdicts: list[Verdict]) -> Verdict:
    """The verdict of a union: clean when every member is; one model with None; else text."""
    rest = [v for v in verdicts if v != CLEAN]
    if not rest:
        return CLEAN
    if len(rest) == 1:
        return rest[0]
    return TEXT


def _restricted(node: ast.expr | None) -> bool:
    """Is this a `Field(pattern=...)` / `constr(regex=...)` / `Query(pattern=...)` call
    (or `StringConstraints`) whose pattern holds the whole value to a set of characters?"""
    if not isinstance(node, ast.Call) or \
            dotted_name(node.func).rpartition(".")[2] not in _PATTERN_CALLS:
        return False
    for keyword in node.keywords:
        if keyword.arg in ("pattern", "regex") and isinstance(keyword.value, ast.Constant) \
                and isinstance(keyword.value.value, str):
            return restrictive_pattern(keyword.value.value)
    return False


def restrictive_pattern(pattern: str, start: bool = False, end: bool = False) -> bool:
    """Does a pattern hold the whole value to an allow-list of characters? Anchored at
    both ends (pydantic searches the pattern anywhere in the value: `[a-z]+` alone
    accepts `a; rm -rf /`), each alternative of a top-level `|` on its own (`^png|jpg$`
    is `^png` or `jpg$`), and no piece that lets any character through (`.`, `\\S`,
    a negated class). `start`, `end`: the matching call anchors that end itself
    (`re.match` the start, `re.fullmatch` both)."""
    if any(piece in pattern for piece in _ANY_CHARACTER):
        return False
    return all(_anchored(alternative, start, end) and _no_any_character(alternative)
               for alternative in alternatives(pattern))


def _anchored(pattern: str, start: bool, end: bool) -> bool:
    start = start or pattern.startswith("^") or pattern.startswith("\\A")
    end = end or pattern.endswith("\\Z") or pattern.endswith("\\z") or (
        pattern.endswith("$") and not pattern.endswith("\\$"))
    return start and end


def _no_any_character(pattern: str) -> bool:
    """No `.` outside a character class (it matches anything)."""
    unescaped = pattern.replace("\\\\", "").replace("\\.", "")
    in_class = False
    for char in unescaped:
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "." and not in_class:
            return False
    return True
