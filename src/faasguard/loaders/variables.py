"""Serverless Framework `${...}` variables, resolved statically (never fetched, never run).

`VariableResolver(config, settings).resolve()` returns a copy of a parsed serverless.yml
with its variables replaced:

- `${self:path.to.key}` (list indexes as `.0` or `[0]`; `provider.stage` / `.region` not
  written are the stage and region below), `${opt:stage}` / `${opt:region}` (the user's
  `--stage` / `--region` only: without it a fallback is taken, `${opt:stage, 'x'}` is x;
  with no fallback, the stage assumed), `${sls:stage}` / `${aws:region}` (the user's
  choice, else the file's own `provider.stage` / `provider.region`, else dev /
  us-east-1), `${param:x}` (`params:` or v4
  `stages:` for the stage, then `default`), `${env:X}` (only when the user opted in with
  an environment), `${file(./x.yml):path}` (confined to the project root);
- values that only AWS or the deployer's machine know (`${ssm:..}`, `${cf:..}`, `${s3:..}`,
  `${aws:accountId}`, `${sls:instanceId}`, `${env:X}` without opt-in) become `Unknown`;
  `${construct:x.y}` (serverless-lift) is the value the resolver is given for it, if any;
- fallbacks (`${self:a, ${self:b}, 'c'}`), nested variables (`${self:custom.${opt:stage}}`)
  and variables inside strings (`"${self:service}-${sls:stage}"`) work as in the framework.

A variable that is the whole value keeps the referenced value's type (an int, a mapping).
Mappings and lists keep their line numbers (LDict/LList). Those of a file `${file()}`
reads are numbered past the main file's (`INCLUDED_LINES`): `VariableResolver.place`
turns such a line back into the file and its own line, so an element declared there is
located there. Cycles, runaway nesting and
substitution bombs are reported as `Problem`s, never as exceptions: the work is bounded
by `VariableSettings` (reference depth, number of substitutions, length of one value and
of all values produced, values added by substituted mappings/lists, files read).
CloudFormation `Fn::Sub` placeholders (`${AWS::Region}`, `${Bucket.Arn}`) are not
serverless variables and are left as written.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from faasguard.loaders.documents import (
    MAX_FILE_BYTES,
    MAX_NODES,
    InputError,
    LDict,
    LList,
    load_file,
)
from faasguard.model import Unknown

#: Sources whose values exist only in AWS or on the deployer's machine (never fetched);
#: `construct` is the serverless-lift plugin's (`${construct:jobs.queueUrl}`).
REMOTE_SOURCES = {"ssm", "cf", "s3", "secretsmanager", "vault", "terraform", "doppler",
                  "git", "construct"}
_TRUE, _FALSE = {"true", "1"}, {"false", "0", "null"}
#: The n-th file `${file()}` reads has its lines numbered from n * INCLUDED_LINES + 1:
#: past any line of a file the size limit lets in (5 MiB of line breaks is 5.2 million).
INCLUDED_LINES = 10_000_000

_SOURCE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(\(([^)]*)\))?:(.*)$", re.S)
_SOURCE_ONLY = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\(([^)]*)\)$", re.S)
_PLAIN = re.compile(r"[^$'\"(),}]+")
_CALL_START = re.compile(r"^[A-Za-z][A-Za-z0-9]*\(")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_INDEX = re.compile(r"\[(\d+)\]")


class _Missing:
    """No value at all (a path that does not exist, an unset option): try the fallback."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()
Path = tuple[Any, ...]


Level = Literal["error", "warning", "note"]


@dataclass
class Problem:
    """Something a variable could not become, with the line of the value that used it."""

    message: str
    line: int | None = None
    level: Level = "warning"


@dataclass
class VariableSettings:
    """What the resolver may read: the project root, the user's stage/region/env/params.

    `root` and `base_dir` are absolute: `${file(...)}` paths are relative to `base_dir`
    (the folder of serverless.yml) and may never leave `root`.
    """

    root: str
    base_dir: str
    stage: str | None = None
    region: str | None = None
    env: Mapping[str, str] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    max_depth: int = 32
    max_substitutions: int = 20_000
    max_length: int = 100_000
    max_total_length: int = 10_000_000
    max_files: int = 64
    max_nodes: int = MAX_NODES // 5  # values variables may add, written out in full
    max_bytes: int = MAX_FILE_BYTES


# --------------------------------------------------------------------------- parsing


@dataclass
class LiteralValue:
    """A quoted or numeric fallback (`'fallback'`, `10`)."""

    value: Any


@dataclass
class Var:
    """One `${...}`: the candidates in order (the first that yields a value wins).

    A candidate is a `LiteralValue` or a template (a list of text and `Var`s).
    """

    candidates: list[Any]
    text: str


#: A template: literal text and variables, concatenated.
Template = list[Any]


class _ParseError(Exception):
    pass


def parse(text: str, max_depth: int = 32) -> Template:
    """Split a string into literal text and serverless variables.

    `${...}` that are not serverless variables (CloudFormation `${AWS::Region}`,
    `${Logical.Arn}`, `${!Escaped}`) stay literal text.
    """
    pieces, _ = _parse_text(text, 0, max_depth)
    return pieces


