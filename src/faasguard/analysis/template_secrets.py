"""Secrets written in templates: every literal of every IaC file, by name and by format.

Loaders keep only what the model needs, so the loader of each YAML/JSON template calls
`secrets_in` on the document it parsed and leaves the result in `SourceFile.facts`; for
other templates (Terraform) this analysis reads the file once more (through the same safe
reader). Every scalar is judged with
`analysis.secrets`: a literal under a secret's name (`MasterUserPassword`, a parameter
`DbPassword` with a `Default`, `custom.stripeKey`) or any value of a known token format.
Environment variables are left to FG-DATA-001, which reports them per function. The
results go to `facts.code[file]` as `FileFacts` with kind "template-secret"; beside each,
a fact of kind "secret-value" at the same line whose key is the value's digest
(`secrets.secret_digest`), and a fact of kind "env-literal" (key: the digest) at each
environment variable written as a literal that may be a secret (by its name, its format
or a random-looking value, as FG-DATA-001 judges it): FG-DATA-001 tells by them an
environment variable that receives a secret written elsewhere in the templates
(`${self:custom.x}`, `!Ref` to a parameter's `Default`, `var.x`'s default), one secret,
from one written twice.
"""

from __future__ import annotations

import os
import re
from typing import Any

from faasguard.analysis.facts import Facts
from faasguard.analysis.file_facts import CodeFact, FileFacts
from faasguard.analysis.secrets import (
    FORMAT_ANCHORS,
    SECRET_PAIRS,
    SECRET_WORDS,
    find_secret,
    is_secret_name,
    known_format,
    secret_digest,
)
from faasguard.loaders.documents import InputError, LDict, line_of, load_file
from faasguard.model import App

TEMPLATE_FORMATS = {"serverless", "sam", "cloudformation", "cdk", "terraform"}
#: Keys whose subtree is an environment (judged per function by FG-DATA-001). A
#: function's `Variables` sit under its `Environment`; a `Variables` elsewhere (an API
#: Gateway stage's) is judged here as any other value.
_ENVIRONMENT_KEYS = {"environment"}
#: Keys that only carry the value of the key above them (`DbPassword: {Default: x}`), or
#: of the `Name` beside them (`{Name: /app/db-password, Type: String, Value: x}`).
_VALUE_KEYS = {"default", "value", "values", "allowedvalues"}
#: The keys of a name a `Value` beside it is written under.
_NAME_KEYS = ("Name", "name")


def may_hold_secrets(text: str) -> bool:
    """Could the template written as `text` hold a secret `secrets_in` finds? False only
    when the text holds none of the words a secret's name is made of (`pass`, `token`,
    `key`...) and none of the anchors of the known formats (`AKIA`, `://`...): every key
    and string of the document is then a piece of the text, as no backslash escape, binary
    value or line continuation can make new characters (those texts are judged in full).
    A cheap look at the text (C searches) that spares the walk of most templates."""
    if "\\" in text or "binary" in text:
        return True
    for anchor in _ANCHORS:  # substring searches: a regular expression of the
        if anchor in text:  # alternatives tries each of them at every position
            return True
    lower = text.lower()
    for word in _NAME_WORDS:
        if word in lower:
            return True
    for second, firsts in _NAME_PAIRS:
        if second in lower and any(first in lower for first in firsts):
            return True
    return False


