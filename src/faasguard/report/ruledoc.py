"""A rule's documentation, read like a Ruff rule page: what it does, why it is bad, how to
fix it in the user's own format, references, CWE and equivalent checks of other tools.

Used by `faasguard rules RULE_ID` and by the SARIF reporter (rule help).
"""

from __future__ import annotations

from faasguard.findings import THREATS, RuleMeta

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


#: --for FORMAT -> the remediation keys that fit it (SAM and CloudFormation share theirs)
_SAME_FIX: dict[str, tuple[str, ...]] = {"sam": ("sam", "cloudformation"),
                                         "cloudformation": ("cloudformation", "sam")}


def has_fix_for(meta: RuleMeta, only: str) -> bool:
    """True when the rule documents a fix in this format (else every format is shown)."""
    return any(k in meta.remediation for k in _SAME_FIX.get(only, (only,)))


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
    keys = list(meta.remediation)
    if only is not None:
        keys = [k for k in keys if k in _SAME_FIX.get(only, (only,))] or keys
    return [(*FORMAT_LABELS.get(k, (k, "")), meta.remediation[k].strip("\n")) for k in keys]


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
            out.append(f"  (no {FORMAT_LABELS.get(only, (only, ''))[0]} fix: this rule is "
                       "fixed in the formats below)")
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
