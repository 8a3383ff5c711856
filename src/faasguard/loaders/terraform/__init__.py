"""Terraform (HCL2) -> the App model.

A Terraform module is a folder of `.tf` files, so Terraform is loaded per folder, not per
file: `load_tree(root, tf_files)` groups the files by folder, finds the root modules
(folders no other scanned folder calls as a local module), and for each root module:

1. parses its files and the local modules it calls (`hcl`, `module`);
2. evaluates variables (tfvars, defaults, module inputs), locals and references
   (`expressions`);
3. translates the AWS resources into the CloudFormation resources that configure the
   same thing, folding separate settings resources into their targets (`resources`,
   `folds`), and reads them with the CloudFormation loader, so every rule applies;
4. renames what it read back to Terraform terms: ids are `qualify(file, address)` with the
   file that declares the resource and its address (`aws_lambda_function.api`,
   `module.api.aws_lambda_function.handler`); for a module folder several root modules
   call (envs/dev, envs/prod), the root's file calling it, as each root deploys its own
   instance; locations are the exact `.tf` lines.

`archive_file` data sources that package a function's folder give `Function.code_dir`
(a layer version's: `Layer.content`).
A file that is not valid HCL2 is an error diagnostic; the other files are still read.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from operator import attrgetter
from typing import Any

from faasguard.finding_origins import MODULE_CALLS
from faasguard.loaders import LoadContext, finish
from faasguard.loaders.documents import MAX_FILE_BYTES, InputError, LDict, load_file
from faasguard.loaders.intrinsics import choices_of
from faasguard.loaders.terraform.ahead import SPAN, ParsedTf, by_folder, read_file
from faasguard.loaders.terraform.folds import fold
from faasguard.loaders.terraform.hcl import Block, name_of, read_tfvars, subtrees
from faasguard.loaders.terraform.hcl import Tree as Syntax
from faasguard.loaders.terraform.module import Module, Resource, Tree
from faasguard.loaders.terraform.resources import translate
from faasguard.loaders.terraform.variables import given_variables
from faasguard.model import (
    CODE_ELSEWHERE,
    App,
    Diagnostic,
    Location,
    Ref,
    SourceFile,
    Unknown,
    qualify,
)

#: What a released expression is (`_Files.release`): an empty tree.
_RELEASED: Syntax = Syntax("released", [])


class _Files:
    """The .tf files of one scan: parsed once (or given parsed, `ahead`), each with its
    own line span (`ahead.SPAN`)."""

    def __init__(self, root: str, max_bytes: int,
                 ahead: Mapping[str, ParsedTf] | None = None) -> None:
        self.root, self.max_bytes = root, max_bytes
        self.ahead = dict(ahead or {})
        self.order: list[str] = []
        self.parsed: dict[str, list[Block]] = {}
        self.errors: dict[str, InputError] = {}
        self.secrets: dict[str, Any] = {}  # FileFacts of the template secrets, by file

    def folder(self, folder: str) -> list[Block]:
        """The blocks of every .tf file of a folder (raises when it has none)."""
        full = os.path.join(self.root, folder)
        try:
            names = sorted(n for n in os.listdir(full) if n.endswith(".tf"))
        except OSError as exc:
            raise InputError(f"folder '{folder}' cannot be read: {exc.strerror}") from None
        if not names:
            raise InputError(f"folder '{folder}' has no .tf files")
        blocks: list[Block] = []
        for name in names:
            blocks.extend(self.file(posixpath.normpath(posixpath.join(folder, name))))
        return blocks

    def file(self, rel: str) -> list[Block]:
        """The blocks of one file ([] when it cannot be read: see `errors`)."""
        if rel not in self.parsed:
            self.order.append(rel)
            offset = len(self.order) * SPAN
            given = self.ahead.pop(rel, None)
            if given is None or given.offset != offset:  # not read ahead in this numbering
                given = read_file(self.root, rel, offset, self.max_bytes)
            self.parsed[rel] = given.blocks
            self.secrets[rel] = given.secrets
            problem = given.problem()
            if problem is not None:
                self.errors[rel] = problem
        return self.parsed[rel]

    def release(self) -> None:
        """Drop the expression trees of the parsed files once their module trees are
        loaded. The modules that read them refer to one another (a module and its
        evaluator, a resource and its module, a caller and its calls): reference counting
        cannot free those cycles, and a scan pauses the cyclic collector (`collector`),
        so the parser's trees, a hundred times the size of the file, would stay to the
        end of the scan. Nothing loaded refers to them."""
        todo = [block for blocks in self.parsed.values() for block in blocks]
        while todo:
            block = todo.pop()
            for attr in block.attrs.values():
                attr.expr = _RELEASED
            todo.extend(block.blocks)
        self.parsed.clear()

    def real(self, line: int) -> tuple[str | None, int]:
        """The file and line a shared line number stands for."""
        index = line // SPAN - 1
        if 0 <= index < len(self.order):
            return self.order[index], line % SPAN
        return None, line


def load_tree(root: str, tf_files: Iterable[str], max_bytes: int | None = None,
              variables: Mapping[str, str] | None = None,
              ahead: Mapping[str, ParsedTf] | None = None) -> App:
    """Load every Terraform root module among `tf_files` (paths relative to `root`);
    `variables` are values the user gave (`--param`), as `terraform -var` gives them to
    the variables a root module declares. `ahead`: files already parsed (by loading
    workers: `ahead.plan`), by path, used up here (`_Files.release`); the others are
    parsed here."""
    app = App(root=root)
    files = _Files(root, max_bytes or MAX_FILE_BYTES, ahead)
    folders = by_folder(tf_files)
    calls: dict[str, set[str]] = {}  # folder -> the local module folders it calls
    for folder, names in folders.items():
        for name in names:
            for block in files.file(name):
                source = _local_source(block)
                if source is not None:
                    calls.setdefault(folder, set()).add(
                        posixpath.normpath(posixpath.join(folder, source)))
    called = set().union(*calls.values())
    roots = [folder for folder in folders if folder not in called]
    shared = _shared_modules(roots, calls)
    for folder, names in folders.items():
        if folder in called:
            continue
        blocks = [b for name in names for b in files.file(name)]
        if blocks:
            app.merge(_guarded_root(root, folder, blocks, files, variables or {}, shared))
    for rel, exc in files.errors.items():
        app.diagnostics.append(Diagnostic(rel, exc.message, exc.line))
    app.files.extend(SourceFile(rel, "terraform", files.secrets[rel]) for rel in files.order
                     if rel not in files.errors)
    files.release()
    finish(root, app)  # as every loader's fragment (web apps behind Mangum, apig-wsgi)
    return app


def _shared_modules(roots: list[str], calls: Mapping[str, set[str]]) -> set[str]:
    """The local module folders more than one root module calls (directly or through
    other modules): envs/dev and envs/prod both calling ../../modules/fn."""
    reached_by: dict[str, int] = {}
    for root in roots:
        seen: set[str] = set()
        pending = list(calls.get(root, ()))
        while pending:
            folder = pending.pop()
            if folder not in seen:
                seen.add(folder)
                pending.extend(calls.get(folder, ()))
        for folder in seen:
            reached_by[folder] = reached_by.get(folder, 0) + 1
    return {folder for folder, count in reached_by.items() if count > 1}


def _element_id(resource: Resource, shared: set[str]) -> str:
    """The id of what a resource declares: its file and address; for a module folder
    several root modules call (`shared`), the file of the root's `module` block that makes
    the instance, as each root deploys its own (modules/fn/main.tf#module.export... in
    envs/dev and in envs/prod would be one element)."""
    file = resource.block.file
    if posixpath.dirname(file) in shared:
        module = resource.module
        while module.caller is not None and module.called_at is not None:
            file = module.called_at.file
            module = module.caller
    return qualify(file, resource.address)


def _guarded_root(root: str, folder: str, blocks: list[Block], files: _Files,
                  variables: Mapping[str, str], shared: set[str]) -> App:
    """`_load_root`, where a loader bug becomes an internal diagnostic, not the end."""
    try:
        return _load_root(root, folder, blocks, files, variables, shared)
    except Exception as exc:
        if os.environ.get("FAASGUARD_DEBUG"):
            raise
        app = App(root=root)
        app.diagnostics.append(Diagnostic(
            blocks[0].file, f"internal error while loading the Terraform module in "
            f"'{folder}' ({type(exc).__name__}: {exc}); please report it", code="internal"))
        return app


def _local_source(block: Block) -> str | None:
    if block.type != "module" or "source" not in block.attrs:
        return None
    tree = block.attrs["source"].expr
    text = "".join(str(t) for t in tree.scan_values(lambda v: getattr(v, "type", "") ==
                                                     "STRING_CHARS"))
    return text if text.startswith(("./", "../")) else None


def _load_root(root: str, folder: str, blocks: list[Block], files: _Files,
               variables: Mapping[str, str], shared: set[str]) -> App:
    from faasguard.loaders.cloudformation import load_template

    virtual = posixpath.join(folder, "*.tf") if folder != "." else "*.tf"
    tree = Tree(root=root, virtual_file=virtual, parse=files.folder)
    probe = _probe(root, folder)
    given, notes = given_variables(blocks, variables, probe.evaluator.value)
    tree.notes.extend(notes)
    Module(tree, folder, blocks, tfvars={**_tfvars(root, folder, probe), **given},
           var_files=_var_files(root, folder, probe))
    types: dict[str, str] = {}
    props: dict[str, LDict] = {}
    template = LDict()
    for resource in tree.resources:
        with resource.module.within(resource):
            translated = translate(resource)
        if translated is None:
            continue
        types[resource.logical], props[resource.logical] = translated
    fold(tree.resources, props, types)
    for resource in tree.resources:
        if resource.logical in types:
            template[resource.logical] = LDict(Type=types[resource.logical],
                                               Properties=props[resource.logical])
            template.key_lines[resource.logical] = resource.block.line
    ctx = LoadContext(root=root, file=virtual)
    app = load_template(LDict(Resources=template), ctx, "terraform")
    app.declared_parameters.update(b.labels[0] for b in blocks
                                   if b.type == "variable" and b.labels)
    for file, line, message in tree.notes:
        app.diagnostics.append(Diagnostic(file, message, files.real(line or 0)[1] or None,
                                          "warning"))
    _code_dirs(app, tree, virtual)
    renamer = _Renamer(tree.resources, files, virtual, shared)
    renamer.app(app)
    _note_module_calls(app, tree.resources, files, renamer.names)
    return app


def _note_module_calls(app: App, resources: list[Resource], files: _Files,
                       names: Mapping[str, str]) -> None:
    """Give each element a module instance declares (`MODULE_CALLS` in its properties)
    the `module` blocks that make that instance, the root module's first, each with the
    instance's address (`module.api`, `module.svc["a"].module.queue`): a finding on it
    names them (`finding_origins`). `names`: each resource's element id by its synthetic
    logical id (`_Renamer.names`)."""
    calls_of: dict[int, list[tuple[Location, str]]] = {}
    by_id: dict[str, list[tuple[Location, str]]] = {}
    for resource in resources:
        module = resource.module
        if module.called_at is None:
            continue
        if id(module) not in calls_of:
            calls: list[tuple[Location, str]] = []
            while module.caller is not None and module.called_at is not None:
                block = module.called_at
                calls.append((Location(block.file, files.real(block.line)[1]),
                              module.prefix.rstrip(".")))
                module = module.caller
            calls_of[id(resource.module)] = calls[::-1]
        by_id[names[resource.logical]] = calls_of[id(resource.module)]
    for table in (app.functions, app.resources, app.apis):
        for element_id, element in table.items():
            if element_id in by_id:
                element.properties[MODULE_CALLS] = by_id[element_id]


def _probe(root: str, folder: str) -> Module:
    """An empty module of `folder`: it evaluates literal values (tfvars, `--param`)."""
    return Module(Tree(root, "", lambda _f: []), folder, [])


def _tfvars(root: str, folder: str, probe: Module) -> dict[str, Any]:
    """Variable values of the files Terraform reads in a root module by itself, a later
    one's value winning: `terraform.tfvars`, `terraform.tfvars.json`, then the
    `*.auto.tfvars` and `*.auto.tfvars.json` files in the order of their names."""
    values: dict[str, Any] = {}
    try:
        names = os.listdir(os.path.join(root, folder))
    except OSError:
        return values
    for name in sorted((n for n in names if _auto_loaded(n)), key=_auto_order):
        rel = posixpath.join(folder, name)
        try:
            values.update(_var_values(os.path.join(root, rel), rel, probe))
        except InputError:
            continue
    return values


#: A variable-definitions file: HCL, or JSON (one object of the variables' values).
_VAR_FILE_SUFFIXES = (".tfvars", ".tfvars.json")
#: The variable-definitions files Terraform reads in a root module by itself, first to last
#: (the `*.auto` ones then by name).
_AUTO_LOADED = ("terraform.tfvars", "terraform.tfvars.json")
_AUTO_SUFFIXES = (".auto.tfvars", ".auto.tfvars.json")


def _auto_order(name: str) -> tuple[int, str]:
    """Where Terraform reads a root module's file of this name among those it reads by
    itself (`_auto_loaded`)."""
    return (_AUTO_LOADED.index(name), "") if name in _AUTO_LOADED \
        else (len(_AUTO_LOADED), name)


def _auto_loaded(name: str) -> bool:
    """Does Terraform read a root module's file of this name without `-var-file`?"""
    return name in _AUTO_LOADED or name.endswith(_AUTO_SUFFIXES)


