"""Terraform modules: the blocks of one folder, and what their expressions refer to.

A `Module` is one instance of a module folder: the root module of a scanned folder, or
a child called with `module "x" { source = "./path" }`. Registry, Git, HTTP and other
remote sources are never fetched: when `terraform init` already installed the module,
the copy `.terraform/modules/modules.json` records (inside the scanned folder) is read,
else the module's outputs are Unknown, with a note. It implements the
expression `Scope`: `var.*` (the caller's inputs, `*.tfvars` of a root module, else the
default), `local.*`, `module.*.<output>`, `path.*`, `data.*` (IAM policy documents and
`archive_file` are evaluated; other data sources are Unknown) and resource references,
which become `Ref`s to the resource's id in the synthetic template (see `naming`).
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from lark import Token
from lark import Tree as LarkTree

from faasguard.loaders.documents import InputError, LDict, LList, read_text
from faasguard.loaders.terraform.expressions import (
    Bound,
    Evaluator,
    bind,
    fill_template,
    render,
)
from faasguard.loaders.terraform.hcl import Attr, Block, name_of, subtrees
from faasguard.loaders.terraform.variables import allowed_values
from faasguard.model import Ref, Unknown, Value, qualify

#: Attributes that name a resource itself (a plain Ref); others become `Ref(id, "Attr")`.
_SELF_ATTRIBUTES = {"id", "name", "bucket", "function_name", "url", "arn_suffix"}
MAX_MODULE_DEPTH = 16
#: The instances read of one block's `count`: the first MAX_COUNT, with a note, beyond
#: it (`count = 100000000`, a typo for 10, built 10^8 instances, more memory than the
#: machine has). 1,000 is AWS's default quota of IAM roles per account and of a region's
#: concurrent Lambda executions: one block deploying more functions or roles than an
#: account holds by default is a typo or a scale read as well from its first thousand,
#: and a scan of a thousand functions takes what a thousand-function project's does.
MAX_COUNT = 1000
#: Where `terraform init` records the modules it installed, relative to the root module.
MODULES_MANIFEST = ".terraform/modules/modules.json"
#: Instance keys of a block: (count index or for_each key, each.value) per instance.
Keys = list[tuple[str | int | None, Value]]


class Instance(Protocol):
    """One instance of a block with `count` or `for_each` (a resource or a module call)."""

    @property
    def key(self) -> str | int | None:
        """Its count index or for_each key (None: not counted, or not known statically)."""

    @property
    def each_value(self) -> Value:
        """Its `each.value`."""


_I = TypeVar("_I", bound=Instance)


@dataclass
class Resource:
    """One `resource` or `data` block of a module instance, with its address and id."""

    mode: str  # resource | data
    type: str
    name: str
    address: str  # module.x.aws_lambda_function.api
    logical: str  # its id in the synthetic template (FgTf<n>)
    block: Block
    module: Module
    key: str | int | None = None  # the for_each key or count index of this instance
    each_value: Value = None


@dataclass
class Tree:
    """Everything the modules of one root module declare, and the naming they share."""

    root: str  # the scanned root (absolute)
    virtual_file: str  # the file part of ids while the template is read
    parse: Callable[[str], list[Block]]  # folder relative to root -> its blocks
    resources: list[Resource] = field(default_factory=list)
    notes: list[tuple[str, int | None, str]] = field(default_factory=list)  # file, line, msg
    _manifests: dict[str, dict[str, str]] = field(default_factory=dict)

    def installed(self, folder: str) -> dict[str, str]:
        """The modules `terraform init` installed for the root module in `folder`: module
        key (`a.b` for module b called by module a) -> the folder of its copy, relative to
        the scanned root. Read from `.terraform/modules/modules.json`; entries whose copy
        is outside the scanned root are left out, with a note."""
        if folder not in self._manifests:
            self._manifests[folder] = self._read_manifest(folder)
        return self._manifests[folder]

    def _read_manifest(self, folder: str) -> dict[str, str]:
        rel = posixpath.normpath(posixpath.join(folder, MODULES_MANIFEST))
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            return {}
        try:
            data = json.loads(read_text(path))
        except (InputError, ValueError) as exc:
            why = exc.message if isinstance(exc, InputError) else "not JSON"
            self.note(rel, None, f"{why}; the modules terraform init installed are not read")
            return {}
        entries = data.get("Modules") if isinstance(data, dict) else None
        found: dict[str, str] = {}
        real_root = os.path.realpath(self.root)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("Key"), str) or \
                    not isinstance(entry.get("Dir"), str) or not entry["Key"]:
                continue
            copy = posixpath.normpath(posixpath.join(folder, entry["Dir"]))
            real = os.path.realpath(os.path.join(self.root, copy))
            if posixpath.isabs(entry["Dir"]) or copy == ".." or copy.startswith("../") or \
                    not real.startswith(real_root + os.sep):
                self.note(rel, None, f"module {entry['Key']}: its copy {entry['Dir']!r} is "
                          "outside the scanned folder; not read")
                continue
            found[entry["Key"]] = copy
        return found

    def note(self, file: str, line: int | None, message: str) -> None:
        """Record a warning about a Terraform file (once, however often it is met)."""
        if (file, line, message) not in self.notes:
            self.notes.append((file, line, message))


#: Data sources that name an existing resource by `name`, whose `arn` is then known in
#: form (service and name; region and account as placeholders): an event source mapping
#: or subscription on them knows what kind of source it reads.
_DATA_ARNS = {"aws_sqs_queue": ("sqs", "{}"), "aws_sns_topic": ("sns", "{}"),
              "aws_kinesis_stream": ("kinesis", "stream/{}")}


class Module:
    """One instance of a Terraform module folder; the `Scope` its expressions see."""

    def __init__(self, tree: Tree, folder: str, blocks: list[Block], prefix: str = "",
                 inputs: dict[str, Attr] | None = None, caller: Module | None = None,
                 tfvars: dict[str, Value] | None = None, depth: int = 0, *,
                 call: tuple[str, ...] = (), key: str | int | None = None,
                 each_value: Value = None,
                 var_files: dict[str, tuple[str | int | float | bool, ...]] | None = None,
                 called_at: Block | None = None) -> None:
        self.tree, self.folder, self.prefix = tree, folder, prefix
        self.inputs, self.caller, self.depth = inputs or {}, caller, depth
        self.tfvars = tfvars or {}
        #: A root module's variables: the values the project's other var-files give them
        #: (a deployment's `-var-file` choice, not a value).
        self.var_files = var_files or {}
        self.call = call  # the module names from the root module down to this one
        self.called_at = called_at  # the caller's `module` block (None: a root module)
        self.key, self.each_value = key, each_value  # of this instance of a counted call
        self.evaluator = Evaluator(self)
        self.variables: dict[str, Block] = {}
        self.locals: dict[str, Attr] = {}
        self.outputs: dict[str, Attr] = {}
        self.children: dict[str, list[Module]] = {}  # module name -> its instances
        self.own: dict[tuple[str, str, str], list[Resource]] = {}
        self.current: Instance | None = None  # the instance being evaluated (each, count)
        self._values: dict[str, Value] = {}
        self._busy: set[str] = set()
        calls: list[Block] = []
        pending: list[Block] = []
        for block in blocks:
            if block.type in ("resource", "data") and len(block.labels) >= 2:
                pending.append(block)
            elif block.type == "module" and block.labels:
                calls.append(block)
            else:
                self._declare(block)
        for block in calls:  # after locals and variables: count and for_each may use them
            self.children[block.labels[0]] = self._call(block)
        for block in pending:
            self._instances(block)

    # ------------------------------------------------------------------ declarations

    def _declare(self, block: Block) -> None:
        if block.type == "variable" and block.labels:
            self.variables[block.labels[0]] = block
        elif block.type == "locals":
            self.locals.update(block.attrs)
        elif block.type == "output" and block.labels:
            if "value" in block.attrs:
                self.outputs[block.labels[0]] = block.attrs["value"]

    def _keys(self, block: Block) -> Keys | str:
        """The instances `count` or `for_each` make of a block: one (None, None) without
        them, else one per count index / for_each key (none for `count = 0`); a string
        saying why when they cannot be known statically (a for_each known to be empty is
        taken for one left unresolved, as it always was for resources)."""
        if "for_each" in block.attrs:
            each = self.evaluator.value(block.attrs["for_each"].expr)
            if isinstance(each, dict) and each:
                return [(str(k), v) for k, v in each.items()]
            if isinstance(each, list) and each and all(isinstance(v, str) for v in each):
                return [(v, v) for v in dict.fromkeys(each)]
            return f"for_each cannot be known statically ({each.text})" \
                if isinstance(each, Unknown) else \
                "for_each is empty (taken for a value not known statically)" \
                if isinstance(each, (dict, list)) and not each else \
                "for_each is not a map or set of strings"
        if "count" in block.attrs:
            count = self.evaluator.value(block.attrs["count"].expr)
            if isinstance(count, int) and not isinstance(count, bool):
                if count > MAX_COUNT:
                    self.tree.note(block.file, block.line, f"count = {count}: only the "
                                   f"first {MAX_COUNT} instances are read (faasguard reads "
                                   f"at most {MAX_COUNT} of one block)")
                return [(i, None) for i in range(min(count, MAX_COUNT))]
            return f"count cannot be known statically ({count.text})" \
                if isinstance(count, Unknown) else "count is not a number"
        return [(None, None)]

    def _instances(self, block: Block) -> None:
        """One Resource per instance: per `for_each` key or `count` index when they are
        known statically, else one."""
        kind, name = block.labels[0], block.labels[1]
        address = f"{self.prefix}{'data.' if block.type == 'data' else ''}{kind}.{name}"
        keys = self._keys(block)
        instances = self.own.setdefault((block.type, kind, name), [])
        for key, value in [(None, None)] if isinstance(keys, str) else keys:
            resource = Resource(block.type, kind, name, address + _suffix(key),
                                f"FgTf{len(self.tree.resources)}", block, self, key, value)
            instances.append(resource)
            self.tree.resources.append(resource)

    @contextmanager
    def within(self, instance: Instance) -> Iterator[None]:
        """Evaluate expressions as the given instance (`each.*`, `count.index`)."""
        previous, self.current = self.current, instance
        try:
            yield
        finally:
            self.current = previous

    def _call(self, block: Block) -> list[Module]:
        """The instances of a module call: one per `count` index or `for_each` key (their
        inputs see `count.index`, `each.key`, `each.value`); one, with those unknown and a
        note, when the count or for_each cannot be known statically."""
        name = block.labels[0]
        source = self.evaluator.value(block.attrs["source"].expr) \
            if "source" in block.attrs else None
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            folder = self._installed(block, name, source)
            if folder is None:
                return []
        else:
            folder = posixpath.normpath(posixpath.join(self.folder, source))
        if folder == ".." or folder.startswith("../") or self.depth >= MAX_MODULE_DEPTH:
            self.tree.note(block.file, block.line, f"module {name}: '{source}' is outside "
                           "the scanned folder (or nested too deeply); not read")
            return []
        try:
            blocks = self.tree.parse(folder)
        except InputError as exc:
            self.tree.note(block.file, block.line, f"module {name}: {exc.message}")
            return []
        inputs = {k: v for k, v in block.attrs.items()
                  if k not in ("source", "version", "providers", "count", "for_each",
                               "depends_on")}
        keys = self._keys(block)
        if isinstance(keys, str):
            self.tree.note(block.file, block.line, f"module {name}: its {keys}; the module is "
                           "read once, with count.index, each.key and each.value unknown")
            keys = [(None, None)]
        return [Module(self.tree, folder, blocks, f"{self.prefix}module.{name}{_suffix(key)}.",
                       inputs, self, depth=self.depth + 1, call=(*self.call, name), key=key,
                       each_value=value, called_at=block)
                for key, value in keys]

    def _installed(self, block: Block, name: str, source: Value) -> str | None:
        """The folder of `terraform init`'s copy of a remote module (never fetched here),
        or None with a note that the module is not analysed."""
        shown = source.text if isinstance(source, Unknown) else \
            "(none)" if source is None else repr(source)
        top: Module = self
        while top.caller is not None:
            top = top.caller
        manifest = self.tree.installed(top.folder)
        key = ".".join([*self.call, name])
        folder = manifest.get(key)
        if folder is None:
            self.tree.note(block.file, block.line,
                           f"module {name}: source {shown} is not a local path: remote "
                           "modules are never fetched, so its resources are not analysed "
                           "(run `terraform init` and faasguard reads the copy recorded in "
                           f"{MODULES_MANIFEST})")
        return folder

    # ------------------------------------------------------------------ the Scope

    def lookup(self, root: str, parts: list[str | int]) -> tuple[Value, int]:
        """The value of `root.parts...` and how many parts it used (see `Scope`)."""
        first = parts[0] if parts else None
        if root == "var" and isinstance(first, str):
            return self.variable(first), 1
        if root == "local" and isinstance(first, str):
            return self.local(first), 1
        if root == "path" and isinstance(first, str):
            return self._path(first), 1
        if root == "module" and isinstance(first, str):
            return self._module_output(first, parts[1:])
        if root == "data" and len(parts) >= 2:
            return self._data(str(parts[0]), str(parts[1]), parts[2:])
        current = self.current
        if current is not None and current.key is not None and (
                (root == "each" and first in ("key", "value")) or
                (root == "count" and first == "index")):
            return (current.each_value if first == "value" else current.key), 1
        if root in ("count", "each", "self", "terraform") or first is None:
            return Unknown(".".join(str(p) for p in [root, *parts[:1]])), min(len(parts), 1)
        instances = self.own.get(("resource", root, str(first)))
        if not instances:
            return Unknown(f"{root}.{first} is not declared"), 1
        chosen, used = _pick(instances, parts[1:])
        if chosen is None and len(parts) == 1 and instances[0].key is not None:
            # `for_each = aws_lambda_function.fn`: the map of its instances by key
            return {i.key: _InstanceAttributes(self, i) for i in instances}, 1
        if chosen is None:
            return Unknown(f"{root}.{first}: instance not known statically"), 1 + used
        rest = parts[1 + used:]
        attribute = rest[0] if rest and isinstance(rest[0], str) and rest[0] != "*" else None
        return self.ref(chosen, attribute), 1 + used + (1 if attribute else 0)

    def ref(self, resource: Resource, attribute: str | None) -> Ref:
        """A reference to a resource (its `.arn` -> `Ref(id, "Arn")`)."""
        target = qualify(self.tree.virtual_file, resource.logical)
        if attribute is None or attribute in _SELF_ATTRIBUTES:
            return Ref(target)
        return Ref(target, "".join(w.capitalize() for w in attribute.split("_")))

    def read_file(self, path: Value) -> Value:
        """`file(path)`: a file of the scanned folder, named relative to the working
        directory (see `cwd`)."""
        if not isinstance(path, str):
            return Unknown("file() of an unknown path")
        rel = posixpath.normpath(posixpath.join(self.cwd, path))
        if posixpath.isabs(path) or rel == ".." or rel.startswith("../"):
            return Unknown(f"file {path} outside the scanned folder")
        try:
            return read_text(os.path.join(self.tree.root, rel))
        except InputError as exc:
            return Unknown(f"file {path}: {exc.message}")

    def variable(self, name: str) -> Value:
        """The value of `var.name`: input, tfvars (and `--param`), default, else Unknown
        (its choices what the variable's validation allows)."""
        key = f"var.{name}"
        if key in self._values:
            return self._values[key]
        value: Value = Unknown(f"var.{name}")
        if name in self.inputs and self.caller is not None:
            with self.caller.within(self):  # the inputs of this instance of the call
                # (named as this instance's, `module.api.var.x`: the caller's own `var.x`,
                # which `x = var.x` reads, is another value)
                value = self.caller.evaluate(self.inputs[name].expr, f"{self.prefix}{key}")
        elif name in self.tfvars:
            value = self.tfvars[name]
        elif name in self.variables and "default" in self.variables[name].attrs:
            value = self.evaluate(self.variables[name].attrs["default"].expr, key)
        elif name in self.variables:  # set at plan time: one of what its validation allows
            value = Unknown(key, allowed_values(self.variables[name], self.evaluator.value))
        self._values[key] = value
        return value

    def released(self, names: list[str], expr: LarkTree | Token) -> Value:
        """The value of `expr` were the variables `names` given no value: each an Unknown
        (its choices what its validation allows), their defaults set aside; nothing
        computed meanwhile is kept."""
        saved = self._values
        self._values = {f"var.{name}": Unknown(f"var.{name}", allowed_values(
            self.variables[name], self.evaluator.value)) for name in names}
        try:
            return self.evaluator.value(expr)
        finally:
            self._values = saved

    def local(self, name: str) -> Value:
        """The value of `local.name` (Unknown for an undeclared or cyclic local)."""
        if name not in self.locals:
            return Unknown(f"local.{name}")
        key = f"local.{name}"
        if key not in self._values:
            self._values[key] = self.evaluate(self.locals[name].expr, key)
        return self._values[key]

    def evaluate(self, expr: object, key: str) -> Value:
        """Evaluate an expression on behalf of `key`, refusing cycles."""
        if key in self._busy:
            return Unknown(f"{key} refers to itself")
        self._busy.add(key)
        try:
            return self.evaluator.value(expr)  # type: ignore[arg-type]
        finally:
            self._busy.discard(key)

    @property
    def cwd(self) -> str:
        """The folder Terraform runs in (its root module's, relative to the scan root):
        relative paths in `file()`, `templatefile()` and resource arguments are relative
        to it, which is why modules write `${path.module}/...`."""
        top: Module = self
        while top.caller is not None:
            top = top.caller
        return top.folder

    def _path(self, which: str) -> Value:
        if which == "module":  # this module's folder, relative to the working directory
            return posixpath.relpath(self.folder, self.cwd)
        return "." if which in ("root", "cwd") else Unknown(f"path.{which}")

    def _module_output(self, name: str, rest: list[str | int]) -> tuple[Value, int]:
        """`module.name.output` or `module.name[key].output` and the parts it used."""
        instances = self.children.get(name)
        if not rest and instances and instances[0].key is not None:
            # `for_each = module.fn` of a call with count / for_each: its instances by key
            return {i.key: _ModuleOutputs(i) for i in instances}, 1
        child, used = _pick(instances, rest) if instances else (None, 0)
        output = rest[used] if len(rest) > used else None
        if child is None or not isinstance(output, str) or output not in child.outputs:
            shown = "".join(_suffix(p) if isinstance(p, int) or i < used else f".{p}"
                            for i, p in enumerate(rest[:used + 1]))
            return Unknown(f"module.{name}{shown}"), 1 + min(len(rest), used + 1)
        return child.evaluate(child.outputs[output].expr, f"output.{output}"), 2 + used

    def _data(self, kind: str, name: str, rest: list[str | int]) -> tuple[Value, int]:
        found = self.own.get(("data", kind, name))
        # the instance (`data.x.y["key"]` of a for_each, `[0]` of a count), then the attribute
        resource, indexed = _pick(found, rest) if found else (None, 0)
        after = rest[indexed:]
        attribute = after[0] if after and isinstance(after[0], str) and after[0] != "*" \
            else None
        used = 2 + indexed + (1 if attribute else 0)
        if resource is None:
            suffix = f".{attribute}" if attribute else ""
            return Unknown(f"data.{kind}.{name}{suffix}"), used
        with self.within(resource):
            return self._data_attribute(kind, name, resource, attribute), used

    def _data_attribute(self, kind: str, name: str, resource: Resource,
                        attribute: str | None) -> Value:
        """An attribute of one instance of a data source (evaluated as that instance)."""
        if kind == "aws_iam_policy_document" and attribute in ("json", "minified_json"):
            return policy_document(self, resource.block)
        if kind in _DATA_ARNS and attribute == "arn":
            service, resource_format = _DATA_ARNS[kind]
            named = render([self.attr(resource.block, "name")])
            if isinstance(named, str) and named:
                return (f"arn:aws:{service}:${{AWS::Region}}:${{AWS::AccountId}}:"
                        f"{resource_format.format(named)}")
        if kind == "template_file" and attribute == "rendered":
            return fill_template(self.attr(resource.block, "template"),
                                 self.attr(resource.block, "vars") or {})
        if kind == "archive_file" and attribute == "output_path":
            attr = resource.block.attrs.get("output_path")
            return (self.evaluate(attr.expr, f"data.{kind}.{name}") if attr
                    else Unknown("archive_file without output_path"))
        return Unknown(f"data.{kind}.{name}.{attribute}")

    # ------------------------------------------------------------------ helpers

    def attr(self, block: Block, name: str) -> Value:
        """The value of one attribute of a block of this module (None when absent)."""
        found = block.attrs.get(name)
        return None if found is None else self.evaluator.value(found.expr)

    def nested(self, block: Block, kind: str) -> list[Block]:
        """The nested blocks of one type, in order, with `dynamic "<kind>"` blocks expanded:
        one block per element of a `for_each` known statically (its `content`, with
        `<iterator>.key`/`.value` bound), none for an empty one, and one with an unknown
        key and value (and a note) when the `for_each` cannot be known."""
        out: list[Block] = []
        for child in block.blocks:
            if child.type == kind:
                out.append(child)
            elif child.type == "dynamic" and child.labels and child.labels[0] == kind:
                out.extend(self._expand(child, kind))
        return out

    def _expand(self, dynamic: Block, kind: str) -> list[Block]:
        content = dynamic.nested("content")
        if not content:
            self.tree.note(dynamic.file, dynamic.line, f'dynamic "{kind}" has no content '
                           "block; nothing generated")
            return []
        iterator = kind
        if "iterator" in dynamic.attrs:
            expr = dynamic.attrs["iterator"].expr
            iterator = name_of(expr.children[0] if isinstance(expr, Bound) else expr)
        each = self.attr(dynamic, "for_each")
        pairs: list[tuple[Value, Value]]
        if isinstance(each, dict):
            pairs = list(each.items())
        elif isinstance(each, list):  # a set's key is its value; a list's, the index
            as_set = _calls(dynamic.attrs["for_each"].expr, "toset")
            pairs = [(v if as_set else i, v) for i, v in enumerate(each)]
        else:
            why = each.text if isinstance(each, Unknown) else "not a collection"
            self.tree.note(dynamic.file, dynamic.line, f'dynamic "{kind}": for_each cannot be '
                           f"known statically ({why}); its content is read once, with "
                           f"{iterator}.key and {iterator}.value unknown")
            pairs = [(Unknown(f"{iterator}.key"), Unknown(f"{iterator}.value"))]
        return [_bound_block(content[0], kind, (), {iterator: pair}) for pair in pairs]

    def all_modules(self) -> list[Module]:
        """This module and every module it calls, depth first."""
        out = [self]
        for instances in self.children.values():
            for child in instances:
                out.extend(child.all_modules())
        return out


def _suffix(key: str | int | None) -> str:
    """The address suffix of an instance: `["key"]`, `[0]`, or none."""
    return "" if key is None else f'["{key}"]' if isinstance(key, str) else f"[{key}]"


class _InstanceAttributes(dict[str, Value]):
    """One instance of a resource as a value (`each.value` of a for_each over a resource):
    reading any attribute of it gives the reference to that attribute."""

    def __init__(self, module: Module, instance: Resource) -> None:
        super().__init__()
        self.module, self.instance = module, instance

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __missing__(self, key: str) -> Value:
        return self.module.ref(self.instance, key)


class _ModuleOutputs(dict[str, Value]):
    """One instance of a module call as a value (`each.value` of a for_each over the
    call's instances): reading an output of it evaluates that output in the instance."""

    def __init__(self, instance: Module) -> None:
        super().__init__()
        self.instance = instance

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.instance.outputs

    def __missing__(self, key: str) -> Value:
        if key not in self.instance.outputs:
            return Unknown(f"module output {key} is not declared")
        return self.instance.evaluate(self.instance.outputs[key].expr, f"output.{key}")


def _pick(instances: Sequence[_I], rest: list[str | int]) -> tuple[_I | None, int]:
    """The instance a traversal names (`x[0]`, `x["k"]`, `x[*]`, or `x` when it is not
    counted) and how many of `rest` the index used (None when it is not known)."""
    keyed = instances[0].key is not None
    if rest and (isinstance(rest[0], int) or rest[0] == "*" or keyed):
        index = rest[0]
        if keyed:
            return next((r for r in instances if r.key == index), None), 1
        return (instances[0] if index in (0, "*") else None), 1
    return (None if keyed else instances[0]), 0


def _calls(expr: LarkTree | Token, function: str) -> bool:
    """Is the expression a call of `function` (`toset(...)`)?"""
    node = expr.children[0] if isinstance(expr, Bound) else expr
    while isinstance(node, LarkTree) and node.data == "expr_term" and \
            len(subtrees(node)) == 1:
        node = subtrees(node)[0]
    return isinstance(node, LarkTree) and node.data == "function_call" and \
        name_of(subtrees(node)[0]) == function


def _bound_block(block: Block, kind: str, labels: tuple[str, ...],
                 iterators: dict[str, tuple[Value, Value]]) -> Block:
    """A copy of `block` as a `kind` block whose expressions see `iterators`."""
    return Block(kind, labels, block.file, block.line, block.end_line,
                 {name: Attr(name, bind(attr.expr, iterators), attr.line)
                  for name, attr in block.attrs.items()},
                 [_bound_block(b, b.type, b.labels, iterators) for b in block.blocks])


def policy_document(module: Module, block: Block) -> LDict:
    """An `aws_iam_policy_document` data source as an IAM policy (statements at lines)."""
    doc = LDict(Version="2012-10-17")
    doc.line = block.line
    statements = LList()
    statements.line = block.line
    for st in module.nested(block, "statement"):
        out = LDict(Effect=module.attr(st, "effect") or "Allow")
        out.line = st.line
        for tf, cfn in (("sid", "Sid"), ("actions", "Action"), ("not_actions", "NotAction"),
                        ("resources", "Resource"), ("not_resources", "NotResource")):
            if tf in st.attrs:
                out[cfn] = module.attr(st, tf)
                out.key_lines[cfn] = st.attrs[tf].line
        for tf, cfn in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            for principal in module.nested(st, tf):
                kind = module.attr(principal, "type")
                ids = module.attr(principal, "identifiers")
                entry = out.setdefault(cfn, LDict())
                entry[kind] = ids
                out.key_lines[cfn] = principal.line
        for condition in module.nested(st, "condition"):
            test, variable = module.attr(condition, "test"), module.attr(condition, "variable")
            if isinstance(test, str) and isinstance(variable, str):
                out.setdefault("Condition", LDict()).setdefault(test, LDict())[variable] = \
                    module.attr(condition, "values")
        statements.append(out)
        statements.item_lines.append(st.line)
    doc["Statement"] = statements
    return doc
