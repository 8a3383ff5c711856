"""A rule's documentation, read like a Ruff rule page: what it does, why it is bad, how to
fix it in the user's own format, references, CWE and equivalent checks of other tools.

Used by `faasguard rules RULE_ID` and by the SARIF reporter (rule help).
"""

from __future__ import annotations

from faasguard.findings import REMEDIATION_KEYS, THREATS, RuleMeta, snippet_keys

#: remediation key -> (heading, code fence language)
FORMAT_LABELS: dict[str, tuple[str, str]] = {
    "serverless": ("Serverless Framework (serverless.yml)", "yaml"),
    "sam": ("AWS SAM / CloudFormation", "yaml"),
    "cloudformation": ("CloudFormation", "yaml"),
    "cdk": ("AWS CDK (added below the CloudFormation form)", ""),
    "terraform": ("Terraform", "hcl"),
    "python": ("Python handler", "python"),
    "javascript": ("JavaScript / TypeScript handler", "javascript"),
    "chalice": ("Chalice (.chalice/config.json, app.py)", ""),
    "zappa": ("Zappa (zappa_settings.json)", ""),
    "text": ("In general", ""),
}


def fix_keys(meta: RuleMeta, only: str) -> list[str]:
    """The remediation keys `--for only` shows: the snippet a finding in a file of that
    format shows (the first of the format's keys the rule has: SAM's for sam, the
    CloudFormation form for cloudformation and for CDK output), followed by the lines
    added below it (a CDK construct's property); [] when the rule has no such snippet."""
    main, added = snippet_keys(REMEDIATION_KEYS.get(only, (only,)), meta.remediation)
    return [main, *added] if main is not None else []


def has_fix_for(meta: RuleMeta, only: str) -> bool:
    """True when the rule documents a fix in this format (else every format is shown)."""
    return bool(fix_keys(meta, only))


def separate_cloudformation(meta: RuleMeta) -> bool:
    """Whether the rule writes plain CloudFormation's fix apart from SAM's (its SAM
    snippet uses SAM's own syntax): then the SAM snippet is labelled SAM's alone."""
    return "cloudformation" in meta.remediation


def heading(meta: RuleMeta, key: str) -> tuple[str, str]:
    """(heading, code fence language) of the rule's snippet for remediation `key`."""
    if key == "sam" and separate_cloudformation(meta):
        return "AWS SAM", FORMAT_LABELS["sam"][1]
    return FORMAT_LABELS.get(key, (key, ""))


def cwe_url(number: int) -> str:
    """MITRE's page of a CWE."""
    return f"https://cwe.mitre.org/data/definitions/{number}.html"


def header(meta: RuleMeta) -> str:
    """One line: threat, default severity, CWEs."""
    cwes = ", ".join(f"CWE-{n}" for n in meta.cwe)
    return (f"Threat: {THREATS.get(meta.threat, meta.threat)} ({meta.threat}) | "
            f"default severity: {meta.severity}" + (f" | {cwes}" if cwes else ""))


def remediations(meta: RuleMeta, only: str | None = None) -> list[tuple[str, str, str]]:
    """(heading, fence language, snippet) per format, the user's format first or alone."""
    keys = (only is not None and fix_keys(meta, only)) or list(meta.remediation)
    return [(*heading(meta, k), meta.remediation[k].strip("\n")) for k in keys]


def markdown(meta: RuleMeta, only: str | None = None) -> str:
    """The rule page as Markdown."""
    out = [f"# {meta.id}: {meta.title}", "", header(meta), "",
           "## What it does", "", _what_it_does(meta), "",
           "## Why is this bad?", "", meta.description.strip(), ""]
    if meta.example:
        out += ["## Example", "", "```", meta.example.strip("\n"), "```", ""]
    fixes = remediations(meta, only)
    if fixes:
        out += ["## How to fix it", ""]
        for heading, lang, snippet in fixes:
            out += [f"### {heading}", "", f"```{lang}", snippet, "```", ""]
    if meta.references or meta.cwe:
        out += ["## References", ""]
        out += [f"- {ref}" for ref in meta.references]
        out += [f"- [CWE-{n}]({cwe_url(n)})" for n in meta.cwe]
        out.append("")
    if meta.equivalents:
        out += ["## Equivalent checks in other tools", ""]
        out += [f"- {tool}: `{check}`" for tool, check in sorted(meta.equivalents.items())]
        out.append("")
    return "\n".join(out)


def text(meta: RuleMeta, only: str | None = None) -> str:
    """The rule page as plain text for a terminal."""
    out = [f"{meta.id}: {meta.title}", header(meta), "",
           "What it does", _indent(_what_it_does(meta)), "",
           "Why is this bad?", _indent(meta.description.strip()), ""]
    if meta.example:
        out += ["Example", _indent(meta.example.strip("\n")), ""]
    fixes = remediations(meta, only)
    if fixes:
        out.append("How to fix it")
        if only is not None and not has_fix_for(meta, only):
            name = FORMAT_LABELS.get(only, (only, ""))[0].split(" (")[0]  # no file names
            out.append(f"  (no {name} fix: this rule is fixed in the formats below)")
        for heading, _lang, snippet in fixes:
            out += [f"  {heading}:", _indent(snippet, 4), ""]
    if meta.references or meta.cwe:
        out.append("References")
        out += [f"  - {ref}" for ref in meta.references]
        out += [f"  - CWE-{n}: {cwe_url(n)}" for n in meta.cwe]
        out.append("")
    if meta.equivalents:
        out.append("Equivalent checks in other tools")
        out += [f"  - {tool}: {check}" for tool, check in sorted(meta.equivalents.items())]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


#: Title words that stay capitalised mid-sentence (names; acronyms stay anyway).
_PROPER_NAMES = frozenset({"Kinesis", "Lambda", "Secrets"})


def _what_it_does(meta: RuleMeta) -> str:
    first = meta.title.split()[0].split("-")[0]
    keep = first in _PROPER_NAMES or not first[1:].islower()  # S3, IAM, NoSQL
    title = meta.title if keep else meta.title[0].lower() + meta.title[1:]
    return f"Reports {title} ({meta.threat} threat)."


def _indent(block: str, width: int = 2) -> str:
    return "\n".join((" " * width + line) if line else "" for line in block.splitlines())
