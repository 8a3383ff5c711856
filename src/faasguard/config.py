"""The user's configuration: `.faasguard.yml` or `[tool.faasguard]` in pyproject.toml.

Keys (hyphens and underscores are interchangeable, `fail-on` == `fail_on`)::

    rules:
      enable: [FG-AUTH-001, auth]    # when given, only these rules / threats run
      disable: [wallet, FG-MON-002]  # these do not run at all
    severity: {FG-DATA-001: critical}   # per rule id or per threat
    exclude: ["tests/*", "legacy/**"]
    ignore:                             # path-scoped suppressions (SARIF kind "external")
      - {rule: FG-DATA-001, path: "fixtures/*", reason: "test data"}  # rule: an id, a threat, *
    stage: prod
    region: eu-west-1
    budget: 25                          # USD per day
    fail-on: high                       # critical|high|medium|low|info|none
    max-file-size: 5242880              # bytes; larger files are skipped with a diagnostic
    thresholds:
      http-timeout: 29                  # seconds
      log-retention-min-days: 30
      log-retention-max-days: 3653
    openapi: [api/openapi.yml]          # paths relative to this file's folder
    taint: {...}                        # handed to the taint analysis as is
    osv-db: osv/PyPI.zip                # OSV advisories for FG-TP-101 (docs/dependencies.md)
    trusted-accounts: ["111122223333"]  # layer publishers FG-TP-001 does not report
    runtime-warning-days: 90            # FG-TP-005: runtimes this close to deprecation
    parameters: {Stage: prod}           # deployment parameters (docs/parameters.md)

A rule id is more specific than a threat: `disable: [wallet]` with
`enable: [FG-WALLET-002]` runs FG-WALLET-002 and no other wallet rule. An unknown key, an
unknown rule id or threat, or a bad value is a `ConfigError` naming the key (exit 2).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from faasguard.analysis.facts import Options
from faasguard.findings import RULES, SEVERITIES, THREATS

CONFIG_NAMES = (".faasguard.yml", ".faasguard.yaml")
FAIL_ON_CHOICES = (*SEVERITIES, "none")
DEFAULT_FAIL_ON = "low"


class ConfigError(Exception):
    """A configuration problem the user must fix; the message names the file and key."""


@dataclass(frozen=True)
class IgnoreEntry:
    """A path-scoped suppression from the config file."""

    rule: str
    path: str
    reason: str
    #: where the entry is written: its line in the file (None: unknown, pyproject.toml)
    #: and its place in the file's list (a copy `resolve_config` rebases keeps both)
    line: int | None = None
    index: int = 0
    #: False for an entry as written in a file above the scanned folder: its path is
    #: written from the file's folder, and the copies `resolve_config` rewrites for the
    #: scanned folder match instead; it matches nothing and names the entry in warnings
    covered: bool = True

    def matches(self, rule_id: str, file: str, threat: str = "") -> bool:
        """Does this entry suppress `rule_id` (of `threat`) reported in `file`? Its `rule`
        is a rule id, a threat or "*" (every rule)."""
        return self.covered and (self.rule in ("*", rule_id, threat)) and any(
            fnmatch.fnmatch(file, glob) for glob in self.variants(self.path))

    @staticmethod
    def variants(path: str) -> list[str]:
        """The globs an ignore entry's path stands for: as written, and its folder's
        contents (`./webhooks/*`: reported paths have no ./)."""
        path = path.removeprefix("./")
        return [path, path.rstrip("/") + "/*"]


@dataclass
class Config:
    """Everything the configuration file can set (the command line may override)."""

    source: str | None = None
    enable: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    ignore: list[IgnoreEntry] = field(default_factory=list)
    stage: str | None = None
    region: str | None = None
    budget: float | None = None
    fail_on: str | None = None
    max_file_size: int | None = None
    http_timeout: int | None = None
    log_retention_min_days: int | None = None
    log_retention_max_days: int | None = None
    openapi: list[str] = field(default_factory=list)
    taint: dict[str, Any] = field(default_factory=dict)
    osv_db: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    trusted_accounts: list[str] = field(default_factory=list)
    runtime_warning_days: int | None = None

    def rule_enabled(self, rule_id: str) -> bool:
        """Whether a rule runs: rule ids win over threats, `disable` over `enable`."""
        if rule_id in self.disable:
            return False
        if rule_id in self.enable:
            return True
        threat = RULES[rule_id].meta.threat if rule_id in RULES else None
        if threat in self.disable:
            return False
        if threat in self.enable:
            return True
        return not self.enable

    def severity_for(self, rule_id: str, threat: str, default: str) -> str:
        """The severity a finding gets after the user's overrides (rule id before threat)."""
        return self.severity.get(rule_id) or self.severity.get(threat) or default


