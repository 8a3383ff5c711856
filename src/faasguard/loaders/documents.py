"""Safe reading of YAML and JSON documents, with the line of every key and item.

libyaml (PyYAML's C parser) builds the node graph; our own constructor turns it into
`LDict`/`LList` values that remember where each key and item was written, so loaders can
give every element an exact line. Reading is defensive: oversized, binary and non-UTF-8
files, alias bombs, cyclic aliases and unknown tags are refused with an `InputError`
(or a warning), never a stack trace.

CloudFormation short-form tags (`!Ref`, `!GetAtt`, `!Sub`, ...) become their long form
(`{"Ref": ...}`, `{"Fn::GetAtt": [...]}`), so loaders see one shape.
"""

from __future__ import annotations

import base64
import operator
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from faasguard.collector import paused
from faasguard.filebytes import read_head

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - libyaml is a hard requirement in practice
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 400
FLOW_CHECK_THRESHOLD = 10_000  # `[`/`{` count above which nesting depth is checked first;
# libyaml composes 20,000 levels and crashes near 30,000: below 10,000 openers it cannot crash

_CFN_FN_TAGS = {
    "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
    "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString",
    "ForEach",
}

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_scalar_constructor = yaml.constructor.SafeConstructor()
_ScalarNode = yaml.ScalarNode
_intern = sys.intern


_PLAIN_TAGS: dict[str, str] = {}  # plain scalar -> its implicit tag (see _Loader.resolve)
_PLAIN_TAGS_MAX = 100_000


class _Loader(_SafeLoader):
    """The safe loader, with the implicit tag of each plain scalar looked up once per
    process: keys and values repeat across templates, and PyYAML's resolver (Python, a
    regular-expression match per scalar) is a fifth of the parse."""

    # No path resolvers (whatever a program may add to PyYAML's loaders): libyaml's
    # composer calls the two methods below around every node for them; C functions that
    # do nothing spare two Python calls per node.
    yaml_path_resolvers: dict[Any, Any] = {}
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]  # (parent, index)
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # ()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is _ScalarNode:
            if not implicit[0]:  # quoted: a string
                return self.DEFAULT_SCALAR_TAG
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_PLAIN_TAGS) < _PLAIN_TAGS_MAX and len(value) <= 64:
                    _PLAIN_TAGS[value] = tag
            return tag
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else \
            self.DEFAULT_MAPPING_TAG


#: How an error says that a file could not be opened or read: `InputError.reason` drops it.
CANNOT_READ = "cannot be read"


