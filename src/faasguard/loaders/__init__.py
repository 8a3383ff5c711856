"""Loaders: one module per file format, each turning one file into an `App` fragment.

`load_path` is the single entry point the scanner calls (in worker processes): it reads
the file safely, recognises its format by name and content, and hands the parsed
document to the format's loader. Any `InputError` becomes a `Diagnostic`; the scan goes on.

A loader module exposes `load(doc: Document, ctx: LoadContext) -> App`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faasguard.filebytes import read_head
from faasguard.model import App, Diagnostic, Format

if TYPE_CHECKING:
    from faasguard.loaders.documents import Document, InputError

SERVERLESS_NAMES = {"serverless.yml", "serverless.yaml", "serverless.json"}
#: Serverless Framework service files that are code, in the order the framework picks
#: among them: read statically (loaders.service_code); a serverless.yml beside one wins.
SERVERLESS_CODE_NAMES = ("serverless.js", "serverless.cjs", "serverless.mjs", "serverless.ts")
#: Zappa's settings files, in the order it picks among them: it reads the first in a folder.
ZAPPA_ORDER = ("zappa_settings.json", "zappa_settings.toml", "zappa_settings.yml",
               "zappa_settings.yaml")
ZAPPA_NAMES = set(ZAPPA_ORDER)
TEMPLATE_SUFFIXES = (".yml", ".yaml", ".json", ".template")
#: Terraform is loaded per folder (a module is a folder of .tf files): see `scan.load_app`.
TERRAFORM_SUFFIX = ".tf"


@dataclass
class LoadContext:
    """What a loader needs besides the document: where the file is and the user's options.

    `file` is relative to `root` (posix separators) and is what every Location names.
    `env` holds environment values the user allowed `${env:...}` to read (None: never).
    `params`: deployment parameter values that are facts (`--param`, or what a parent
    stack passes); `defaults`: values a parent stack passes from its own defaults (they
    replace the template's, but a deployment may change them); `parent`: the template
    that deploys this one as a nested stack (None: deployed on its own);
    `stack_parameters`: the values a serverless.yml's `provider.stackParameters` passes to
    its `resources.Parameters` (facts, below `params`; an LDict locating each item);
    `staged_conditions`: the Conditions of its `resources:` written with the stage the user
    did not give (`resources:` is read for the stage assumed, but a resource under such a
    condition is created on another stage: a function URL under one is kept).
    """

    root: str
    file: str
    stage: str | None = None
    region: str | None = None
    env: dict[str, str] | None = None
    max_bytes: int = 5 * 1024 * 1024
    params: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    parent: str | None = None
    stack_parameters: dict[str, Any] = field(default_factory=dict)
    staged_conditions: frozenset[str] = frozenset()

    @property
    def abs_path(self) -> str:
        """The file's absolute path."""
        return os.path.join(self.root, self.file)

    def diagnostic(self, message: str, line: int | None = None,
                   level: str = "error", code: str = "input") -> Diagnostic:
        """A diagnostic about this file."""
        return Diagnostic(self.file, message, line, level, code)  # type: ignore[arg-type]


def undeclared_parameters(app: App, given: Mapping[str, Any]) -> list[Diagnostic]:
    """A warning for each given deployment parameter value (`--param`, the configuration's
    `parameters:`) no file read declares (`App.declared_parameters`): nothing uses it, and
    a typo is the usual cause, so the closest declared name is suggested. The scan goes on.
    """
    declared = sorted(app.declared_parameters)
    templates = sorted({f.path for f in app.files})
    read = ", ".join(templates[:3]) + (f" and {len(templates) - 3} more"
                                        if len(templates) > 3 else "")
    found = []
    for name in sorted(set(given) - app.declared_parameters):
        found.append(Diagnostic(
            "", f"parameter '{name}' (given with --param or the configuration's "
            f"parameters:) is declared by none of the files read ({read or 'none'}): "
            f"not used{did_you_mean(name, declared)}", None, "warning", "parameters"))
    return found


def did_you_mean(name: str, declared: Iterable[str]) -> str:
    """"; did you mean 'X'?" naming the declared parameter closest to an undeclared
    `name` (one that differs in case first), or "" when none is close."""
    from difflib import get_close_matches

    names = sorted(declared)
    near = [d for d in names if d.lower() == name.lower()] or \
        get_close_matches(name, names, n=1, cutoff=0.6)
    return f"; did you mean '{near[0]}'?" if near else ""


def is_candidate(name: str) -> bool:
    """Could a file of this name be an IaC file we read? (content decides for templates)"""
    lower = name.lower()
    return lower in SERVERLESS_NAMES or lower.endswith(TEMPLATE_SUFFIXES) or \
        lower.endswith(TERRAFORM_SUFFIX) or lower in ZAPPA_NAMES


def detect(name: str, data: Any) -> Format | None:
    """The format of a parsed file, from its name and content; None if not IaC."""
    base = os.path.basename(name).lower()
    if base in SERVERLESS_NAMES:
        return "serverless"
    if base in ZAPPA_NAMES:
        return "zappa"
    if name.replace(os.sep, "/").lower().endswith(".chalice/config.json") and \
            isinstance(data, dict):
        return "chalice"
    if not isinstance(data, dict):
        return None
    transform = data.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if any(isinstance(t, str) and t.startswith("AWS::Serverless") for t in transforms):
        return "sam"
    resources = data.get("Resources")
    if "AWSTemplateFormatVersion" in data or (
        isinstance(resources, dict) and resources and all(
            isinstance(r, dict) and str(r.get("Type", "")).startswith(("AWS::", "Custom::"))
            or str(k).startswith("Fn::ForEach::") for k, r in resources.items())):
        if name.replace(os.sep, "/").split("/")[-2:-1] == ["cdk.out"] or \
                "cdk.out/" in name.replace(os.sep, "/"):
            return "cdk"
        return "cloudformation"
    if "service" in data and ("functions" in data or "provider" in data):
        return "serverless"
    return None


def load_path(ctx: LoadContext) -> App:
    """Read, recognise and load one file into an App fragment (never raises on bad input).

    The cyclic garbage collector is paused meanwhile (see `collector.paused`): loading
    allocates tens of thousands of containers, none in a cycle."""
    from faasguard.collector import paused

    with paused():
        return _load_path(ctx)


def _load_path(ctx: LoadContext) -> App:
    from faasguard.loaders.documents import InputError, parse, read_text

    if os.path.basename(ctx.file).lower() in SERVERLESS_CODE_NAMES:
        from faasguard.loaders.service_code import load as load_service_code

        return load_service_code(ctx)
    base = os.path.basename(ctx.file).lower()
    if base in ZAPPA_NAMES:
        first = _zappa_reads(ctx)
        if first != base:
            return App(root=ctx.root, diagnostics=[ctx.diagnostic(
                f"not read: Zappa reads {first} in this folder, before this file",
                level="note", code="zappa")])
    try:
        text = read_text(ctx.abs_path, ctx.max_bytes)
        if base == "zappa_settings.toml":
            from faasguard.loaders.toml_document import load_toml

            doc = load_toml(text)
        else:
            doc = parse(text)
    except InputError as exc:
        named = os.path.basename(ctx.file).lower() in SERVERLESS_NAMES | ZAPPA_NAMES or \
            ctx.file.replace(os.sep, "/").lower().endswith(".chalice/config.json")
        if is_candidate(ctx.file) and (named or _looks_like_template(ctx.abs_path)):
            return App(root=ctx.root, diagnostics=[ctx.diagnostic(exc.message, exc.line)])
        return App(root=ctx.root)
    fmt = detect(ctx.file, doc.data)
    if fmt is None:
        return App(root=ctx.root)
    warnings = [ctx.diagnostic(message, line, "warning") for line, message in doc.warnings]
    loader = _loader_for(fmt)
    secrets = _template_secrets(doc, text, ctx, fmt)  # before the loader: the file as read
    try:
        fragment: App = loader(doc, ctx, fmt)
    except InputError as exc:
        return App(root=ctx.root, diagnostics=[*warnings, ctx.diagnostic(exc.message, exc.line)])
    finish(ctx.root, fragment)
    if secrets is not None:
        for source in fragment.files:
            if source.path == ctx.file:
                source.facts = secrets
    fragment.root = ctx.root
    fragment.diagnostics[:0] = warnings  # the reader's warnings come first
    return fragment


def finish(root: str, fragment: App) -> None:
    """What every loader's fragment gets once loaded: its triggers' key filters
    (`key_filters`) and the web apps its handlers serve behind Mangum or apig-wsgi
    (`wsgi_plugin`)."""
    from faasguard.loaders.key_filters import fill_key_filters
    from faasguard.loaders.wsgi_plugin import serve_adapted_apps

    fill_key_filters(fragment)
    serve_adapted_apps(root, fragment)


def _template_secrets(doc: Document, text: str, ctx: LoadContext, fmt: Format) -> Any:
    """The secrets written in the template, judged on the document in memory (the analysis
    would read the file again); None when the analysis must do it itself."""
    from faasguard.analysis.file_facts import FileFacts
    from faasguard.analysis.template_secrets import (
        TEMPLATE_FORMATS,
        may_hold_secrets,
        secrets_in,
    )
    from faasguard.loaders.documents import MAX_FILE_BYTES

    if fmt not in TEMPLATE_FORMATS or ctx.max_bytes > MAX_FILE_BYTES:
        return None  # a file above the default size limit is not judged (as before)
    if not may_hold_secrets(text):
        return FileFacts(ctx.file)
    if fmt == "serverless":
        from faasguard.loaders.serverless_lift import NAMED_SETTINGS

        return secrets_in(doc.data, ctx.file, (NAMED_SETTINGS,))
    return secrets_in(doc.data, ctx.file)


def _zappa_reads(ctx: LoadContext) -> str:
    """The settings file Zappa reads in the folder of `ctx.file`, one of its settings
    files: the first of ZAPPA_ORDER there (the names compared as the folder spells them)."""
    folder = os.path.dirname(ctx.abs_path)
    try:
        present = {name.lower() for name in os.listdir(folder)}
    except OSError:
        return os.path.basename(ctx.file).lower()
    return next(name for name in ZAPPA_ORDER
                if name in present or name == os.path.basename(ctx.file).lower())


def _looks_like_template(path: str) -> bool:
    """Cheap content sniff for a file that failed to parse: is it meant as IaC?"""
    try:
        head = read_head(path, 4096)
    except OSError:
        return True
    if b"\x00" in head:
        return True  # a binary file with a template's name: say so
    return any(marker in head for marker in
               (b"AWSTemplateFormatVersion", b"Resources", b"AWS::", b"service:", b"functions:"))


def _loader_for(fmt: Format) -> Any:
    if fmt == "serverless":
        from faasguard.loaders.serverless import load as load_serverless

        return lambda doc, ctx, _fmt: load_serverless(doc, ctx)
    if fmt in ("chalice", "zappa"):
        from faasguard.loaders import chalice, zappa

        module = chalice if fmt == "chalice" else zappa
        return lambda doc, ctx, _fmt: module.load(doc, ctx)
    from faasguard.loaders.cloudformation import load as load_cfn

    return lambda doc, ctx, fmt: load_cfn(doc, ctx, fmt)


def prepare() -> None:
    """Import now what loading a Serverless Framework, SAM, CloudFormation or CDK template
    imports on first use (its loaders, the template secrets check, S3 key filters).
    `scan.load_app` calls it before forking workers to load: each inherits the modules
    instead of importing them again (about 96 million instructions per worker).
    Chalice and Zappa are left out: one file per project, rarely many, and their loaders
    import the Flask and Django route readers."""
    import encodings.utf_8_sig  # noqa: F401  (the codec every file is read with)

    from faasguard.analysis import template_secrets  # noqa: F401
    from faasguard.loaders import documents, key_filters  # noqa: F401

    _loader_for("serverless")
    _loader_for("cloudformation")


def _lazy_attribute(name: str) -> Any:
    """`Document` and `InputError`, re-exported on first use: YAML is imported only when a
    file is read (a scan of a folder without templates starts faster)."""
    if name in ("Document", "InputError"):
        from faasguard.loaders import documents

        return getattr(documents, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The module's __getattr__ (PEP 562), bound when the body runs rather than a `def
#: __getattr__`: the compiled build's import asks a new module for __file__ before its
#: body has run, and a compiled module function called then (without globals) crashes.
__getattr__ = _lazy_attribute


__all__ = ["SERVERLESS_CODE_NAMES", "Document", "InputError", "LoadContext", "detect",
           "finish", "is_candidate", "load_path", "prepare"]