def find_config(directories: list[str]) -> str | None:
    """The first config file in `directories`: .faasguard.yml, else a pyproject.toml that
    has a [tool.faasguard] table."""
    for directory in directories:
        for name in CONFIG_NAMES:
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                return path
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject) and _may_configure(pyproject) and \
                _pyproject_table(pyproject) is not None:
            return pyproject
    return None


#: A TOML text that may hold a [tool.faasguard] table: `[tool.faasguard]` or a dotted key
#: `tool.faasguard.x =` (quoted keys too), or a `[tool]` table or `tool = {...}` inline
#: one, which may name it as a key of their own.
_TOOL_TABLE = re.compile(rb"""tool["']?\s*\.\s*["']?faasguard"""
                         rb"""|^\s*\[\s*["']?tool["']?\s*\]|^\s*["']?tool["']?\s*=""", re.M)


def _may_configure(pyproject: str) -> bool:
    """Whether a pyproject.toml may configure faasguard: most (the repositories' above a
    scanned folder) do not, and are neither parsed (TOML's parser is imported only for
    one that may) nor can stop the scan with a TOML error of their own."""
    try:
        with open(pyproject, "rb") as handle:
            return _TOOL_TABLE.search(handle.read()) is not None
    except OSError:
        return False


def config_folders(base: str) -> list[str]:
    """The folders a scan of `base` looks for its configuration in, nearest first: `base`
    and the folders above it up to the repository's root (the nearest holding `.git`) or
    the filesystem's, then the current folder (`faasguard scan services/notify` finds the
    root's .faasguard.yml, as ruff, Checkov and Semgrep do)."""
    folders = []
    folder = os.path.abspath(base)
    while True:
        folders.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder or os.path.exists(os.path.join(folder, ".git")):
            break
        folder = parent
    return list(dict.fromkeys([*folders, os.getcwd()]))


def resolve_config(paths: Sequence[str], explicit: str | None = None) -> Config:
    """The configuration a run over `paths` uses: `explicit` (it must exist), else the
    nearest found in the scanned paths' common folder, the folders above it up to the
    repository's root, or the current folder (`config_folders`), else defaults."""
    from faasguard.scan import common_root

    base = common_root(paths)
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: configuration file not found")
        return _rebased(load_config(explicit), explicit, base)
    found = find_config(config_folders(base))
    return _rebased(load_config(found), found, base) if found else Config()


def _rebased(config: Config, path: str, base: str) -> Config:
    """`config` with its `exclude` globs and `ignore` paths, written from the file's folder,
    rewritten for a scan of its sub-folder `base`, whose reported paths start below it: a
    monorepo's root .faasguard.yml says `services/*/legacy`, and a scan of `services/api`
    (locations `legacy/serverless.yml`) reads `legacy` (`glob_below`). A glob matching no
    path under `base` is dropped, as is an ignore entry's written path (kept only to
    group its warnings, `IgnoreEntry.covered`); an exclude without `/` also matches base
    names (`scan.excluded`) and stays as written. A file beside or below the scanned
    folder, or elsewhere (`--config ci/x.yml`), is unchanged."""
    prefix = os.path.relpath(base, os.path.dirname(os.path.abspath(path))).replace(os.sep, "/")
    if prefix == "." or prefix == ".." or prefix.startswith("../"):
        return config
    config.exclude = list(dict.fromkeys(
        [*(w for w in config.exclude if "/" not in w),
         *(g for w in config.exclude for g in glob_below(exclude_globs(w), prefix))]))
    config.ignore = [*(replace(e, covered=False) for e in config.ignore),
                     *(replace(e, path=g) for e in config.ignore
                       for g in glob_below(IgnoreEntry.variants(e.path), prefix))]
    return config


def exclude_globs(written: str) -> list[str]:
    """The globs an exclude glob (`--exclude`, the configuration's `exclude:`) stands for,
    as `scan.excluded` matches it: as written less `./` (paths have none), `**/x` also
    matching x at the top, `x` also the folder's contents."""
    pattern = written.removeprefix("./")
    bare = pattern[3:] if pattern.startswith("**/") else pattern
    return [pattern, bare, bare.rstrip("/") + "/*"]


#: One element of an fnmatch glob: `*`, `?`, a `[...]` set, or a character.
_GLOB_PART = re.compile(r"\*|\?|\[!?\]?[^\]]*\]|.", re.S)