class InputError(Exception):
    """A file that cannot be read as asked: the message says why, `line` says where."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line

    @property
    def reason(self) -> str:
        """The message for a caller whose own words say the file cannot be read (`'x'
        cannot be read: ...`): without the leading 'cannot be read: ' that a file that
        could not be opened has, so the words are not said twice."""
        return self.message.removeprefix(f"{CANNOT_READ}: ")


class LDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    # Slots, not an instance dictionary: reading makes tens of thousands of these (and
    # loaders copy them); an instance dictionary made each one several times larger and
    # slower to make. A slot never set reads as its default (`__getattr__`).
    __slots__ = ("line", "end_line", "key_lines")
    line: int
    end_line: int
    key_lines: dict[Any, int]

    # No __init__: dict's own is several times faster, and loaders make many small
    # mappings. `key_lines` is made on first use; `line` and `end_line` are 0 until set.
    def __getattr__(self, name: str) -> Any:
        if name == "key_lines":
            self.key_lines = {}
            return self.key_lines
        if name == "line" or name == "end_line":
            return 0
        raise AttributeError(name)

    def line_of(self, key: Any, default: int | None = None) -> int:
        """The line `key` was written on, else `default` (else this mapping's own line)."""
        return self.key_lines.get(key, default if default is not None else self.line)


class LList(list):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    __slots__ = ("line", "end_line", "item_lines")  # as LDict's
    line: int
    end_line: int
    item_lines: list[int]

    def __getattr__(self, name: str) -> Any:  # `item_lines` on first use, as LDict's
        if name == "item_lines":
            self.item_lines = []
            return self.item_lines
        if name == "line" or name == "end_line":
            return 0
        raise AttributeError(name)

    def line_of(self, index: int) -> int:
        """The line item `index` was written on."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


@dataclass
class Document:
    """A parsed file: its data and the warnings met while reading it (and the text it
    was parsed from, when `parse` made it)."""

    data: Any
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)
    text: str = field(default="", repr=False)


def line_of(container: Any, key: Any = None, default: int = 1) -> int:
    """Best-known line of `container[key]` (or of the container), for any value."""
    if isinstance(container, (LDict, LList)):
        if key is None:
            return container.line or default
        return container.line_of(key) or default
    return default


def deep_merge(target: dict[str, Any], extra: dict[str, Any]) -> None:
    """Merge `extra` into `target` in place, mappings key by key (an extension of a
    declared resource): a key of `extra` that is not a mapping on both sides replaces
    `target`'s, and keeps its line when `target` records lines."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            deep_merge(target[key], value)
        else:
            target[key] = value
            if isinstance(target, LDict):
                target.key_lines[key] = line_of(extra, key)


def read_text(path: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, refusing oversized, binary and undecodable content."""
    raw = _read_bytes(path, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {exc.start}); skipped", line) from exc
    return text


def read_python(path: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a Python source file decoded as Python decodes it: in the encoding its PEP 263
    coding line declares (`# -*- coding: latin-1 -*-`, read by tokenize.detect_encoding,
    which executes nothing), else UTF-8; oversized and binary content refused as by
    `read_text`, an unknown encoding or bytes that are not of it too."""
    raw = _read_bytes(path, max_bytes)
    first = raw.find(b"\n")
    second = raw.find(b"\n", first + 1) if first >= 0 else -1
    head = raw if second < 0 else raw[:second + 1]  # a coding line is one of the first two
    encoding = "utf-8-sig"
    if b"coding" in head:
        import tokenize  # here, not at start-up: few files have a coding line

        lines = iter(head.splitlines(keepends=True))
        try:
            encoding, _cookie = tokenize.detect_encoding(lambda: next(lines, b""))
        except SyntaxError as exc:  # an unknown encoding name, a BOM with another one
            if str(exc).startswith("invalid or missing encoding declaration"):
                encoding = "utf-8"  # no coding line, and not UTF-8: said below, at its byte
            else:
                why = ("a UTF-8 byte-order mark and a coding line naming another encoding"
                       if head.startswith(b"\xef\xbb\xbf") else f"{exc} (its coding line)")
                raise InputError(f"cannot be decoded: {why}; skipped") from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise InputError(f"not valid {name} (byte {exc.start}); skipped", line) from exc
    except LookupError as exc:  # a codec of bytes to bytes (`coding: rot13`, `hex`)
        raise InputError(f"cannot be decoded: {exc} (its coding line); skipped") from None


def _read_bytes(path: str, max_bytes: int) -> bytes:
    """A text file's bytes, refusing one that cannot be read, is larger than `max_bytes`
    or is binary (NUL bytes in its first 8 KiB)."""
    try:
        raw = read_head(path, max_bytes + 1)  # one byte past the limit: oversized
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file") from exc
    except PermissionError as exc:
        raise InputError(f"{CANNOT_READ}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{CANNOT_READ}: {exc.strerror or exc}") from exc
    except ValueError as exc:  # a name no file has: a NUL or a lone surrogate in it
        raise InputError(f"{CANNOT_READ}: {exc}") from exc
    if len(raw) > max_bytes:
        raise InputError(f"larger than the {_size(max_bytes)} limit; skipped")
    if b"\x00" in raw[:8192]:
        raise InputError("binary content (NUL bytes); skipped")
    return raw


def _size(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    return f"{count:,} bytes"


def parse(text: str, max_nodes: int = MAX_NODES) -> Document:
    """Parse YAML (or JSON, which libyaml reads too) into LDict/LList values.

    Raises InputError for syntax errors, multiple documents, alias bombs, cyclic aliases
    and nesting deeper than MAX_DEPTH. The garbage collector is paused meanwhile
    (`collector.paused`).
    """
    with paused():
        return _parse(text, max_nodes)


def _parse(text: str, max_nodes: int) -> Document:
    loader = _Loader(text)
    try:
        if text.count("[") + text.count("{") > FLOW_CHECK_THRESHOLD:
            _check_flow_depth(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid syntax"
        if "nesting depth" in str(problem):  # libyaml >= 0.2.6 has a depth limit of its own
            raise InputError(f"nested more than {MAX_DEPTH} levels deep; refused", line) from exc
        raise InputError(f"invalid YAML/JSON: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML/JSON: {exc}") from exc
    finally:
        loader.dispose()
    doc = Document(None, text=text)
    if node is None:
        return doc
    try:
        anchored = "&" in text
        if anchored or 2 * len(text) >= max_nodes:
            _check_expansion(node, max_nodes)
        doc.data = _Builder(doc, anchored).build(node)
    except RecursionError:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep; refused") from None
    return doc


def _check_flow_depth(text: str) -> None:
    """Refuse deeply nested flow collections before libyaml's composer recurses into them
    (its C recursion has no limit: tens of thousands of `[` crash the process)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise InputError(f"nested more than {MAX_DEPTH} levels deep; refused",
                                 mark.line + 1 if mark is not None else None)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _check_expansion(root: yaml.Node, max_nodes: int) -> None:
    """Count the values the document expands to (aliases included) without building it,
    so an alias bomb is refused in milliseconds; cycles are left to the builder.

    `parse` skips it for a text without `&` (no anchor, so no alias: the document is as
    large as its text: at most two values per character, plus one) shorter than half of
    `max_nodes` characters: such a document cannot exceed the limit."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            return 0
        total = 1
        if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
            active.add(key)
            for child in node.value:  # plain loops: one stack frame per level
                if isinstance(child, tuple):
                    total += size(child[0]) + size(child[1])
                else:
                    total += size(child)
            active.discard(key)
        sizes[key] = total = min(total, max_nodes + 1)
        return total

    if size(root) > max_nodes:
        raise InputError(f"more than {max_nodes:,} values after alias expansion "
                         "(an alias bomb?); refused", root.start_mark.line + 1)


def load_file(path: str, max_bytes: int = MAX_FILE_BYTES, max_nodes: int = MAX_NODES) -> Document:
    """Read and parse one YAML/JSON file safely (see `read_text` and `parse`)."""
    return parse(read_text(path, max_bytes), max_nodes)


class _Builder:
    """Turns libyaml nodes into LDict/LList/scalars.

    It counts no values: `parse` refused any document that expands to more than its
    node limit before building (`_check_expansion`, or a text too short to hold that
    many). Cycles are looked for only in a document with anchors (`anchored`): without
    one there is no alias, so no node is met twice."""

    def __init__(self, doc: Document, anchored: bool = True):
        self.doc = doc
        self.active: set[int] | None = set() if anchored else None

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        """The value of `node` (`depth`: the collections it is nested in)."""
        if type(node) is _ScalarNode:
            return self._tagged(node, self._scalar(node))
        active = self.active
        if active is not None:
            if id(node) in active:
                raise InputError("cyclic alias (a structure that contains itself); refused",
                                 node.start_mark.line + 1)
            active.add(id(node))
        depth += 1
        if depth > MAX_DEPTH:
            raise InputError(f"nested more than {MAX_DEPTH} levels deep; refused",
                             node.start_mark.line + 1)
        # A plain string (most keys and values) is taken in the loop: one call per
        # collection instead of one per value. It is interned: thousands of templates
        # repeat the same keys and values (actions, runtimes, methods), which the model
        # keeps until the end of the scan. Mappings are built here too, not in a method
        # of their own: one stack frame per level, so that MAX_DEPTH levels are read
        # whatever the depth of the caller's stack.
        value: LList | LDict
        if type(node) is yaml.SequenceNode:
            value = LList()
            value.line, value.end_line = node.start_mark.line + 1, node.end_mark.line + 1
            value.item_lines = lines = []
            for item in node.value:
                lines.append(item.start_mark.line + 1)
                if item.tag == _STR and type(item) is _ScalarNode:
                    value.append(_intern(item.value))
                else:
                    value.append(self.build(item, depth))
        else:
            value = mapping = LDict()
            mapping.line, mapping.end_line = node.start_mark.line + 1, node.end_mark.line + 1
            key_lines: dict[Any, int] = {}
            mapping.key_lines = key_lines
            for key_node, value_node in node.value:
                tag = key_node.tag
                if tag == _STR and type(key_node) is _ScalarNode:
                    key = _intern(key_node.value)
                elif tag == _MERGE:
                    self._merge(mapping, self.build(value_node, depth), key_node)
                    continue
                else:
                    key = self.build(key_node, depth)
                    if isinstance(key, (dict, list)):
                        key = str(key)
                line = key_node.start_mark.line + 1
                if key in mapping:
                    self.doc.warnings.append(
                        (line, f"duplicate key {key!r} (first at line "
                               f"{key_lines.get(key)}); the last one is used"))
                if value_node.tag == _STR and type(value_node) is _ScalarNode:
                    mapping[key] = _intern(value_node.value)
                else:
                    mapping[key] = self.build(value_node, depth)
                key_lines[key] = line
        if active is not None:
            active.discard(id(node))
        return value if node.tag[:1] != "!" else self._tagged(node, value)

    def _merge(self, mapping: LDict, merged: Any, key_node: yaml.Node) -> None:
        sources = merged if isinstance(merged, list) else [merged]
        for source in sources:
            if not isinstance(source, dict):
                self.doc.warnings.append((key_node.start_mark.line + 1,
                                          "merge key '<<' needs a mapping; ignored"))
                continue
            for key, value in source.items():
                if key not in mapping:
                    mapping[key] = value
                    mapping.key_lines[key] = getattr(source, "key_lines", {}).get(
                        key, key_node.start_mark.line + 1)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if not tag.startswith("tag:yaml.org,2002:") or tag == _STR:
            return node.value
        if tag == "tag:yaml.org,2002:binary":
            try:
                return base64.b64decode(node.value, validate=False).decode("utf-8", "replace")
            except ValueError:
                return node.value
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value
        constructor = _scalar_constructor.yaml_constructors.get(tag)
        if constructor is None:
            return node.value
        try:
            return constructor(_scalar_constructor, node)
        except (ValueError, yaml.YAMLError):
            return node.value

    def _tagged(self, node: yaml.Node, value: Any) -> Any:
        tag = node.tag
        if not tag.startswith("!"):
            return value
        name = tag[1:]
        line = node.start_mark.line + 1
        if name == "Ref":
            return _long_form("Ref", value, line)
        if name == "Condition":
            return _long_form("Condition", value, line)
        if name == "GetAtt" and isinstance(value, str):
            logical, _, attribute = value.partition(".")
            value = LList([logical, attribute])
            value.line = line
            value.item_lines = [line, line]
            return _long_form("Fn::GetAtt", value, line)
        if name in _CFN_FN_TAGS:
            return _long_form(f"Fn::{name}", value, line)
        self.doc.warnings.append((line, f"unknown tag {tag!r}; its value is kept as written"))
        return value


def _long_form(key: str, value: Any, line: int) -> LDict:
    result = LDict({key: value})
    result.line = result.end_line = line
    result.key_lines = {key: line}
    return result