def _var_values(path: str, rel: str, probe: Module) -> dict[str, Any]:
    """The values a variable-definitions file gives (`.tfvars`: HCL, evaluated by `probe`;
    `.tfvars.json`: one JSON object, read by the safe document reader with its lines);
    InputError when it cannot be read."""
    if not rel.endswith(".json"):
        return {key: probe.evaluator.value(attr.expr)
                for key, attr in read_tfvars(path, rel).items()}
    data = load_file(path).data
    if not isinstance(data, dict):
        raise InputError("a .tfvars.json file holds one JSON object")
    return {str(key): value for key, value in data.items()}


#: How deep below a root module its var-files are looked for (`env/prod/x.tfvars`: 2).
_VAR_FILE_DEPTH = 2


def _var_files(root: str, folder: str, probe: Module) -> dict[str, tuple[Any, ...]]:
    """The scalar values the project's other var-files give each variable: the `.tfvars`
    and `.tfvars.json` files of a root module's folder Terraform does not load by itself
    and those of its subfolders (down to `_VAR_FILE_DEPTH`) that hold no module of their
    own (`env/`, `vars/prod/`), which `terraform apply -var-file=env/preview.tfvars`
    passes. Which one a deployment passes, if any, is unknown: they are choices, not
    values. Hidden folders, the folders discovery skips (`scan.SKIP_DIRS`) and links are
    not followed."""
    from faasguard.scan import SKIP_DIRS

    found: dict[str, list[Any]] = {}
    pending = [(folder, 0)]
    while pending:
        rel_dir, depth = pending.pop(0)
        try:
            with os.scandir(os.path.join(root, rel_dir)) as listing:
                entries = sorted(listing, key=attrgetter("name"))
        except OSError:
            continue
        if depth and any(e.name.endswith((".tf", ".tf.json")) for e in entries):
            continue  # a module of its own: its var-files are its own
        for entry in entries:
            if entry.is_symlink() or entry.name.startswith("."):
                continue
            rel = posixpath.join(rel_dir, entry.name)
            if entry.is_dir():
                if depth < _VAR_FILE_DEPTH and entry.name not in SKIP_DIRS:
                    pending.append((rel, depth + 1))
            elif entry.name.endswith(_VAR_FILE_SUFFIXES) and \
                    (depth or not _auto_loaded(entry.name)):
                try:
                    given = _var_values(entry.path, rel, probe)
                except InputError:
                    continue
                for key, value in given.items():
                    found.setdefault(key, []).append(value)
    return {key: choices_of(*values) for key, values in found.items()}