def _parse_text(text: str, start: int, depth: int) -> tuple[Template, int]:
    pieces: Template = []
    buf: list[str] = []
    i = start
    while i < len(text):
        next_var = text.find("${", i)
        if next_var < 0:
            buf.append(text[i:])
            break
        if next_var > i:
            buf.append(text[i:next_var])
            i = next_var
        if text.startswith("${", i):
            try:
                var, end = _parse_var(text, i, depth)
            except _ParseError:
                buf.append(text[i:])
                break
            if _is_variable(var):
                if buf:
                    pieces.append("".join(buf))
                    buf = []
                pieces.append(var)
            else:
                buf.append(text[i:end])
            i = end
            continue
        buf.append(text[i])
        i += 1
    if buf:
        pieces.append("".join(buf))
    return pieces, i


def _parse_var(text: str, start: int, depth: int) -> tuple[Var, int]:
    """Parse `${...}` starting at `start`; returns the Var and the index after its `}`."""
    if depth <= 0:
        raise _ParseError("too deep")
    i = start + 2
    candidates: list[Any] = []
    current: Template = []
    buf: list[str] = []
    parens = 0
    quoted: LiteralValue | None = None

    def flush_part() -> None:
        nonlocal current, buf, quoted
        if buf:
            current.append("".join(buf))
        if quoted is not None and not any(isinstance(p, Var) or p.strip() for p in current):
            candidates.append(quoted)
        else:
            candidates.append(_strip(current))
        current, buf, quoted = [], [], None

    while i < len(text):
        plain = _PLAIN.match(text, i)
        if plain:
            run = plain.group(0)
            buf.append(run if quoted is None else "".join(run.split()))
            i = plain.end()
            continue
        char = text[i]
        if text.startswith("${", i):
            if buf:
                current.append("".join(buf))
                buf = []
            inner, i = _parse_var(text, i, depth - 1)
            current.append(inner if _is_variable(inner) else inner.text)
            continue
        if char in "'\"" and not "".join(buf).strip() and not current and quoted is None:
            end = text.find(char, i + 1)
            if end < 0:
                raise _ParseError("unterminated quote")
            quoted = LiteralValue(text[i + 1:end])
            buf = []
            i = end + 1
            continue
        if char == "(":
            parens += 1
        elif char == ")":
            parens = max(0, parens - 1)
        elif char == "," and parens == 0:
            flush_part()
            i += 1
            continue
        elif char == "}" and parens == 0:
            flush_part()
            return Var(candidates, text[start:i + 1]), i + 1
        if quoted is None or not char.isspace():
            buf.append(char)
        i += 1
    raise _ParseError("unterminated variable")


def _strip(template: Template) -> Any:
    """Trim the outer whitespace of a candidate; a bare number or `true` is a literal."""
    parts = list(template)
    if parts and isinstance(parts[0], str):
        parts[0] = parts[0].lstrip()
    if parts and isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    parts = [p for p in parts if not (isinstance(p, str) and p == "")]
    if len(parts) == 1 and isinstance(parts[0], str):
        word = parts[0]
        if _NUMBER.match(word):
            return LiteralValue(float(word) if "." in word else int(word))
        if word in ("true", "false"):
            return LiteralValue(word == "true")
        if word == "null":
            return LiteralValue(None)
    return parts


def _is_variable(var: Var) -> bool:
    """Is this `${...}` a serverless variable (rather than CloudFormation Sub syntax)?"""
    if not var.candidates:
        return False
    first = var.candidates[0]
    if isinstance(first, LiteralValue):
        return False
    head = first[0] if first else ""
    if isinstance(head, Var):
        return True
    if head.startswith(("AWS::", "!")):
        return False
    return bool(_SOURCE.match(head) or _CALL_START.match(head))


# --------------------------------------------------------------------------- resolving


#: Parsed variable strings, shared by every file of the process (files of one project
#: repeat `${self:service}-${sls:stage}`); templates are only read once parsed.
_PARSED: dict[tuple[str, int], Template] = {}
_PARSED_MAX = 20_000


class _Cycle(Exception):
    def __init__(self, start: Path, chain: list[str]):
        super().__init__(" -> ".join(chain))
        self.start = start
        self.chain = chain


class _Budget(Exception):
    pass


#: A variable naming the stage: `${sls:stage}`, `${opt:stage}` (with a fallback or not),
#: `${self:provider.stage}`.
_STAGE_NAMES = r"sls:stage|opt:stage[^}]*|self:provider\.stage"
_STAGE = r"\$\{\s*(?:" + _STAGE_NAMES + r")\s*\}"
#: `${self:<path>.${<the stage>}...}`: a mapping keyed by stage (`custom.auth.${sls:stage}`)
_BY_STAGE = r"\$\{\s*self:([\w.-]+)\."
#: `${file(./config/${sls:stage}.yml)}`: a file per stage (the path, the stage in it).
_STAGED_FILE = r"\$\{\s*file\(\s*['\"]?([^)'\"]*?%s[^)'\"]*)"
#: A setting that is another one's value and nothing else (`${self:custom.stage}`).
_SELF_ONLY = re.compile(r"\s*\$\{\s*self:([\w.-]+)\s*\}\s*")
#: A stage `params:` does not name (it gets the `default` parameters).
_OTHER_STAGE = "\0another stage"