def glob_below(globs: Sequence[str], folder: str) -> list[str]:
    """The globs a path relative to `folder` matches exactly when `folder/path` matches
    one of `globs` (fnmatch's: `*` also matches `/`), in first-found order: `services/*`
    below `services/api` is `*`, `*/tests/*` is `*/tests/*` and `tests/*`, and
    `billing/*` is none. The glob's parts `folder/` is read through, as an automaton
    reads a word: each position it can stand at after them starts one glob."""
    found: dict[str, None] = {}
    for glob in globs:
        parts = _GLOB_PART.findall(glob)
        positions = _past_stars(parts, {0})
        for char in folder + "/":
            positions = _past_stars(parts, {p + (parts[p] != "*") for p in positions
                                            if p < len(parts) and _reads(parts[p], char)})
        for p in sorted(positions):  # (one after a star: the star's glob matches its paths)
            if p == 0 or parts[p - 1] != "*":
                found.setdefault("".join(parts[p:]))
    return [g for g in found if g]


def _reads(part: str, char: str) -> bool:
    """Does one part of a glob match `char` (a star: and stay)?"""
    if part in ("*", "?"):
        return True
    return fnmatch.fnmatchcase(char, part) if len(part) > 1 else part == char


def _past_stars(parts: list[str], positions: set[int]) -> set[int]:
    """`positions` with, after each `*`, the position after it (a star may match nothing)."""
    more = set(positions)
    for p in sorted(positions):
        while p < len(parts) and parts[p] == "*":
            p += 1
            more.add(p)
    return more


def to_options(config: Config, stage: str | None = None, region: str | None = None,
               budget: float | None = None, excludes: Sequence[str] = (),
               openapi: Sequence[str] = (),
               parameters: Sequence[tuple[str, str]] = ()) -> Options:
    """The Options rules and analyses read: command-line values over the config's
    (`parameters`: the `--param NAME=VALUE` pairs, a later one winning)."""
    options = Options(stage=stage or config.stage,
                      region=region or config.region,
                      budget_usd_per_day=budget or config.budget,
                      openapi_files=[*config.openapi, *openapi],
                      excludes=list(dict.fromkeys([*config.exclude, *excludes])),
                      parameters={**config.parameters, **dict(parameters)})
    if config.http_timeout is not None:
        options.http_timeout_threshold_s = config.http_timeout
    if config.log_retention_min_days is not None:
        options.log_retention_min_days = config.log_retention_min_days
    if config.log_retention_max_days is not None:
        options.log_retention_max_days = config.log_retention_max_days
    if config.taint:
        options.extra["taint"] = config.taint
    options.osv_db = config.osv_db
    options.trusted_accounts = list(config.trusted_accounts)
    if config.runtime_warning_days is not None:
        options.runtime_warning_days = config.runtime_warning_days
    return options


def load_config(path: str) -> Config:
    """Read and validate one config file (YAML, or pyproject.toml's [tool.faasguard])."""
    if os.path.basename(path) == "pyproject.toml" or path.endswith(".toml"):
        table = _pyproject_table(path)
        data: Any = {} if table is None else table
        where = f"{path} [tool.faasguard]"
        lines: dict[str, int] = {}
    else:
        from faasguard.loaders.documents import InputError, load_file

        try:
            doc = load_file(path, max_bytes=1024 * 1024)
        except InputError as exc:
            at = f":{exc.line}" if exc.line else ""
            raise ConfigError(f"{path}{at}: {exc.message}") from None
        data = {} if doc.data is None else doc.data
        where = path
        lines = dict(getattr(data, "key_lines", {}))
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: the configuration must be a mapping of keys to values")
    config = _Parser(where, lines).parse(data)
    config.source = path
    # its paths are the file's: read from its folder, wherever faasguard runs (a path
    # leaving the project is the user's own choice, as --osv-db's is: not refused)
    folder = os.path.dirname(path)
    config.openapi = [os.path.join(folder, name) for name in config.openapi]
    if config.osv_db is not None:
        config.osv_db = os.path.join(folder, config.osv_db)
    return config


def _pyproject_table(path: str) -> dict[str, Any] | None:
    from faasguard.toml_text import parse_toml

    try:
        with open(path, "rb") as handle:
            data = parse_toml(handle.read().decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # not UTF-8, or not TOML
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    tool = data.get("tool")  # `tool = 5` configures no tool: no [tool.faasguard] either
    table = tool.get("faasguard") if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.faasguard] must be a table")
    return table