def _code_dirs(app: App, tree: Tree, virtual: str) -> None:
    """Point each function at the folder its `archive_file` packages, and give each layer
    version the folder its archive packages as its content."""
    archives: dict[tuple[int, str], str] = {}
    for res in tree.resources:
        if res.mode == "data" and res.type == "archive_file":
            with res.module.within(res):
                _archive(res, archives)
    objects = {qualify(virtual, res.logical): res for res in tree.resources
               if res.mode == "resource" and res.type in _S3_OBJECTS}
    for res in tree.resources:
        if res.type == "aws_lambda_layer_version" and res.mode == "resource":
            layer = app.layers.get(qualify(virtual, res.logical))
            code, _ = _packaged(res, objects, archives)
            if layer is not None and code is not None and code != _INLINE and \
                    not code.startswith(".."):
                layer.content = code
            continue
        if res.type != "aws_lambda_function" or res.mode != "resource":
            continue
        fn = app.functions.get(qualify(virtual, res.logical))
        code, filename = _packaged(res, objects, archives)
        if fn is not None and code == _INLINE:
            fn.properties[CODE_ELSEWHERE] = "written inline in an archive_file's source blocks"
        elif fn is not None and code is None and isinstance(filename, str) and \
                not _handler_in_sight(tree.root, res.module.folder, fn.handler):
            fn.properties[CODE_ELSEWHERE] = f"in the package '{filename}', built outside " \
                "Terraform"
        elif fn is not None and code is not None and not code.startswith(".."):
            fn.code_dir = code
            fn.properties.pop(CODE_ELSEWHERE, None)  # the bucket holds this folder's zip