class StageValues:
    """What a setting written with the stage in it (`authorizer:
    ${self:custom.auth.${sls:stage}}`, `${param:auth}` of per-stage `params:`) is on each
    stage a deployment may pick (`serverless deploy --stage prod`), for a scan the user
    gave no stage: the stage assumed is then no fact, as a template parameter's default is
    none. The stages tried: the one assumed, the keys of the mappings the value indexes
    by stage, and the stages of `params:` / `stages:`. A setting that reads another one
    (`${self:custom.authorizer}`, itself `${self:custom.auth.${sls:stage}}`, or a value of
    `${file(./config/${sls:stage}.yml)}`) is tried on the stages the whole file names:
    the keys of every mapping indexed by stage, the files of a per-stage file's folder,
    the stages of `params:` / `stages:`."""

    def __init__(self, config: Any, resolver: VariableResolver) -> None:
        self.config, self.resolver = config, resolver
        self._written: dict[tuple[int, str], Any] | None = None
        self._per_stage: dict[str, VariableResolver] = {}
        self._file_stages: list[str] | None = None
        self._stage_re: tuple[str, re.Pattern[str], re.Pattern[str]] | None = None

    def at(self, line: int | None, key: str) -> tuple[Unknown, tuple[Any, ...]] | None:
        """The values the `key:` setting written at `line` takes on each stage (in the
        order tried), with what decides it (Unknown `--stage`, the values as choices);
        None when it does not depend on the stage, or takes one value on all."""
        return self.values_of(self._settings().get((line or 0, key)), line)

    def names_stage(self, written: str) -> bool:
        """Does a value as the file writes it name the stage (`${sls:stage}`,
        `${opt:stage, 'dev'}`, a setting of the file that is one)?"""
        return re.search(self._stage_patterns()[0], written) is not None

    def values_of(self, written: Any, line: int | None
                  ) -> tuple[Unknown, tuple[Any, ...]] | None:
        """`at` for a value as the file writes it (`written`, at `line`): a string with
        variables in it, anywhere in the file (a list item's as well as a setting's)."""
        if not isinstance(written, str) or "${" not in written:
            return None
        stage = self._stage_patterns()[0]
        direct = re.search(stage, written) or "${param:" in written
        stages = self._stages(written) if direct else \
            list(dict.fromkeys([self.resolver.stage, *self._all_stages()]))
        if len(stages) < 2:
            return None
        values: list[Any] = []
        for stage in stages:
            value = self._resolver(stage)._string_at(("stage-probe", stage, line, written),
                                                     written, line)
            if value not in values:
                values.append(value)
        if len(values) < 2:
            return None
        choices = tuple(v for v in values if isinstance(v, (str, int, float, bool)))
        return Unknown("--stage", choices), tuple(values)

    def _stage_patterns(self) -> tuple[str, re.Pattern[str], re.Pattern[str]]:
        """The variables naming the stage (`_STAGE`, and a setting of the file whose value
        is one and nothing else: `${self:custom.stage}` where `custom: stage: ${opt:stage,
        'dev'}`), and `_BY_STAGE`, `_STAGED_FILE` with them (made once)."""
        if self._stage_re is None:
            values: dict[str, str] = {}
            stack: list[tuple[str, Any]] = [("", self.config)]
            while stack:
                prefix, node = stack.pop()
                if isinstance(node, dict):
                    for name, value in node.items():
                        if isinstance(value, str):
                            values[prefix + str(name)] = value
                        elif isinstance(value, dict):
                            stack.append((f"{prefix}{name}.", value))
            aliases: set[str] = set()
            while True:  # a chain of them: custom.stage is ${self:custom.env}, ${sls:stage}
                found = {path for path, value in values.items() if path not in aliases and (
                    re.fullmatch(r"\s*" + _STAGE + r"\s*", value) or
                    (m := _SELF_ONLY.fullmatch(value)) is not None and m.group(1) in aliases)}
                if not found:
                    break
                aliases |= found
            named = "|".join(re.escape(f"self:{path}") for path in sorted(aliases))
            stage = _STAGE if not named else \
                r"\$\{\s*(?:" + _STAGE_NAMES + "|" + named + r")\s*\}"
            self._stage_re = (stage, re.compile(_BY_STAGE + stage + r"(\.)?"),
                              re.compile(_STAGED_FILE % stage))
        return self._stage_re

    def _settings(self) -> dict[tuple[int, str], Any]:
        """Every setting of the file as written, by (line, key) (read once), but those of
        the mappings and lists whose lines hold no `${` (`_may_hold_variables`: most of a
        file): only a value holding a variable is asked for (`values_of`)."""
        if self._written is None:
            self._written = {}
            may_hold = self.resolver._may_hold_variables
            stack = [self.config]
            while stack:
                node = stack.pop()
                if isinstance(node, LDict):
                    if not may_hold(node):
                        continue
                    for name, value in node.items():
                        self._written[(node.key_lines.get(name, 0), str(name))] = value
                    stack.extend(node.values())
                elif isinstance(node, list):
                    if isinstance(node, LList) and not may_hold(node):
                        continue
                    stack.extend(node)
        return self._written

    def _stages(self, written: str) -> list[str]:
        """The stages a value written with the stage in it may differ on: the one assumed,
        the keys of the mappings it indexes by stage, the files a per-stage `${file(...)}`
        of it may name, the stages of `params:` / `stages:` for a `${param:...}`."""
        _, by_stage, staged_file = self._stage_patterns()
        stages = [self.resolver.stage]
        for path, deeper in by_stage.findall(written):
            table = self.resolver._value_at(("self", *path.split(".")), None)
            if isinstance(table, dict):  # `custom.${sls:stage}.auth`: the keys of mappings
                stages.extend(str(k) for k, v in table.items()
                              if not deeper or isinstance(v, dict))
        for spec in staged_file.findall(written):
            stages.extend(self._staged_files(spec))
        if "${param:" in written and isinstance(self.config, dict):
            for section in (self.config.get("params"), self.config.get("stages")):
                if isinstance(section, dict):
                    stages.extend(str(k) if k != "default" else _OTHER_STAGE
                                  for k in section)
        return list(dict.fromkeys(stages))

    def _all_stages(self) -> list[str]:
        """The stages the file names anywhere (once): the keys of the mappings its values
        index by stage, the files a per-stage `${file(...)}` may name, `params:` and
        `stages:`."""
        if self._file_stages is None:
            found: list[str] = []
            for text in self._settings().values():
                if isinstance(text, str) and "${" in text:
                    found.extend(self._stages(text)[1:])
            self._file_stages = list(dict.fromkeys(found))
        return self._file_stages

    def _staged_files(self, spec: str) -> list[str]:
        """The stages whose file a per-stage path names (`./config/${sls:stage}.yml` in a
        folder holding prod.yml and dev.yml: prod, dev); the stage in the file's name
        only."""
        stage = self._stage_patterns()[0]
        folder, _, name = re.sub(stage, "\0", spec.strip()).rpartition("/")
        prefix, star, suffix = name.partition("\0")
        if not star or "\0" in folder or "\0" in suffix:
            return []
        try:
            listed = os.listdir(os.path.join(self.resolver.settings.base_dir, folder or "."))
        except OSError:
            return []
        return sorted(n[len(prefix):len(n) - len(suffix)] for n in listed
                      if n.startswith(prefix) and n.endswith(suffix) and
                      len(n) > len(prefix) + len(suffix))

    def _resolver(self, stage: str) -> VariableResolver:
        if stage not in self._per_stage:
            given = replace(self.resolver.settings, stage=stage)
            self._per_stage[stage] = VariableResolver(self.config, given, None,
                                                      self.resolver.constructs)
        return self._per_stage[stage]