class _Parser:
    """Validates the raw mapping key by key, naming the key (and line) in every error."""

    def __init__(self, where: str, lines: dict[str, int]):
        self.where = where
        self.lines = lines

    def fail(self, key: str, message: str) -> ConfigError:
        top = key.split(".", 1)[0].split("[", 1)[0]
        line = self.lines.get(top) or self.lines.get(top.replace("_", "-"))
        at = f":{line}" if line else ""
        return ConfigError(f"{self.where}{at}: {key}: {message}")

    def parse(self, raw: dict[str, Any]) -> Config:
        config = Config()
        handlers: dict[str, Callable[[str, Any, Config], None]] = {
            "version": self._version, "rules": self._rules, "severity": self._severity,
            "exclude": self._exclude, "ignore": self._ignore, "stage": self._stage,
            "region": self._region, "budget": self._budget, "fail_on": self._fail_on,
            "max_file_size": self._max_file_size, "thresholds": self._thresholds,
            "openapi": self._openapi, "taint": self._taint, "osv_db": self._osv_db,
            "monitor": self._monitor, "parameters": self._parameters,
            "trusted_accounts": self._trusted_accounts,
            "runtime_warning_days": self._runtime_warning_days,
        }
        for key, value in raw.items():
            name = str(key).replace("-", "_")
            handler = handlers.get(name)
            if handler is None:
                raise self.fail(str(key), "unknown key (known: " + ", ".join(
                    sorted(k.replace("_", "-") for k in handlers)) + ")")
            handler(str(key), value, config)
        return config

    # ------------------------------------------------------------------ value checks

    def _strings(self, key: str, value: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, f"expected a list of strings, got {value!r}")
        return list(value)

    def _selectors(self, key: str, value: Any) -> list[str]:
        import faasguard.rules  # noqa: F401  (registers the rules)

        items = self._strings(key, value)
        for item in items:
            if item not in RULES and item not in THREATS:
                raise self.fail(key, f"unknown rule id or threat {item!r} (see `faasguard rules`;"
                                     f" threats: {', '.join(THREATS)})")
        return items

    def _positive_int(self, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(key, f"expected a positive whole number, got {value!r}")
        return value

    def _text(self, key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"expected a non-empty string, got {value!r}")
        return value

    # ------------------------------------------------------------------ keys

    def _version(self, key: str, value: Any, config: Config) -> None:
        if value not in (1, "1"):
            raise self.fail(key, f"unsupported version {value!r} (this faasguard reads 1)")

    def _rules(self, key: str, value: Any, config: Config) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping with `enable` and/or `disable`")
        for sub, items in value.items():
            if sub == "enable":
                config.enable = self._selectors(f"{key}.enable", items)
            elif sub == "disable":
                config.disable = self._selectors(f"{key}.disable", items)
            else:
                raise self.fail(f"{key}.{sub}", "unknown key (known: enable, disable)")

    def _severity(self, key: str, value: Any, config: Config) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping of rule id or threat to severity")
        for target, severity in value.items():
            self._selectors(f"{key}.{target}", [target])
            if severity not in SEVERITIES:
                raise self.fail(f"{key}.{target}", f"unknown severity {severity!r} "
                                                   f"(one of {', '.join(SEVERITIES)})")
            config.severity[str(target)] = severity

    def _exclude(self, key: str, value: Any, config: Config) -> None:
        config.exclude = self._strings(key, value)

    def _ignore(self, key: str, value: Any, config: Config) -> None:
        from faasguard.loaders.documents import LList

        if not isinstance(value, list):
            raise self.fail(key, "expected a list of {rule, path, reason} mappings")
        for index, entry in enumerate(value):
            here = f"{key}[{index}]"
            if not isinstance(entry, dict):
                raise self.fail(here, "expected a mapping with rule, path and reason")
            unknown = set(entry) - {"rule", "path", "reason"}
            if unknown:
                raise self.fail(f"{here}.{sorted(unknown)[0]}", "unknown key "
                                                                "(known: rule, path, reason)")
            rule_id = self._text(f"{here}.rule", entry.get("rule"))
            if rule_id != "*":
                self._selectors(f"{here}.rule", [rule_id])
            line = value.line_of(index) if isinstance(value, LList) else None  # YAML's
            config.ignore.append(IgnoreEntry(
                rule_id, self._text(f"{here}.path", entry.get("path", "*")),
                self._text(f"{here}.reason", entry.get("reason")), line or None, index))

    def _stage(self, key: str, value: Any, config: Config) -> None:
        config.stage = self._text(key, value)

    def _region(self, key: str, value: Any, config: Config) -> None:
        config.region = self._text(key, value)

    def _budget(self, key: str, value: Any, config: Config) -> None:
        config.budget = parse_budget(value, lambda msg: self.fail(key, msg))

    def _fail_on(self, key: str, value: Any, config: Config) -> None:
        if value not in FAIL_ON_CHOICES:
            raise self.fail(key, f"expected one of {', '.join(FAIL_ON_CHOICES)}, got {value!r}")
        config.fail_on = value

    def _max_file_size(self, key: str, value: Any, config: Config) -> None:
        config.max_file_size = self._positive_int(key, value)

    def _thresholds(self, key: str, value: Any, config: Config) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping")
        known = ("http_timeout", "log_retention_min_days", "log_retention_max_days")
        for sub, number in value.items():
            name = str(sub).replace("-", "_")
            if name not in known:
                raise self.fail(f"{key}.{sub}", "unknown key (known: " + ", ".join(
                    k.replace("_", "-") for k in known) + ")")
            setattr(config, name, self._positive_int(f"{key}.{sub}", number))
        low, high = config.log_retention_min_days, config.log_retention_max_days
        if low is not None and high is not None and low > high:
            raise self.fail(f"{key}.log-retention-max-days",
                            f"{high} is below log-retention-min-days {low}")

    def _openapi(self, key: str, value: Any, config: Config) -> None:
        config.openapi = self._strings(key, value)

    def _osv_db(self, key: str, value: Any, config: Config) -> None:
        if not isinstance(value, str) or not value:
            raise self.fail(key, "expected the path of an OSV database (folder or zip)")
        config.osv_db = value

    def _trusted_accounts(self, key: str, value: Any, config: Config) -> None:
        items = value if isinstance(value, list) else [value]
        accounts = [str(item) for item in items
                    if isinstance(item, (str, int)) and not isinstance(item, bool)]
        if len(accounts) != len(items) or not all(
                len(a) == 12 and a.isdigit() and a.isascii() for a in accounts):
            raise self.fail(key, f"expected a list of 12-digit AWS account ids (quote one "
                                 f"that starts with 0), got {value!r}")
        config.trusted_accounts = accounts

    def _runtime_warning_days(self, key: str, value: Any, config: Config) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, f"expected a whole number of days (0 or more), got {value!r}")
        config.runtime_warning_days = value

    def _monitor(self, key: str, value: Any, config: Config) -> None:
        """The monitor's section: read by `faasguard monitor` (faasguard.monitor.config)."""
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping (see docs/monitor.md)")

    def _parameters(self, key: str, value: Any, config: Config) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping of parameter name to value "
                                 "(see docs/parameters.md)")
        for name, given in value.items():
            problem = parameter_name_problem(str(name))
            if problem:
                raise self.fail(f"{key}.{name}", problem)
            if isinstance(given, (dict, list)) or given is None:
                raise self.fail(f"{key}.{name}", "expected a string, number or true/false, "
                                                 f"got {given!r}")
            config.parameters[str(name)] = parameter_text(given)

    def _taint(self, key: str, value: Any, config: Config) -> None:
        if not isinstance(value, dict):
            raise self.fail(key, "expected a mapping (see docs/injection.md)")
        config.taint = _plain(value)