def _packaged(res: Resource, objects: dict[str, Resource],
              archives: dict[tuple[int, str], str]) -> tuple[str | None, Any]:
    """The folder the `archive_file` a function or layer version is deployed from
    packages (its `filename` that archive's output path, or its `s3_key` an uploaded
    object's whose `source` is; `_INLINE` for files the archive writes itself), None when
    no archive of the scan is it; and the `filename` as written."""
    with res.module.within(res):
        filename = res.module.attr(res.block, "filename")
        s3_key = res.module.attr(res.block, "s3_key")
    code = _archive_at(archives, res.module, filename)
    if code is None and filename is None:
        code = _uploaded_archive(res, s3_key, objects, archives)
    return code, filename


_S3_OBJECTS = ("aws_s3_object", "aws_s3_bucket_object")
_SOURCE_EXTENSIONS = (".py", ".js", ".mjs", ".cjs", ".ts")


def _handler_in_sight(root: str, folder: str, handler: Any) -> bool:
    """Is the file a handler names there to read, next to the module or at the root (a
    package built by a script from those files)? Then resolution looks for it."""
    if not isinstance(handler, str) or "." not in handler:
        return True  # resolution says what is wrong with it
    module = handler.rsplit(".", 1)[0]
    return any(os.path.isfile(os.path.join(root, base, name + ext))
               for base in {folder, "."} for name in {module, module.replace(".", "/")}
               for ext in _SOURCE_EXTENSIONS)


