"""Nested stacks of local templates: the parameter values a parent passes reach the child.

`AWS::CloudFormation::Stack` (`TemplateURL`) and `AWS::Serverless::Application`
(`Location`) deploy another template as a stack of their own, with the `Parameters` the
parent passes. Where that template is a local file inside the scanned folder (`sam build`
and `aws cloudformation package` upload it from there; a URL, an S3 location or a
Serverless Application Repository id is never fetched), the parent records a
`NestedStack` (`read_stack`), and once every file is loaded, `pass_parameters` loads the
child again with those values, as CloudFormation deploys it:

- a value the parent decides (a literal, a value given to the parent, a reference to a
  resource of the parent, or Unknown) is a fact for the child (`LoadContext.params`);
- a value from the parent's own defaults replaces the child's default but is no fact
  (`LoadContext.defaults`): another deployment of the parent passes another value;
- a child several stacks deploy with different values gets Unknown for those, its
  choices the values passed (each stack deploys one of them);
- the child does not read a samconfig file of its own (`sam deploy` reads the parent's).

A note on the child names the parent and the parameters it passes (never their values).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from faasguard.loaders import LoadContext
from faasguard.loaders.intrinsics import choices_of, names_any
from faasguard.loaders.template import Template, mapping
from faasguard.model import App, NestedStack, Unknown, Value

#: Where each stack type names its template.
_LOCATION = {"AWS::CloudFormation::Stack": "TemplateURL",
             "AWS::Serverless::Application": "Location"}
_REMOTE = ("http://", "https://", "s3://")
#: Rounds of passing values down (a child that is itself a parent gets its values in the
#: round after its parent's; a template nesting itself stops here).
_DEPTH = 5


def read_stack(t: Template, logical: str, props: Any) -> None:
    """Record a stack whose template is a local file of the scanned folder, with the
    values it passes (its `Parameters`)."""
    location = props.get(_LOCATION.get(t.type_of(logical) or "", "TemplateURL"))
    child = _local_template(t.ctx, location)
    if child is None:
        _note_unread(t, logical, location)
        return
    raw = mapping(t.props[logical].get("Parameters"))
    stack = NestedStack(child, t.ctx.file, logical)
    for key, value in mapping(props.get("Parameters")).items():
        name = str(key)
        if isinstance(value, Unknown) or not names_any(raw.get(key), t.scope.settable):
            stack.given[name] = value
        else:
            stack.defaults[name] = value
    t.app.stacks.append(stack)


def _note_unread(t: Template, logical: str, location: Value) -> None:
    """Say that the stack's resources were not read, and why: its template is missing
    (a warning: a typo, or a file not generated yet), outside the scanned folder, fetched
    at deployment (a URL, an S3 location, a Serverless Application Repository app) or
    not known."""
    where = location if isinstance(location, str) and location else \
        "a Serverless Application Repository application" \
        if isinstance(location, dict) and "ApplicationId" in location else "not known"
    why = "is not known" if where == "not known" else f"is not in the scanned folder ({where})"
    level = "note"
    if isinstance(location, str) and location and not location.startswith(_REMOTE):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(t.ctx.file), location))
        if not (path.startswith("../") or path == ".." or posixpath.isabs(path)):
            why, level = f"{path} does not exist", "warning"
    t.app.diagnostics.append(t.ctx.diagnostic(
        f"{logical}: the template of this nested stack {why}; the resources it deploys "
        "were not read", t.line(logical), level))


def _local_template(ctx: LoadContext, location: Value) -> str | None:
    """The template a stack names, relative to the root, when it is a file inside it."""
    if not isinstance(location, str) or not location or location.startswith(_REMOTE):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.file), location))
    if path.startswith("../") or path == ".." or posixpath.isabs(path):
        return None
    return path if os.path.isfile(os.path.join(ctx.root, path)) else None


def pass_parameters(contexts: list[LoadContext], fragments: list[App],
                    load: Callable[[LoadContext], App]) -> None:
    """Load again, with the values their parents pass, the templates of `contexts` that
    nested stacks deploy (`fragments[i]` is what `contexts[i]` loaded; replaced in place).
    """
    index = {ctx.file: i for i, ctx in enumerate(contexts)}
    passed: dict[str, tuple[dict[str, Value], dict[str, Value], str]] = {}
    for _ in range(_DEPTH):
        wanted = _wanted(fragments, index)
        changed = {child: values for child, values in wanted.items()
                   if passed.get(child) != values}
        if not changed:
            return
        for child, (given, defaults, parent) in changed.items():
            i = index[child]
            base = contexts[i]
            ctx = replace(base, params={**base.params, **given}, defaults=defaults,
                          parent=parent)
            fragment = load(ctx)
            names = sorted({*given, *defaults})
            fragment.diagnostics.append(ctx.diagnostic(
                f"deployed as a nested stack of {parent}: read with the parameter values "
                f"it passes ({', '.join(names) or 'none'})", None, "note", "parameters"))
            fragments[i] = fragment
            passed[child] = (given, defaults, parent)


def _wanted(fragments: list[App], index: dict[str, int]
            ) -> dict[str, tuple[dict[str, Value], dict[str, Value], str]]:
    """Per child template loaded in this scan: the values its stacks pass (merged)."""
    stacks: dict[str, list[NestedStack]] = {}
    for fragment in fragments:
        for stack in fragment.stacks:
            if stack.template in index and stack.template != stack.parent:
                stacks.setdefault(stack.template, []).append(stack)
    return {child: _merged(found) for child, found in stacks.items()}


def _merged(stacks: list[NestedStack]) -> tuple[dict[str, Value], dict[str, Value], str]:
    """The values several stacks pass to one template: what they agree on as it is, the
    rest Unknown (its choices the values passed); the first parent names them."""
    first = stacks[0]
    parent = ", ".join(dict.fromkeys(s.parent for s in stacks))
    if len(stacks) == 1:
        return dict(first.given), dict(first.defaults), parent
    given: dict[str, Value] = {}
    defaults: dict[str, Value] = {}
    names = dict.fromkeys(n for s in stacks for n in (*s.given, *s.defaults))
    for name in names:
        values = [s.given.get(name, s.defaults.get(name)) for s in stacks]
        if all(v == values[0] for v in values) and all(name in s.given for s in stacks):
            given[name] = values[0]
        elif all(v == values[0] for v in values) and values[0] is not None:
            defaults[name] = values[0]
        else:
            given[name] = Unknown(f"parameter {name}", choices_of(*values))
    return given, defaults, parent
