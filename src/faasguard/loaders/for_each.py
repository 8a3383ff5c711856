"""`Fn::ForEach` of the AWS::LanguageExtensions transform, expanded in `Resources`.

```yaml
Fn::ForEach::Queues:
  - Name                        # the identifier
  - [Orders, Refunds]           # the collection (or a Ref to a CommaDelimitedList)
  - ${Name}Queue:               # the output key; &{Name} keeps only letters and digits
      Type: AWS::SQS::Queue
      Properties: {QueueName: !Sub "${Name}-queue"}
```

Each item of the collection gives one copy of the output, with `${Name}` / `&{Name}` in
keys and strings and `Ref: Name` replaced by the item; loops nest. The copies keep the
lines of the text they come from, so findings point at the loop's body. A collection that
cannot be known statically is a warning and the loop makes no resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from faasguard.loaders.documents import LDict, LList
from faasguard.loaders.intrinsics import Scope, resolve

PREFIX = "Fn::ForEach::"
_MAX_DEPTH = 8  # loops nested deeper than this are not expanded

Warn = Callable[[str, "int | None"], None]


def has_loops(section: dict[str, Any]) -> bool:
    """Whether a template section has an `Fn::ForEach::` key."""
    return any(isinstance(key, str) and key.startswith(PREFIX) for key in section)


def expand(section: LDict, scope: Scope, warn: Warn, depth: int = 0) -> LDict:
    """`section` with each `Fn::ForEach::` key replaced by the entries its loop makes."""
    out = LDict()
    out.line, out.end_line = section.line, section.end_line
    out.key_lines = dict(section.key_lines)
    for key, value in section.items():
        line = section.line_of(key)
        if not (isinstance(key, str) and key.startswith(PREFIX)):
            out[key] = value
            continue
        for made_key, made, made_line in _loop(key, value, line, scope, warn, depth):
            if made_key in out:
                warn(f"{key} makes '{made_key}', which is already declared; the copy is "
                     "ignored", line)
                continue
            out[made_key] = made
            out.key_lines[made_key] = made_line or line
    return out


def _loop(key: str, value: Any, line: int, scope: Scope, warn: Warn,
          depth: int) -> list[tuple[str, Any, int]]:
    if depth >= _MAX_DEPTH:
        warn(f"{key}: loops nested more than {_MAX_DEPTH} deep are not expanded", line)
        return []
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and isinstance(value[2], dict)):
        warn(f"{key} should be [identifier, collection, output]; ignored", line)
        return []
    identifier, output = value[0], value[2]
    items = _collection(resolve(value[1], scope))
    if items is None:
        warn(f"{key}: its collection is not known statically; the resources it makes are "
             "not read", line)
        return []
    made: list[tuple[str, Any, int]] = []
    for item in items:
        copy = _substitute(output, identifier, item)
        if has_loops(copy):
            copy = expand(copy, scope, warn, depth + 1)
        made.extend((str(k), v, copy.line_of(k, line)) for k, v in copy.items())
    return made


def _collection(value: Any) -> list[str] | None:
    """The items of a loop's collection: a list of strings, or a comma-delimited string
    (a CommaDelimitedList parameter's default)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return [str(v) for v in value]
    return None


def _substitute(value: Any, identifier: str, item: str) -> Any:
    """A copy of `value` with the identifier replaced by `item` (lines kept)."""
    if isinstance(value, str):
        return _text(value, identifier, item)
    if isinstance(value, dict):
        if list(value) == ["Ref"] and value["Ref"] == identifier:
            return item
        out = LDict()
        lines = getattr(value, "key_lines", {})
        out.line, out.end_line = getattr(value, "line", 0), getattr(value, "end_line", 0)
        for k, v in value.items():
            new_key = _text(k, identifier, item) if isinstance(k, str) else k
            out[new_key] = _substitute(v, identifier, item)
            if k in lines:
                out.key_lines[new_key] = lines[k]
        return out
    if isinstance(value, list):
        seq = LList(_substitute(v, identifier, item) for v in value)
        seq.line, seq.end_line = getattr(value, "line", 0), getattr(value, "end_line", 0)
        seq.item_lines = list(getattr(value, "item_lines", []))
        return seq
    return value


def _text(text: str, identifier: str, item: str) -> str:
    if "{" not in text:
        return text
    text = text.replace("${" + identifier + "}", item)
    return text.replace("&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", item))