def _uploaded_archive(fn: Resource, s3_key: Any, objects: dict[str, Resource],
                      archives: dict[tuple[int, str], str]) -> str | None:
    """The folder an `archive_file` packages when the function's `s3_key` is the key of an
    S3 object of the scan whose `source` is that archive's output (the zip is uploaded to
    a bucket and the function deployed from there)."""
    if isinstance(s3_key, Ref):
        candidates = [objects[s3_key.target]] if s3_key.target in objects else []
    elif isinstance(s3_key, str):
        candidates = [obj for obj in objects.values() if obj.module is fn.module]
    else:
        return None
    for obj in candidates:
        with obj.module.within(obj):
            if isinstance(s3_key, str) and obj.module.attr(obj.block, "key") != s3_key:
                continue
            source = obj.module.attr(obj.block, "source")
        code = _archive_at(archives, obj.module, source)
        if code is not None:
            return code
    return None


_INLINE = "\0inline"  # an archive of files written in its own `source` blocks


def _archive_at(archives: dict[tuple[int, str], str], module: Module, path: Any
                ) -> str | None:
    """The folder the `archive_file` whose output is `path` packages (`_archive`), None
    when no archive of the module writes there or the path is no string (a list or map
    written for it: the package unknown)."""
    return archives.get((id(module), path)) if isinstance(path, str) else None


def _archive(res: Resource, archives: dict[tuple[int, str], str]) -> None:
    """Record the folder an `archive_file` packages, by its output path."""
    source = res.module.attr(res.block, "source_dir")
    if not isinstance(source, str):
        file = res.module.attr(res.block, "source_file")
        source = (posixpath.dirname(file) or ".") if isinstance(file, str) else None
    output = res.module.attr(res.block, "output_path")
    if not isinstance(output, str):
        return
    if isinstance(source, str):
        archives[(id(res.module), output)] = posixpath.normpath(
            posixpath.join(res.module.cwd, source))
    elif res.module.nested(res.block, "source"):
        folder = _copied_folder(res)
        archives[(id(res.module), output)] = _INLINE if folder is None else \
            posixpath.normpath(posixpath.join(res.module.cwd, folder))


