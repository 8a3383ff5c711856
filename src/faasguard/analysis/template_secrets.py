"""Secrets written in templates: every literal of every IaC file, by name and by format.

Loaders keep only what the model needs, so the loader of each YAML/JSON template calls
`secrets_in` on the document it parsed and leaves the result in `SourceFile.facts`; for
other templates (Terraform) this analysis reads the file once more (through the same safe
reader). Every scalar is judged with
`analysis.secrets`: a literal under a secret's name (`MasterUserPassword`, a parameter
`DbPassword` with a `Default`, `custom.stripeKey`) or any value of a known token format.
Environment variables are left to FG-DATA-001, which reports them per function. The
results go to `facts.code[file]` as `FileFacts` with kind "template-secret".
"""

from __future__ import annotations

import os
from typing import Any

from faasguard.analysis.code_facts import CodeFact, FileFacts
from faasguard.analysis.facts import Facts
from faasguard.analysis.secrets import find_secret
from faasguard.loaders.documents import InputError, line_of, load_file
from faasguard.model import App

TEMPLATE_FORMATS = {"serverless", "sam", "cloudformation", "cdk", "terraform"}
#: Keys whose subtree is an environment (judged per function by FG-DATA-001).
_ENVIRONMENT_KEYS = {"environment", "variables"}
#: Keys that only carry the value of the key above them (`DbPassword: {Default: x}`).
_VALUE_KEYS = {"default", "value", "values", "allowedvalues"}


def secrets_in(data: Any, file: str) -> FileFacts:
    """The secrets written in one parsed template: every string scalar, skipping
    environment subtrees, judged under its name (the key above it, or the key above a
    `Default`/`Value`... key)."""
    found = FileFacts(file)
    _walk(data, None, "", 1, found.facts)
    return found


def _walk(node: Any, name: str | None, path: str, line: int, out: list[CodeFact]) -> None:
    """Judge the string scalars under `node` (at `path`, written under `name`) in document
    order. A scalar's path is spelled only when it holds a secret."""
    if isinstance(node, dict):
        for key, value in node.items():
            text = str(key)
            lower = text.lower()
            if lower in _ENVIRONMENT_KEYS:
                continue
            here = line_of(node, key, line)
            label = name if lower in _VALUE_KEYS else text
            if isinstance(value, str):
                _judge(label, value, here, out, path, f".{text}" if path else text)
            elif isinstance(value, (dict, list)):
                _walk(value, label, f"{path}.{text}" if path else text, here, out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, str):
                _judge(name, value, line_of(node, index, line), out, path, f"[{index}]")
            elif isinstance(value, (dict, list)):
                _walk(value, name, f"{path}[{index}]", line_of(node, index, line), out)
    elif isinstance(node, str):
        _judge(name, node, line, out, path, "")


def _judge(name: str | None, value: str, line: int, out: list[CodeFact], path: str,
           step: str) -> None:
    match = find_secret(name, value, entropy=False)
    if match is None:
        return
    where = path + step
    detail = f"the value of {where}" if match.kind == "name" \
        else f"{match.description} at {where}"
    out.append(CodeFact("template-secret", line, detail, where))


def analyse(app: App, facts: Facts) -> None:
    """Analysis step: the secrets of every template the scan loaded."""
    for source in app.files:
        if source.format not in TEMPLATE_FORMATS or source.path in facts.code:
            continue
        if isinstance(source.facts, FileFacts):  # judged by the loader, on its document
            facts.code[source.path] = source.facts
            continue
        try:
            if source.format == "terraform":
                from faasguard.loaders.terraform.literals import document as tf_document

                data = tf_document(app.root, source.path)
            else:
                data = load_file(os.path.join(app.root, source.path)).data
        except InputError:
            continue  # the loader has reported it
        facts.code[source.path] = secrets_in(data, source.path)