def _fewest(needles: set[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The needles less those holding another (found in a text whenever that one is)."""
    return tuple(sorted(n for n in set(needles)
                        if not any(other != n and other in n for other in needles)))


def _name_needles() -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """What a secret's name holds (`analysis.secrets.is_secret_name`): one of the words,
    or both words of a pair; as few searches as say the same: a pair with a word in it
    is found by the word, a word holding both words of a pair by the pair. The pairs are
    grouped by their second word (`key`: `api`, `access`...)."""
    words = _fewest(SECRET_WORDS)
    pairs = {(first, second) for first, second in SECRET_PAIRS
             if not any(word in first or word in second for word in words)}
    words = tuple(word for word in words
                  if not any(first in word and second in word for first, second in pairs))
    firsts: dict[str, set[str]] = {}
    for first, second in pairs:
        firsts.setdefault(second, set()).add(first)
    return words, tuple((second, _fewest(found)) for second, found in sorted(firsts.items()))


_ANCHORS = _fewest(FORMAT_ANCHORS)
_NAME_WORDS, _NAME_PAIRS = _name_needles()


def secrets_in(data: Any, file: str, named: tuple[re.Pattern[str], ...] = ()) -> FileFacts:
    """The secrets written in one parsed template: every string scalar, skipping
    environment subtrees, judged under its name (the key above it, or the key above a
    `Default`/`Value`... key). `named`: the places (dotted paths) whose key names a secret
    but whose value is, by the format's schema, the name of something the deployment
    creates (the loader of the format knows them); a value of a known token format is
    still reported there."""
    found = FileFacts(file)
    _walk(data, None, "", 1, found.facts, named)
    return found


def _walk(node: Any, name: str | None, path: str, line: int, out: list[CodeFact],
          named: tuple[re.Pattern[str], ...]) -> None:
    """Judge the string scalars under `node` (at `path`, written under `name`) in document
    order. A scalar's path is spelled only when it holds a secret. Only a scalar under a
    secret's name or of a known format can be one (`find_secret` without entropy): others
    are passed over without a call."""
    if isinstance(node, dict):
        key_lines = node.key_lines if isinstance(node, LDict) else None
        for key, value in node.items():
            kind = _KEY_KINDS.get(key) if type(key) is str else None
            if kind is None:
                kind = _key_kind(key)
            if kind is _ENVIRONMENT:
                _env_literals(value, _line_in(key_lines, node, key, line), out)
                continue
            label = _named_by(node, name) if kind is _VALUE else \
                key if type(key) is str else str(key)
            if isinstance(value, str):
                if label is not None and is_secret_name(label) or known_format(value):
                    text = str(key)
                    _judge(label, value, _line_in(key_lines, node, key, line), out, path, named,
                           f".{text}" if path else text)
            elif isinstance(value, (dict, list)):
                text = str(key)
                _walk(value, label, f"{path}.{text}" if path else text,
                      _line_in(key_lines, node, key, line), out, named)
    elif isinstance(node, list):
        secret_name = name is not None and is_secret_name(name)
        for index, value in enumerate(node):
            if isinstance(value, str):
                if secret_name or known_format(value):
                    _judge(name, value, line_of(node, index, line), out, path, named,
                           f"[{index}]")
            elif isinstance(value, (dict, list)):
                _walk(value, name, f"{path}[{index}]", line_of(node, index, line), out,
                      named)
    elif isinstance(node, str):
        _judge(name, node, line, out, path, named, "")


def _named_by(node: dict[Any, Any], name: str | None) -> str | None:
    """The name a value key of `node` (`Value`, `Default`) is written under: the `Name`
    beside it when there is one (an SSM parameter, a `{Name, Value}` pair), else `name`,
    the key above."""
    for key in _NAME_KEYS:
        own = node.get(key)
        if isinstance(own, str) and own:
            return own
    return name


#: What a key says about the values under it (see `_key_kind`).
_ENVIRONMENT, _VALUE, _NAME = "environment", "value", "name"
_KEY_KINDS: dict[str, str] = {}
_KEY_KINDS_MAX = 65_536


def _key_kind(key: Any) -> str:
    """_ENVIRONMENT for a key whose subtree is an environment (skipped), _VALUE for a key
    that carries the value of the key above it, else _NAME; remembered per string key
    (templates repeat their keys)."""
    lower = str(key).lower()
    kind = _ENVIRONMENT if lower in _ENVIRONMENT_KEYS else \
        _VALUE if lower in _VALUE_KEYS else _NAME
    if type(key) is str and len(_KEY_KINDS) < _KEY_KINDS_MAX:
        _KEY_KINDS[key] = kind
    return kind


def _line_in(key_lines: dict[Any, int] | None, node: Any, key: Any, default: int) -> int:
    """`line_of(node, key, default)`, with the key lines of an LDict at hand."""
    if key_lines is None:
        return line_of(node, key, default)
    return key_lines.get(key, node.line) or default


def _judge(name: str | None, value: str, line: int, out: list[CodeFact], path: str,
           named: tuple[re.Pattern[str], ...], step: str) -> None:
    match = find_secret(name, value, entropy=False)
    if match is None:
        return
    where = path + step
    if match.kind == "name" and any(p.match(where) for p in named):
        return
    detail = f"the value of {where}" if match.kind == "name" \
        else f"{match.description} at {where}"
    out.append(CodeFact("template-secret", line, detail, where))
    out.append(CodeFact(SECRET_VALUE, line, where, secret_digest(value)))


#: Fact kinds: the digest of a template secret's value, and of an environment variable's
#: literal value that may be a secret (see the module's docstring).
SECRET_VALUE, ENV_LITERAL = "secret-value", "env-literal"


def _env_literals(node: Any, line: int, out: list[CodeFact]) -> None:
    """An "env-literal" fact for each string written under an environment key (serverless
    `environment`, SAM `Environment.Variables`, Terraform `variables`) that may be a secret
    (`find_secret` as FG-DATA-001 judges it: a random-looking token too) and is no variable
    reference (`${...}`)."""
    if isinstance(node, dict):
        key_lines = node.key_lines if isinstance(node, LDict) else None
        for key, value in node.items():
            at = _line_in(key_lines, node, key, line)
            if isinstance(value, str):
                if "${" not in value and find_secret(str(key), value):
                    out.append(CodeFact(ENV_LITERAL, at, str(key), secret_digest(value)))
            elif isinstance(value, (dict, list)):
                _env_literals(value, at, out)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if isinstance(value, (dict, list)):
                _env_literals(value, line_of(node, index, line), out)


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