def _copied_folder(res: Resource) -> str | None:
    """The folder of the files an archive's `source` blocks copy under their own names
    (`content = file("src/index.js")`, `filename = "index.js"`: the zip holds that file
    as the folder does), when they all come from one; None for code written inline."""
    folders = set()
    for block in res.module.nested(res.block, "source"):
        found = block.attrs.get("content")
        expr = found.expr if found is not None else None
        while isinstance(expr, Syntax) and expr.data == "expr_term" and \
                len(subtrees(expr)) == 1:
            expr = subtrees(expr)[0]
        if not isinstance(expr, Syntax) or expr.data != "function_call" or \
                name_of(subtrees(expr)[0]) != "file":
            return None
        args = next((c for c in subtrees(expr) if c.data == "arguments"), None)
        given = subtrees(args) if args is not None else []
        path = res.module.evaluator.value(given[0]) if len(given) == 1 else None
        name = res.module.attr(block, "filename")
        if not isinstance(path, str) or not isinstance(name, str) or \
                not posixpath.normpath(path).endswith("/" + posixpath.normpath(name)):
            return None
        folders.add(posixpath.normpath(path)[:-len(posixpath.normpath(name)) - 1])
    return folders.pop() if len(folders) == 1 else None


class _Renamer:
    """Rewrites ids and locations of the synthetic template into Terraform terms."""

    def __init__(self, resources: list[Resource], files: _Files, virtual: str,
                 shared: set[str]) -> None:
        self.files, self.virtual = files, virtual
        self.names = {r.logical: _element_id(r, shared) for r in resources}
        self.first = resources[0].block.file if resources else virtual
        self.pattern = re.compile(f"({re.escape(virtual)}#)?(FgTf\\d+)(?![0-9])")
        self.seen: set[int] = set()

    def app(self, app: App) -> None:
        """Rewrite every element of `app` in place."""
        for name in ("functions", "apis", "roles", "resources", "layers"):
            table = getattr(app, name)
            renamed = {self.text(k): self.value(v) for k, v in table.items()}
            table.clear()
            table.update(renamed)
        for name in ("routes", "resource_policies", "alarms", "budgets", "trails",
                     "diagnostics"):
            getattr(app, name)[:] = [self.value(v) for v in getattr(app, name)]

    def text(self, value: str) -> str:
        """A string with synthetic ids replaced by Terraform ids."""
        if "FgTf" not in value:
            return value
        return self.pattern.sub(self._name, value)

    def _name(self, match: re.Match[str]) -> str:
        qualified = self.names.get(match.group(2))
        if qualified is None:
            return match.group(0)
        return qualified if match.group(1) else qualified.split("#", 1)[1]

    def location(self, loc: Location) -> Location:
        """A Location in the synthetic numbering -> the .tf file and line."""
        if loc.file != self.virtual:
            return loc
        file, line = self.files.real(loc.line)
        end = self.files.real(loc.end_line)[1] if loc.end_line else None
        return Location(file or self.first, max(line, 1), end)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Location):
            return self.location(value)
        if isinstance(value, Ref):
            return Ref(self.text(value.target), value.attribute)
        if isinstance(value, Unknown):
            return Unknown(self.text(value.text), value.choices, value.unlisted)
        if isinstance(value, Diagnostic):
            if value.file == self.virtual:
                file, line = self.files.real(value.line or 0)
                value.file, value.line = file or self.first, line or None
            value.message = self.text(value.message)
            return value
        if isinstance(value, (dict, list)) or (is_dataclass(value) and
                                               not isinstance(value, type)):
            if id(value) in self.seen:
                return value
            self.seen.add(id(value))
        if isinstance(value, dict):
            items = [(self.value(k), self.value(v)) for k, v in value.items()]
            value.clear()
            value.update(items)
            return value
        if isinstance(value, list):
            value[:] = [self.value(v) for v in value]
            return value
        if isinstance(value, tuple):
            return tuple(self.value(v) for v in value)
        if is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self.value(getattr(value, f.name)) for f in fields(value)}
            for key, new in changes.items():
                setattr(value, key, new)
        return value


def load_folder_files(ctx: LoadContext, tf_files: list[str]) -> App:
    """`load_tree` with a LoadContext's root and size limit (what scan.py calls)."""
    return load_tree(ctx.root, tf_files, ctx.max_bytes)


__all__ = ["load_tree", "load_folder_files"]