class VariableResolver:
    """Resolves the variables of one serverless.yml (see the module docstring)."""

    def __init__(self, config: Any, settings: VariableSettings, text: str | None = None,
                 constructs: Mapping[str, Any] | None = None):
        """`text`, when given, is what `config` was parsed from: the lines that hold a
        `${` are found in it once, and a mapping or list of the file whose lines hold
        none is kept without a walk (see `_variable_lines`). `constructs` gives the values
        of `${construct:<name>.<variable>}` known before deploying (references to the
        resources serverless-lift creates); the others are unknown."""
        self.config = config
        self.settings = settings
        self.constructs = constructs or {}
        self._variable_lines = _variable_lines(text) if text else None
        self.problems: list[Problem] = []
        self._active: list[tuple[Path, str]] = []
        self._cache: dict[Path, Any] = {}
        self._substitutions = 0
        self._files: dict[str, Any] = {}
        self._stage: str | None = None
        self._region: str | None = None
        self._defaulting: set[str] = set()
        self._reported: set[tuple[str, int | None]] = set()
        self._budget_hit = False
        self._expanded = 0
        self._characters = 0
        self._sizes: dict[int, int] = {}
        self._containers: dict[Path, Any] = {}
        self._resolved: dict[int, Any] = {}  # containers already resolved (kept alive here)
        #: A path being resolved whose value is a mapping or list read from a file, as read:
        #: `${self:...}` inside it may walk into it before it is resolved (see `_value_at`)
        self._partial: dict[Path, Any] = {}
        #: the files `${file()}` cannot read and the parameters not defined (reported once)
        self._missing: set[str] = set()
        #: the names `${param:NAME}` reads (what `--param` may set in this file)
        self.params_read: set[str] = set()

    # ------------------------------------------------------------------ public

    def resolve(self) -> Any:
        """The whole configuration with its variables resolved."""
        try:
            _ = self.stage, self.region
            return self._deep(self.config, ("self",), self._line(self.config, 1))
        except RecursionError:
            self._report("the file nests too deeply to resolve its variables; "
                         "variables left as written", None, "error")
            return self.config

    @property
    def files_read(self) -> list[str]:
        """The absolute paths of the files `${file(...)}` read and parsed, in order."""
        return [path for path, data in self._files.items() if not isinstance(data, Unknown)]

    def place(self, line: int) -> tuple[str | None, int]:
        """Where a line of the resolved configuration was written: (the absolute path of
        the file `${file()}` read it from, its line there), or (None, line) for the main
        file's own lines."""
        index, own = divmod(line, INCLUDED_LINES)
        paths = list(self._files)
        if index == 0 or index > len(paths):
            return None, line
        return paths[index - 1], own

    @property
    def stage(self) -> str:
        """The stage: the user's, else the file's `provider.stage`, else "dev"."""
        if self._stage is None:
            self._stage = self._default("stage", self.settings.stage, "dev")
        return self._stage

    @property
    def region(self) -> str:
        """The region: the user's, else the file's `provider.region`, else "us-east-1"."""
        if self._region is None:
            self._region = self._default("region", self.settings.region, "us-east-1")
        return self._region

    # ------------------------------------------------------------------ internals

    def _default(self, name: str, given: str | None, fallback: str) -> str:
        if given:
            return given
        provider = self.config.get("provider") if isinstance(self.config, dict) else None
        raw = provider.get(name) if isinstance(provider, dict) else None
        if raw is None:
            return fallback
        self._defaulting.add(name)
        try:
            value = self._value_at(("self", "provider", name), self._line(provider, 1, name))
        finally:
            self._defaulting.discard(name)
        return value if isinstance(value, str) and value else fallback

    def _report(self, message: str, line: int | None, level: Level = "warning") -> None:
        key = (message, line)
        if key not in self._reported:
            self._reported.add(key)
            self.problems.append(Problem(message, line, level))

    @staticmethod
    def _line(container: Any, default: int | None, key: Any = None) -> int | None:
        if isinstance(container, LDict):
            return container.key_lines.get(key, container.line) if key is not None \
                else container.line or default
        if isinstance(container, LList):
            return container.line_of(key) if isinstance(key, int) else container.line or default
        return default

    def _deep(self, value: Any, path: Path, line: int | None) -> Any:
        """Resolve every string under `value` (found at `path`), keeping lines."""
        if isinstance(value, str):
            if "${" in value and id(value) not in self._resolved:
                return self._string_at(path, value, line)
            return value
        if id(value) in self._resolved:
            return value
        if type(value) is LDict:  # as read: copied only if a value changes
            if path[0] == "self" and not self._may_hold_variables(value):
                return self._mark(value)
            return self._mark(self._deep_mapping(value, path))
        if isinstance(value, dict):  # a string without a variable is kept, without a call
            resolved = {key: item if type(item) is str and "${" not in item
                        else self._deep(item, (*path, key), self._line(value, line, key))
                        for key, item in value.items()}
            out = LDict(resolved)
            _copy_lines(value, out)
            return self._mark(out)
        if isinstance(value, list):
            if type(value) is LList and path[0] == "self" and \
                    not self._may_hold_variables(value):
                return self._mark(value)
            items = [item if type(item) is str and "${" not in item
                     else self._deep(item, (*path, index), self._line(value, line, index))
                     for index, item in enumerate(value)]
            if isinstance(value, LList) and \
                    all(new is old for new, old in zip(items, value, strict=True)):
                return self._mark(value)
            seq = LList(items)
            _copy_lines(value, seq)
            return self._mark(seq)
        return value

    def _may_hold_variables(self, value: LDict | LList) -> bool:
        """Could a mapping or list of the main file, as read, hold a `${`? False when no
        line it spans in the text holds one (a mapping made on one line, as the long form
        of a short-form tag is, may hold values written on other lines: True)."""
        lines = self._variable_lines
        if lines is None or value.end_line <= value.line or value.line >= INCLUDED_LINES:
            return True  # (a mapping of another file: not in the text)
        index = bisect_left(lines, value.line)
        return index < len(lines) and lines[index] <= value.end_line

    def _deep_mapping(self, value: LDict, path: Path) -> LDict:
        """`_deep` of a mapping as read: the mapping itself when no value below it changes,
        else a copy with the changed values (and the same lines)."""
        changed: dict[Any, Any] | None = None
        key_lines = value.key_lines
        for key, item in value.items():
            if type(item) is str and "${" not in item:
                continue  # a string without a variable is kept, without a call
            new = self._deep(item, (*path, key), key_lines.get(key, value.line))
            if new is not item:
                if changed is None:
                    changed = {}
                changed[key] = new
        if changed is None:
            return value
        out = LDict(value)
        out.update(changed)
        _copy_lines(value, out)
        return out

    def _string_at(self, path: Path, text: str, line: int | None) -> Any:
        """Resolve a string found at `path` once (cached), detecting cycles."""
        if path in self._cache:
            return self._cache[path]
        label = _label(path)
        for index, (active, _) in enumerate(self._active):
            if active == path:
                raise _Cycle(path, [name for _, name in self._active[index:]] + [label])
        self._active.append((path, label))
        try:
            result = self._render(text, line, len(self._active))
        except _Cycle as cycle:
            if cycle.start != path:
                raise
            chain = " -> ".join(cycle.chain)
            self._report(f"variable cycle: {chain}; value left unknown", line)
            result = Unknown(f"cycle {chain}")
        except _Budget as budget:
            if len(self._active) > 1:
                raise
            if not self._budget_hit:
                self._report(str(budget), line)
            self._budget_hit = True
            result = Unknown("too many variables")
        finally:
            self._active.pop()
        self._cache[path] = result
        self._mark(result)
        return result

    def _render(self, text: str, line: int | None, depth: int) -> Any:
        if depth > self.settings.max_depth:
            raise _Budget(f"variables nested more than {self.settings.max_depth} deep; "
                          "value left unknown")
        key = (text, self.settings.max_depth)
        template = _PARSED.get(key)
        if template is None:
            template = parse(text, self.settings.max_depth)
            if len(_PARSED) < _PARSED_MAX and len(text) <= 1024:
                _PARSED[key] = template
        return self._template(template, line)

    def _template(self, template: Template, line: int | None, address: bool = False) -> Any:
        """Render a template; a lone variable keeps its value's type. An `address` (the
        inside of a reference) with an unknown part is unknown as a whole."""
        if len(template) == 1 and isinstance(template[0], Var):
            value = self._var(template[0], line)
            return None if value is MISSING else value
        parts: list[str] = []
        unknowns: list[Unknown] = []
        for piece in template:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            value = self._var(piece, line)
            if value is MISSING or value is None:
                value = Unknown(piece.text[2:-1])
            if isinstance(value, Unknown):
                unknowns.append(value)
                parts.append("${" + value.text + "}")
            elif isinstance(value, (dict, list)):
                self._report(f"{piece.text} is a mapping or list and cannot be embedded "
                             "in a string; kept as written", line)
                parts.append(piece.text)
            elif isinstance(value, bool):
                parts.append("true" if value else "false")
            else:
                parts.append(str(value))
            if sum(map(len, parts)) > self.settings.max_length:
                raise _Budget(f"a value grew beyond {self.settings.max_length:,} characters "
                              "through variables (a substitution bomb?); value left unknown")
        text = "".join(parts)
        self._characters += len(text)
        if self._characters > self.settings.max_total_length:
            raise _Budget(f"variables produce more than {self.settings.max_total_length:,} "
                          "characters in all (a substitution bomb?); value left unknown")
        if unknowns and (address or len(unknowns) == len(template)):
            return unknowns[0] if len(unknowns) == 1 else Unknown(text)
        return text

    def _var(self, var: Var, line: int | None, last_resort: bool = True) -> Any:
        self._substitutions += 1
        if self._substitutions > self.settings.max_substitutions:
            raise _Budget(f"more than {self.settings.max_substitutions:,} variable "
                          "substitutions (a substitution bomb?); value left unknown")
        for index, candidate in enumerate(var.candidates):
            last = last_resort and index == len(var.candidates) - 1
            if isinstance(candidate, LiteralValue):
                return candidate.value
            if len(candidate) == 1 and isinstance(candidate[0], Var):
                value = self._var(candidate[0], line, last)
            else:
                address = self._template(candidate, line, address=True)
                if isinstance(address, Unknown):
                    return Unknown(f"{var.text[2:-1]}")
                value = self._source(str(address), line, last)
            if value is not MISSING and value is not None:
                if isinstance(value, (dict, list)):
                    self._count_expansion(value)
                return value
        return MISSING

    def _count_expansion(self, value: Any) -> None:
        """Count the values a substituted mapping/list adds once written out in full: many
        references to references of a list (a "billion laughs" through variables) would
        otherwise make every later walk of the configuration explode."""
        size = _size(value, self._sizes)
        if self._expanded + size <= self.settings.max_nodes:
            self._expanded += size
        else:
            raise _Budget(f"variables expand the file beyond {self.settings.max_nodes:,} "
                          "values (a variable bomb?); value left unknown")

    def _source(self, reference: str, line: int | None, last: bool) -> Any:
        """The value of one `source:address` reference (MISSING when it has none)."""
        match = _SOURCE.match(reference)
        if match is None:
            only = _SOURCE_ONLY.match(reference)
            if only and only.group(1) == "file":
                return self._file(only.group(2), "", line, last)
            if only and only.group(1) == "strToBool":
                return self._str_to_bool(only.group(2), line)
            if last:
                self._report(f"'{reference}' is not a variable reference; kept as text", line)
            return reference
        source, _, argument, address = match.groups()
        address = address.strip()
        if source == "self":
            return self._self(address, line, last)
        if source == "opt":
            return self._opt(address, line, last)
        if source == "sls":
            if address == "stage":
                return self.stage
            return Unknown(f"sls:{address}")
        if source == "aws":
            if address == "region":
                return self.region
            return Unknown(f"aws:{address}")
        if source == "env":
            return self._env(address, line, last)
        if source == "param":
            return self._param(address, line, last)
        if source == "file":
            return self._file(argument or "", address, line, last)
        if source == "construct" and address in self.constructs:
            return self.constructs[address]
        if source in REMOTE_SOURCES:
            return Unknown(reference)
        self._report(f"unknown variable source '{source}' in ${{{reference}}}; "
                     "value left unknown", line)
        return Unknown(reference)

    def _str_to_bool(self, argument: str, line: int | None) -> Any:
        text = argument.strip().strip("'\"").lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        if "${" not in text:
            self._report(f"strToBool({argument}) needs true/false/0/1; value left unknown", line)
        return Unknown(f"strToBool({argument})")

    def _self(self, address: str, line: int | None, last: bool) -> Any:
        path = _split_path(address)
        value = self._value_at(("self", *path), line)
        if value is MISSING and path in (["provider", "stage"], ["provider", "region"]):
            # not written: the framework's own default (dev / us-east-1) or the user's choice
            return self.stage if path[1] == "stage" else self.region
        if value is MISSING and last:
            where = "this file" if (line or 0) < INCLUDED_LINES else "the service's file"
            self._report(f"${{self:{address}}} names no value in {where}; "
                         "value left unknown", line)
            return Unknown(f"self:{address}")
        return value

    def _value_at(self, path: Path, line: int | None) -> Any:
        """The resolved value at `path` of the main config (MISSING when absent)."""
        node: Any = self.config
        walked: Path = ("self",)
        for key in path[1:]:
            if walked in self._partial and any(walked == active for active, _ in self._active):
                # `custom: ${file(common.yml):custom}` whose values say ${self:custom.x}:
                # the framework resolves such paths key by key, through the file's mapping
                node = self._partial[walked]
            else:
                node = self._resolved_node(node, walked, line)
            if isinstance(node, Unknown):
                return node  # a path through a value only known at deploy time
            node, key = _child(node, key)
            if node is MISSING:
                return MISSING
            walked = (*walked, key)
        if walked not in self._containers:
            self._containers[walked] = self._deep(self._resolved_node(node, walked, line),
                                                  walked, line)
        return self._containers[walked]

    def _resolved_node(self, node: Any, path: Path, line: int | None) -> Any:
        if isinstance(node, str) and "${" in node and id(node) not in self._resolved:
            return self._string_at(path, node, line)
        return node

    def _mark(self, value: Any) -> Any:
        """Remember that `value` is resolved (so it is never resolved twice)."""
        if isinstance(value, (dict, list, str)):
            self._resolved[id(value)] = value
        return value

    def _opt(self, address: str, line: int | None, last: bool) -> Any:
        if address in ("stage", "region"):
            # the command-line option only (`${sls:stage}` is the framework's shortcut for
            # `${opt:stage, self:provider.stage, "dev"}`): without it, a fallback is used
            given = self.settings.stage if address == "stage" else self.settings.region
            if given:
                return given
            if not last or address in self._defaulting:
                return MISSING  # provider.stage: ${opt:stage, 'dev'} while finding the default
            # no fallback (the framework would stop): the stage/region the scan assumes
            return self.stage if address == "stage" else self.region
        if last:
            self._report(f"${{opt:{address}}} is a command-line option the scan was not "
                         "given; value left unknown", line, "note")
            return Unknown(f"opt:{address}")
        return MISSING

    def _env(self, name: str, line: int | None, last: bool) -> Any:
        env = self.settings.env
        if env is None:
            return Unknown(f"env:{name}")
        if name in env:
            return env[name]
        if last:
            self._report(f"${{env:{name}}} is not set in the environment given; "
                         "value left unknown", line, "note")
            return Unknown(f"env:{name}")
        return MISSING

    def _param(self, name: str, line: int | None, last: bool) -> Any:
        self.params_read.add(name)
        if name in self.settings.params:
            return self.settings.params[name]
        for path in (("self", "params", self.stage, name), ("self", "stages", self.stage,
                                                            "params", name),
                     ("self", "params", "default", name),
                     ("self", "stages", "default", "params", name)):
            value = self._value_at(path, line)
            if value is not MISSING and value is not None:
                return value
        if last:
            self._report_once(f"param:{name}", f"${{param:{name}}} is not defined for stage "
                              f"'{self.stage}' (nor in default); value left unknown", line)
            return Unknown(f"param:{name}")
        return MISSING

    # ------------------------------------------------------------------ file()

    def _file(self, argument: str, address: str, line: int | None, last: bool) -> Any:
        try:
            return self._read_file(argument, address, line, last)
        except (OSError, ValueError) as exc:  # a path the OS refuses (NUL byte, too long)
            self._report(f"${{file({argument})}}: {exc}; value left unknown", line)
            return Unknown(f"file({argument})")

    def _read_file(self, argument: str, address: str, line: int | None, last: bool) -> Any:
        spec = argument.strip().strip("'\"")
        if not spec:
            self._report("${file()} without a path; value left unknown", line)
            return Unknown("file()")
        target = os.path.normpath(os.path.join(self.settings.base_dir, spec))
        real = os.path.realpath(target)
        root = os.path.realpath(self.settings.root)
        if real != root and not real.startswith(root + os.sep):
            self._report_once(target, f"${{file({spec})}} refused: the path leaves the scanned "
                              "folder; value left unknown (scan a folder that holds it, such "
                              "as the repository's root, to read it)", line)
            return Unknown(f"file({spec})")
        if not spec.lower().endswith((".yml", ".yaml", ".json")):
            self._report_once(target, f"${{file({spec})}}: only YAML and JSON files are read "
                              "(code is never run); value left unknown", line)
            return Unknown(f"file({spec})")
        if not os.path.exists(real):
            if last:
                self._report_once(target, f"${{file({spec})}}: no such file; value left unknown",
                                  line)
                return Unknown(f"file({spec})")
            return MISSING
        data = self._read(real, spec, line)
        if isinstance(data, Unknown):
            return data
        file_path: Path = ("file", real)
        node: Any = data
        for key in _split_path(address) if address else []:
            node, key = _child(self._resolved_node(node, file_path, line), key)
            file_path = (*file_path, key)
            if node is MISSING:
                if last:
                    self._report(f"${{file({spec}):{address}}} names no value in that file; "
                                 "value left unknown", line)
                    return Unknown(f"file({spec}):{address}")
                return MISSING
        if self._active and isinstance(node, (dict, list)):
            self._partial.setdefault(self._active[-1][0], node)
        return self._deep(node, file_path, line)

    def _report_once(self, path: str, message: str, line: int | None) -> None:
        """Report a file `${file()}` cannot read, or a parameter not defined (`path`: its
        key), at its first use only (a shared settings file is often read on every route)."""
        if path not in self._missing:
            self._missing.add(path)
            self._report(message, line)

    def _read(self, real: str, spec: str, line: int | None) -> Any:
        if real in self._files:
            return self._files[real]
        if len(self._files) >= self.settings.max_files:
            self._report(f"${{file({spec})}}: more than {self.settings.max_files} files "
                         "referenced; value left unknown", line)
            return Unknown(f"file({spec})")
        try:
            data = load_file(real, self.settings.max_bytes).data
        except InputError as exc:
            where = f" (line {exc.line})" if exc.line else ""
            self._report(f"${{file({spec})}}: {exc.message}{where}; value left unknown", line)
            data = Unknown(f"file({spec})")
        self._files[real] = data
        _shift_lines(data, len(self._files) * INCLUDED_LINES)
        return data


