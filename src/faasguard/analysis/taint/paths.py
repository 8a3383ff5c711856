"""Checked access paths of the taint engines (Python, and Node.js: js/engine, js/calls).

An allow-list check of an access path (`if body["cmd"] not in ALLOWED: return`) clears
that path, not the object it is read from. The path is bound clean in the frame's
bindings beside the names, under a key no name can take (`body['cmd']`: see
`access_path`; Node.js: `body.cmd`, js/calls.access_path), with the `PATHS` mark that
tells item and attribute reads of a tainted object to look their path up (reads cost
nothing more while no path is checked). A key is told from a name by `opens`, what
follows its object: `PY_OPENS` or `JS_OPENS`.
"""

from __future__ import annotations

import ast

from faasguard.analysis.taint.state import Val

#: The key a frame's bindings hold (CLEAN) once they hold a checked access path.
PATHS = " paths"
#: What follows the object in a checked path's key: Python's `body['cmd']`, Node.js's
#: `body.cmd` (the `opens` of `forget_paths` and `joined_paths`).
PY_OPENS = "["
JS_OPENS = "."


def access_path(node: ast.expr) -> str:
    """`body['cmd']` for a read of a constant key from a name (`body["cmd"]`,
    `body.get("cmd")`, `body.cmd`, `getattr(body, "cmd")`, `event["a"]["b"]`), else "".
    The spellings of one key give one path."""
    kind = type(node)
    if kind is ast.Name:
        return node.id  # type: ignore[attr-defined]
    if kind is ast.Subscript:
        index = node.slice  # type: ignore[attr-defined]
        key = index.value if type(index) is ast.Constant else None
        head = node.value  # type: ignore[attr-defined]
    elif kind is ast.Attribute:
        key = node.attr  # type: ignore[attr-defined]
        head = node.value  # type: ignore[attr-defined]
    elif kind is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        args = node.args  # type: ignore[attr-defined]
        if type(func) is ast.Name and func.id == "getattr" and len(args) in (2, 3) \
                and type(args[1]) is ast.Constant:  # `getattr(body, "cmd"[, default])`
            key = args[1].value
            head = args[0]
        elif type(func) is not ast.Attribute or func.attr != "get" or not args \
                or type(args[0]) is not ast.Constant:
            return ""
        else:
            key = args[0].value
            head = func.value
    else:
        return ""
    if type(key) is not str:
        return ""
    root = access_path(head)
    return f"{root}[{key!r}]" if root else ""


def root_name(node: ast.expr) -> str:
    """The name an item or attribute chain is read from (`body` for `body["a"].b`), or ""."""
    while True:
        kind = type(node)
        if kind is ast.Name:
            return node.id  # type: ignore[attr-defined]
        if kind is not ast.Subscript and kind is not ast.Attribute:
            return ""
        node = node.value  # type: ignore[attr-defined]


def forget_paths(env: dict[str, Val], name: str, opens: str = PY_OPENS) -> None:
    """Drop the checked paths read from `name` (the name, or an item of it, written
    again); `opens`: `PY_OPENS` for Python's keys, `JS_OPENS` for Node.js's."""
    prefix = name + opens
    for key in [key for key in env if key.startswith(prefix)]:
        del env[key]


def joined_paths(env: dict[str, Val], *ways: dict[str, Val], opens: str = PY_OPENS) -> None:
    """Drop from `env`, the bindings joined from `ways`, the paths some way in did not
    check (names are joined by merging their values; a path checked, or still checked,
    on one way only is not checked after the join); `opens` as for `forget_paths`."""
    for key in [key for key in env if opens in key and any(key not in way for way in ways)]:
        del env[key]
