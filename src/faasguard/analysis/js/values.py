"""What the JS engine knows about values beyond their taint: the `kind` strings it uses.

A `Val` (shared with the Python engine: taints plus a kind) describes every expression.
The JS engine's kinds:

- `mod:<package>`: a package object (`require("child_process")`, `import * as cp`, a
  default import); `mod:file:<path>`: the exports of a project file.
- `ref:<package>.<name>`: something a package exports (`exec` after
  `const { exec } = require("child_process")`); calling it calls `<package>.<name>`.
- `fn:<key>`: a function of the project (declaration, arrow function, function
  expression), called inline with its arguments' taint.
- `class:<key>`: a class of the project; `inst:<key>`: an instance of it (its methods are
  called inline, `this.x` fields are tracked per class).
- `express-req`: the request of an Express-style route (its properties are read as the
  API Gateway event's: `req.query` is `queryStringParameters`).
- `html-response`: a response whose Content-Type was set to HTML (`res.type("html")`):
  what its `send`/`write`/`end` get is reflected into a page.
- a table kind (`sql`, `knex`, `mongo`, `schema`, `http-client`, ...): an object whose
  methods may be sinks (`pool.query`), sanitisers (`schema.parse`) or guards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# JsModule and Node are imported at run time, not for type checking only: compiled (mypyc),
# a dataclass's field annotations are looked up in the module's globals when the class is
# made. Neither adds an import: this package is imported only to analyse Node.js code,
# which parses with tree-sitter, and js.parse imports no module of this package.
from tree_sitter import Node

from faasguard.analysis.js.parse import JsModule
from faasguard.analysis.taint.state import Val

MOD = "mod:"
REF = "ref:"
FN = "fn:"
CLASS = "class:"
INSTANCE = "inst:"
REQUEST = "express-req"
#: The table kind of an Express-style web app or router (express, koa, fastify)
APP = "express-app"
HTML_RESPONSE = "html-response"
#: A middy instance made without its handler (`middy().use(...)`), which `.handler(fn)`
#: completes: middy(fn) is fn itself.
MIDDY = "middy"
LOCAL = "mod:file:"


def qualified(val: Val) -> str | None:
    """The package-qualified name a `mod:`/`ref:` value stands for (None otherwise)."""
    kind = val.kind
    if kind is None or kind.startswith(LOCAL):
        return None
    if kind.startswith(MOD):
        return kind[4:]
    if kind.startswith(REF):
        return kind[4:]
    return None


def package_name(spec: str) -> str:
    """A require/import specifier as the table names it (`node:fs` -> `fs`)."""
    return spec[5:] if spec.startswith("node:") else spec


@dataclass
class JsFrame:
    """One JS function being analysed: its module, local bindings and return values."""

    module: JsModule
    name: str
    env: dict[str, Val] = field(default_factory=dict)
    returns: list[Val] = field(default_factory=list)
    top_level: bool = False
    cls: str | None = None  # the class key of a method's frame (`this`)


@dataclass(frozen=True)
class FuncRef:
    """A function the engine can call inline: where it is and the frame it closes over."""

    module: JsModule
    node: Node
    closure: JsFrame | None
    name: str
    cls: str | None = None