def _variable_lines(text: str) -> list[int] | None:
    """The lines (1-based, ascending) of `text` that hold a `${`; None when a value may
    hold a `${` its text does not show (an escape sequence, a binary value, an alias of
    an anchor written elsewhere) or when lines may be counted otherwise than libyaml
    does (a line break other than LF and CRLF)."""
    if "\\" in text or "&" in text or "binary" in text or \
            any(brk in text for brk in ("\x85", "\u2028", "\u2029")) or \
            text.count("\r") != text.count("\r\n"):
        return None
    lines: list[int] = []
    line, counted = 1, 0
    found = text.find("${")
    while found >= 0:
        line += text.count("\n", counted, found)
        counted = found
        lines.append(line)
        found = text.find("${", found + 2)
    return lines


def _shift_lines(data: Any, offset: int) -> None:
    """Add `offset` to every line of the mappings and lists of `data` (each once: an
    alias makes one value appear at several places)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if not isinstance(value, (LDict, LList)) or id(value) in seen:
            continue
        seen.add(id(value))
        if value.line:
            value.line += offset
            value.end_line += offset
        if isinstance(value, LDict):
            if value.key_lines:
                value.key_lines = {key: line + offset for key, line in value.key_lines.items()}
            stack.extend(value.values())
        else:
            if value.item_lines:
                value.item_lines = [line + offset for line in value.item_lines]
            stack.extend(value)


def _copy_lines(source: Any, target: LDict | LList) -> None:
    """Give `target` the lines of `source`."""
    if isinstance(target, LDict):
        if isinstance(source, LDict):
            target.line, target.end_line = source.line, source.end_line
            target.key_lines = dict(source.key_lines)
    elif isinstance(source, LList):
        target.line, target.end_line = source.line, source.end_line
        target.item_lines = list(source.item_lines)


def _size(value: Any, sizes: dict[int, int]) -> int:
    """The number of values in `value` written out in full (shared parts counted each time
    they appear; memoised by identity so that the count itself stays linear)."""
    if not isinstance(value, (dict, list)):
        return 1
    known = sizes.get(id(value))
    if known is None:
        children = value.values() if isinstance(value, dict) else value
        known = sizes[id(value)] = 1 + sum(_size(child, sizes) for child in children)
    return known


def _child(node: Any, key: Any) -> tuple[Any, Any]:
    """`node[key]` for a mapping (int keys also tried as text) or a list; else MISSING."""
    if isinstance(node, dict):
        for candidate in (key, str(key)):
            if candidate in node:
                return node[candidate], candidate
        return MISSING, key
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key], key
    return MISSING, key


def _split_path(address: str) -> list[Any]:
    """`custom.list[0].name` / `custom.list.0.name` -> ["custom", "list", 0, "name"]."""
    address = _INDEX.sub(r".\1", address.strip())
    parts: list[Any] = []
    for part in address.split("."):
        if part == "":
            continue
        parts.append(int(part) if part.isdigit() else part)
    return parts


def _label(path: Path) -> str:
    if path and path[0] == "file":
        return f"file({os.path.basename(str(path[1]))}):" + ".".join(map(str, path[2:]))
    return "self:" + ".".join(map(str, path[1:]))
