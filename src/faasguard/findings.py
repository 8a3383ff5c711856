"""Findings, rule metadata, severities, threats and fingerprints.

A rule is metadata (`RuleMeta`) plus a pure function of the `App` and the analysis facts
that yields `Finding`s. Rules register themselves with `@rule(...)`; the registry is
`RULES`. Reporters read only `Finding`s and `RuleMeta`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faasguard.digests import sha256
from faasguard.model import Location, pickle_by_fields

if TYPE_CHECKING:
    from faasguard.analysis.facts import Facts
    from faasguard.model import App

SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low", "info")
SEVERITY_RANK: dict[str, int] = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}
#: A finding's confidence, surest first, and its rank (higher is surer).
CONFIDENCE_RANK: dict[str, int] = {"high": 3, "medium": 2, "low": 1}

#: The threat taxonomy (shared/DESIGN.md): id -> title.
THREATS: dict[str, str] = {
    "injection": "Event injection",
    "permissions": "Over-privileged permissions",
    "monitoring": "Poor logging and monitoring",
    "third-party": "Third-party exposure",
    "auth": "Broken authentication",
    "wallet": "Budget exhaustion (Denial of Wallet)",
    "shadow-api": "Shadow APIs",
    "data": "High-risk data",
}

#: SARIF `security-severity` score per severity (GitHub code scanning bands).
SECURITY_SEVERITY: dict[str, str] = {
    "critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0",
}


def severity_at_least(severity: str, threshold: str) -> bool:
    """True when `severity` is as severe as `threshold` or more."""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


@dataclass(frozen=True)
class RuleMeta:
    """Everything a user reads about a rule (`faasguard rules ID`).

    remediation maps a format ("serverless", "sam", "terraform", "python", "javascript",
    "chalice", "zappa", "text") to a snippet or advice in that format; the first is the
    default (see `RemediationChooser`). references are URLs or names (OWASP Serverless
    Top 10 item, CWE id). checks of other tools are the nearest equivalents by tool name.
    """

    id: str
    title: str
    threat: str
    severity: str
    description: str
    remediation: dict[str, str] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    cwe: tuple[int, ...] = ()
    equivalents: dict[str, str] = field(default_factory=dict)
    example: str = ""

    @property
    def default_remediation(self) -> str:
        """The first remediation snippet: what a finding shows unless its rule wrote one
        or the scan localised it (`RemediationChooser`)."""
        return next(iter(self.remediation.values()), "")


@pickle_by_fields
@dataclass(frozen=True, slots=True)
class FlowStep:
    """One step of a code flow (taint source -> ... -> sink)."""

    location: Location
    message: str


@dataclass(slots=True)
class Finding:
    """One problem found, at an exact location.

    `subject` names the element the finding is about in a way that survives unrelated
    edits (for example "function:api.yml#Hello" or "statement:Role#0:dynamodb:*"): the
    fingerprint is built from the rule id, the file and the subject, never the line.
    """

    rule_id: str
    title: str
    threat: str
    severity: str
    message: str
    location: Location
    subject: str
    remediation: str = ""
    related: list[tuple[Location, str]] = field(default_factory=list)
    flow: list[FlowStep] = field(default_factory=list)
    confidence: str = "high"
    properties: dict[str, Any] = field(default_factory=dict)
    suppressed: str | None = None  # the reason, when suppressed inline, by config or baseline
    #: (rule id, subject) of the finding, in the same file, this one is another angle of:
    #: when that finding is reported, this one is folded into it (see `fold_overlaps`); a
    #: third item names the file of that finding when it is another one.
    folds_into: tuple[str, ...] | None = None
    #: (rule id, subject) of findings in the same file about the same element from another
    #: angle: when reported, the two name each other as related locations.
    see_also: tuple[tuple[str, str], ...] = ()

    @property
    def fingerprint(self) -> str:
        """A stable identity: rule id, file and subject (not the line)."""
        raw = "\x1f".join((self.rule_id, self.location.file, self.subject))
        # a file name that is not UTF-8 holds lone surrogates: hashed as its own bytes
        return sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


RuleFunc = Callable[["App", "Facts"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its metadata and the function that checks it."""

    meta: RuleMeta
    check: RuleFunc

    def run(self, app: App, facts: Facts) -> Iterator[Finding]:
        """Run the check; the findings carry this rule's id, title and threat. Its own
        iterator, not one wrapped around it: a step fewer per finding."""
        return iter(self.check(app, facts))


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    title: str,
    threat: str,
    severity: str,
    description: str,
    remediation: dict[str, str] | None = None,
    references: tuple[str, ...] = (),
    cwe: tuple[int, ...] = (),
    equivalents: dict[str, str] | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under `id` with its user-facing documentation."""
    if threat not in THREATS:
        raise ValueError(f"{id}: unknown threat {threat!r}")
    if severity not in SEVERITY_RANK:
        raise ValueError(f"{id}: unknown severity {severity!r}")

    def register(func: RuleFunc) -> RuleFunc:
        if id in RULES:
            raise ValueError(f"rule id {id} registered twice")
        meta = RuleMeta(id, title, threat, severity, description.strip(), remediation or {},
                        references, cwe, equivalents or {})
        RULES[id] = Rule(meta, func)
        return func

    return register


def make_finding(
    meta_id: str,
    message: str,
    location: Location,
    subject: str,
    severity: str | None = None,
    **extra: Any,
) -> Finding:
    """Build a Finding for a registered rule, taking title, threat and severity from it."""
    registered = RULES[meta_id]
    head = _HEADS.get(meta_id)
    if head is None or head[0] is not registered:
        meta = registered.meta
        head = _HEADS[meta_id] = (registered, meta.id, meta.title, meta.threat, meta.severity,
                                  meta.default_remediation)
    remediation = extra.pop("remediation", None)
    return Finding(head[1], head[2], head[3], severity or head[4], message, location, subject,
                   head[5] if remediation is None else remediation, **extra)


#: rule id -> (the registered rule, then what each of its findings copies: id, title,
#: threat, severity, default remediation), read from the rule's metadata once.
_HEADS: dict[str, tuple[Rule, str, str, str, str, str]] = {}


def fold_overlaps(findings: list[Finding]) -> list[Finding]:
    """One place, one problem: resolve the overlaps rules declare between their findings.

    A finding with `folds_into` is dropped when the finding it names was reported (same
    rule id, file (unless `folds_into` names another) and subject): that finding keeps
    it as a related location whose message is the dropped finding's, and lists it under
    the property `absorbed` (rule id, fingerprint, properties). A finding naming another
    in `see_also` stays, and so does
    the other: each gets a related location pointing at the other (one side declares it).
    An overlap whose other finding was not reported (its rule disabled, its condition not
    met) leaves the finding as it is. The findings of one rule about the instances of one
    declaration are then one finding (`fold_instances`).
    """
    # only the findings declaring an overlap act, and only those of the rules they name
    # can be found: most findings are neither
    overlapping = [f for f in findings if f.folds_into or f.see_also]
    if not overlapping:
        return fold_instances(findings)
    named = {f.folds_into[0] for f in overlapping if f.folds_into} | \
        {rule_id for f in overlapping for rule_id, _ in f.see_also}
    by_key = {(f.rule_id, f.location.file, f.subject): f for f in findings
              if f.rule_id in named}

    def other(finding: Finding, rule_id: str, subject: str, file: str = "") -> Finding | None:
        found = by_key.get((rule_id, file or finding.location.file, subject))
        return found if found is not finding else None

    folded: set[int] = set()  # ids of the findings dropped
    for finding in overlapping:
        for rule_id, subject in finding.see_also:
            if (seen := other(finding, rule_id, subject)) is not None:
                finding.related.append((seen.location, _see_also(seen)))
                seen.related.append((finding.location, _see_also(finding)))
        target = other(finding, *finding.folds_into) if finding.folds_into else None
        if target is None:
            continue
        folded.add(id(finding))
        target.related.append((finding.location, f"{finding.rule_id} ({finding.title}): "
                                                 f"{finding.message}"))
        target.properties.setdefault("absorbed", []).append(
            {"rule_id": finding.rule_id, "fingerprint": finding.fingerprint,
             **({"properties": finding.properties} if finding.properties else {})})
    return fold_instances([f for f in findings if id(f) not in folded] if folded else findings)


#: The instance key of an element a Terraform block makes several of (`for_each`: `["a"]`,
#: `count`: `[0]`) after the block's address (`aws_lambda_function.fn`, `module.api`), as
#: element ids and subjects write it (and not an index elsewhere in a subject: a taint
#: flow's `event['Records'][0]`).
_INSTANCE_KEY = re.compile(
    r'(\b(?:aws_[a-z0-9_]+|module)\.[A-Za-z_][\w-]*)(\[(?:"(?:[^"\\]|\\.)*"|\d+)\])')


def _without_repeats(findings: list[Finding]) -> list[Finding]:
    """Each finding once: one reported again (same rule, line, subject and message: a
    Terraform module two root modules call, envs/dev and envs/prod, reported for each
    root's instance) is dropped, its related locations added to the first's."""
    first_of: dict[tuple[str, str, int, str, str], Finding] = {}
    repeats: set[int] = set()
    for finding in findings:
        where = finding.location
        first = first_of.setdefault(
            (finding.rule_id, where.file, where.line, finding.subject, finding.message), finding)
        if first is not finding:
            repeats.add(id(finding))
            first.related.extend(r for r in finding.related if r not in first.related)
    return [f for f in findings if id(f) not in repeats] if repeats else findings


def fold_instances(findings: list[Finding]) -> list[Finding]:
    """One declaration, one finding: the findings of one rule at one line whose subjects
    differ only by an instance key (the functions a Terraform `for_each` or `count` block
    makes: `aws_lambda_function.fn["a"]`, `fn["b"]`...) are one problem with one fix, in
    that block. The first is kept, with its subject (its fingerprint stays), the highest
    severity and the highest confidence of them, a message naming the others, and the
    property `instances` (their subjects); the others are dropped. A new list; `findings`
    is not changed."""
    findings = _without_repeats(findings)
    groups: dict[tuple[str, str, int, str], list[Finding]] = {}
    for finding in findings:
        subject = finding.subject
        # the pattern's literals first: a taint flow's subject (`event['body']`) names no
        # address, and the pattern's search of it costs as much as the rest of this pass
        if "[" in subject and ("aws_" in subject or "module." in subject) \
                and (block := _INSTANCE_KEY.sub(r"\1[*]", subject)) != subject:
            location = finding.location
            groups.setdefault((finding.rule_id, location.file, location.line, block),
                              []).append(finding)
    folded: set[int] = set()  # ids of the findings dropped
    for members in groups.values():
        if len(members) < 2:
            continue
        kept, others = members[0], members[1:]
        folded.update(map(id, others))
        keys = [_INSTANCE_KEY.findall(other.subject)[-1][1] for other in others]
        kept.message += (f" The block at this line makes {len(others)} more instance"
                         f"{'s' if len(others) > 1 else ''} this rule reports: "
                         f"{', '.join(keys[:8])}{' ...' if len(keys) > 8 else ''}.")
        kept.severity = max((m.severity for m in members), key=SEVERITY_RANK.__getitem__)
        kept.confidence = max((m.confidence for m in members),
                              key=lambda c: CONFIDENCE_RANK.get(c, 0))
        kept.properties["instances"] = [m.subject for m in members]
    return [f for f in findings if id(f) not in folded] if folded else list(findings)


def _see_also(finding: Finding) -> str:
    return f"see also {finding.rule_id}: {finding.title}"


#: The remediation snippets a finding in a file of this format shows, in order of preference.
REMEDIATION_KEYS: dict[str, tuple[str, ...]] = {
    "serverless": ("serverless",), "sam": ("sam", "cloudformation"),
    "cloudformation": ("cloudformation", "sam"), "cdk": ("cdk", "cloudformation", "sam"),
    "terraform": ("terraform",), "python": ("python",),
    "javascript": ("javascript",), "typescript": ("javascript",),
    "chalice": ("chalice",), "zappa": ("zappa",),
}

#: Remediation keys whose snippet is a line added below the snippet the other keys choose:
#: a CDK app's finding shows the CloudFormation form with the construct property that sets
#: it ("cdk"), never SAM's own syntax (Globals, Events, Policies: each rule that writes one
#: has a "cloudformation" snippet too).
ADDENDUM_KEYS = ("cdk",)

#: Frameworks whose project folder holds files no loader reads as templates (handler code,
#: IAM policy documents) that belong to them: a finding there prefers the framework's snippet
#: after the file's own format's.
_PROJECT_FORMATS = ("chalice", "zappa")
#: Formats that deploy functions: a finding in a source file no snippet is written for
#: (handler code: FG-PERM-103's missing grant) prefers the snippet of the deployment
#: format next to it, not the rule's first (serverless.yml's, for a Terraform project).
_DEPLOY_FORMATS = ("serverless", "sam", "cloudformation", "cdk", "terraform")
#: The formats the scan lists source files as (after the loaders' formats).
_CODE_FORMATS = ("python", "javascript", "typescript")


class RemediationChooser:
    """Which of a rule's remediation snippets a finding shows: the one in the format of
    the finding's file (a loader's before the code format of a file it read too: a
    serverless.ts gets serverless.yml's), else the one of the Chalice or Zappa project
    holding the file (app.py, a policy document), else the one of the deployment format
    beside it (handler code of a SAM or Terraform project), else the rule's first (its
    default)."""

    def __init__(self, files: Iterable[tuple[str, str]]):
        """`files`: (path, format) of every file the scan read."""
        self._formats: dict[str, str] = {}
        self._projects: dict[str, str] = {}  # project folder -> framework
        self._deployed: dict[str, str] = {}  # folder -> deployment format of a file in it
        #: file -> the remediation keys a finding there prefers (`keys`)
        self._keys: dict[str, tuple[str, ...]] = {}
        #: (format, folder) -> `keys` of the files of that format in that folder (each
        #: folder climbed once, not once per file)
        self._placed: dict[tuple[str, str], tuple[str, ...]] = {}
        #: (rule id, keys) -> (the rule's default snippet, the one a finding with those keys
        #: shows); None for a rule not registered. A scan's thousands of findings come from
        #: a few dozen rules in files of a few formats.
        self._chosen: dict[tuple[str, tuple[str, ...]], tuple[str, str] | None] = {}
        for path, fmt in files:
            # a file listed twice keeps the format a loader read it as: a serverless.ts is
            # the service's configuration (its fixes are serverless.yml's keys) before the
            # TypeScript source the scan lists it as too
            if fmt not in _CODE_FORMATS or path not in self._formats:
                self._formats[path] = fmt
            if fmt in _PROJECT_FORMATS:
                folder = posixpath.dirname(path)
                if posixpath.basename(folder) == ".chalice":
                    folder = posixpath.dirname(folder)
                self._projects.setdefault(folder, fmt)
            elif fmt in _DEPLOY_FORMATS:
                self._deployed.setdefault(posixpath.dirname(path), fmt)
        deployed = set(self._deployed.values())
        #: the app's one deployment format (None for none or several)
        self._only = deployed.pop() if len(deployed) == 1 else None

    def keys(self, file: str) -> tuple[str, ...]:
        """The remediation keys a finding in `file` prefers, in order: its format's, then
        the framework's of the Chalice or Zappa project holding it; for a file of no such
        project and no template (handler code, a manifest), the deployment format's of the
        nearest folder above it holding a template, else the app's only deployment format
        (infra/main.tf beside src/)."""
        keys = self._keys.get(file)
        if keys is not None:
            return keys
        fmt, folder = self._formats.get(file, ""), posixpath.dirname(file)
        keys = self._placed.get((fmt, folder))
        if keys is None:
            keys = self._placed[(fmt, folder)] = self._keys_at(fmt, folder)
        self._keys[file] = keys
        return keys

    def _keys_at(self, fmt: str, folder: str) -> tuple[str, ...]:
        """`keys` of a file of format `fmt` in `folder`."""
        keys = REMEDIATION_KEYS.get(fmt, ())
        framework = _nearest(self._projects, folder)
        if framework is None and fmt not in _DEPLOY_FORMATS:
            framework = _nearest(self._deployed, folder) or self._only
        if framework is not None:
            keys += tuple(k for k in REMEDIATION_KEYS[framework] if k not in keys)
        return keys

    def choose(self, file: str, snippets: Mapping[str, str]) -> str:
        """The snippet of `snippets` for a finding in `file`."""
        return _first_of(self.keys(file), snippets)

    def localise(self, finding: Finding) -> None:
        """Show the fix in the user's own format, when the rule kept its default
        remediation (a rule that wrote one for this finding knows better)."""
        self.localise_all((finding,))

    def localise_all(self, findings: Iterable[Finding]) -> None:
        """`localise` each of `findings`: one call for a scan's thousands, the choice
        made once per rule and format."""
        keys_of, chosen_of = self._keys, self._chosen
        for finding in findings:
            file = finding.location.file
            keys = keys_of.get(file)
            if keys is None:
                keys = self.keys(file)
            key = (finding.rule_id, keys)
            chosen = chosen_of.get(key, _UNCHOSEN)
            if chosen is _UNCHOSEN:
                registered = RULES.get(key[0])
                chosen = chosen_of[key] = None if registered is None else (
                    registered.meta.default_remediation,
                    _first_of(keys, registered.meta.remediation))
            if chosen is not None and finding.remediation == chosen[0]:
                finding.remediation = chosen[1]


def _nearest(folders: Mapping[str, str], folder: str) -> str | None:
    """The value of the folder of `folders` nearest `folder` (itself, then those above
    it; the scan root's, "", last), None when none holds it."""
    while folder not in folders and folder:
        parent = posixpath.dirname(folder)
        # a file outside the root (an --openapi spec given by its absolute path) climbs to
        # "/", its own dirname: the root's value is the last one to try
        folder = parent if parent != folder else ""
    return folders.get(folder)


def snippet_keys(keys: Iterable[str],
                 snippets: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """Of `keys` (in order of preference), the first whose snippet `snippets` has (None:
    none), and each addendum key (`ADDENDUM_KEYS`) whose line it has, to add below it."""
    present = [key for key in keys if key in snippets]
    main = next((key for key in present if key not in ADDENDUM_KEYS), None)
    return main, [key for key in present if key in ADDENDUM_KEYS]


def _first_of(keys: tuple[str, ...], snippets: Mapping[str, str]) -> str:
    """The snippet of the first of `keys` that `snippets` has, else the first snippet;
    followed by the line of each addendum key of `keys` it has (`snippet_keys`)."""
    main, added = snippet_keys(keys, snippets)
    chosen = snippets[main] if main is not None else \
        next((s for k, s in snippets.items() if k not in ADDENDUM_KEYS), "")
    return "\n".join([chosen, *(snippets[k] for k in added)]) if added else chosen


#: `RemediationChooser._chosen` holds no choice for the key yet.
_UNCHOSEN: Any = object()