def parse_budget(value: Any, error: Callable[[str], Exception]) -> float:
    """A daily budget in USD: a positive number (a string such as "25" or "$25" too)."""
    text = value.lstrip("$").strip() if isinstance(value, str) else value
    try:
        amount = float(text) if not isinstance(text, bool) else float("nan")
    except (TypeError, ValueError):
        raise error(f"expected an amount in USD per day, got {value!r}") from None
    if not amount > 0 or amount == float("inf"):
        raise error(f"expected a positive amount in USD per day, got {value!r}")
    return amount


def parse_parameter(text: str, error: Callable[[str], Exception]) -> tuple[str, str]:
    """`NAME=VALUE` of `--param` as (name, value); the value may be empty or hold `=`."""
    name, equals, value = text.partition("=")
    if not equals:
        raise error(f"expected NAME=VALUE, got {text!r}")
    problem = parameter_name_problem(name)
    if problem:
        raise error(f"{problem} in {text!r}")
    return name, value


def parameter_name_problem(name: str) -> str | None:
    """Why `name` cannot name a deployment parameter (None when it can)."""
    if not name:
        return "a parameter name is empty"
    if any(c.isspace() for c in name):
        return f"a parameter name has a space: {name!r}"
    return None


def parameter_text(value: Any) -> str:
    """A parameter value as a deployment passes it: text (YAML's true is "true")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plain(value: Any) -> Any:
    """Line-carrying LDict/LList values as plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
