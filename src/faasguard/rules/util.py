"""Small helpers rules share (pure functions of model values)."""

from __future__ import annotations

from collections.abc import Mapping
from textwrap import indent

from faasguard.analysis.facts import Facts
from faasguard.findings import RemediationChooser
from faasguard.model import (
    OWNED_ELSEWHERE,
    Api,
    App,
    Branches,
    Location,
    Ref,
    Unknown,
    Value,
)


def as_str(value: Value) -> str | None:
    """The value as a plain string, or None when it is not a known string."""
    return value if isinstance(value, str) else None


def short_list(items: list[str], limit: int) -> str:
    """The first `limit` items, comma-separated, and how many more there are."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def branches_text(branches: Branches) -> str:
    """The branches of undecided conditions a value is under (`model.Branches`) as words:
    'condition C holds and condition D does not hold'."""
    return " and ".join(f"condition {name} {'holds' if holds else 'does not hold'}"
                        for name, holds in branches)


def value_text(value: Value) -> str:
    """A model value for a message: a reference by the logical id the user wrote
    (`${Jobs.Arn}`, not the qualified `${template.yaml#Jobs.Arn}`), anything else as text."""
    return value.as_written() if isinstance(value, Ref) else str(value)


def is_known(value: Value) -> bool:
    """False for Unknown values (and None)."""
    return value is not None and not isinstance(value, Unknown)


def template_file(element_id: str, location: Location) -> str:
    """The file of the template that declares an element: the file of its qualified id.
    An element a template takes from a file it includes (serverless.yml `${file(...)}`)
    is located in that file but belongs to the template, where the settings that apply to
    the whole app (alarms, stages, budgets) are written. Its location's file when the id
    is not qualified."""
    file, qualified, _ = element_id.partition("#")
    return file if qualified else location.file


def owned_elsewhere(api: Api) -> bool:
    """Is this an API the app only adds routes to (serverless.yml
    `provider.apiGateway.restApiId`, `provider.httpApi.id`)? Its stage settings (access
    logs, tracing, throttling, endpoint type) belong to the stack that created it, where
    the framework says they must be set: the rules about them leave it to that stack."""
    return api.properties.get(OWNED_ELSEWHERE) is True


def remediation_for(app: App, facts: Facts, file: str, snippets: Mapping[str, str]) -> str:
    """The snippet of `snippets` for a finding in `file` (the preference the scan applies
    to a rule's documented remediation: `RemediationChooser`), else the first one.

    For a per-finding remediation (`make_finding(..., remediation=...)`), which the scan
    leaves as it is. The chooser, built from every file of the app, is kept in
    `facts.memo` for the scan's rules (freed with the memo after them, not held by the
    module until the next scan).
    """
    return remediation_chooser(app, facts).choose(file, snippets)


def remediation_chooser(app: App, facts: Facts) -> RemediationChooser:
    """The scan's `RemediationChooser` (`remediation_for`'s), built once from every file
    of the app and kept in `facts.memo` for the scan's rules: a rule making many findings
    of one fix asks it for each file's keys and chooses once per key."""
    chooser: RemediationChooser | None = facts.memo.get(_CHOOSER)
    if chooser is None:
        chooser = facts.memo[_CHOOSER] = RemediationChooser(
            (f.path, f.format) for f in app.files)
    return chooser


_CHOOSER = "util.remediation_chooser"


def policy_file_fixes(statement: str) -> dict[str, str]:
    """Chalice and Zappa remediation for a fix that is one IAM statement (JSON text): both
    frameworks read the role's policy from a JSON policy document."""
    document = ('{\n  "Version": "2012-10-17",\n  "Statement": [\n'
                + indent(statement, "    ") + "\n  ]\n}")
    return {
        "chalice": "# .chalice/policy-<stage>.json (with \"autogen_policy\": false), or the\n"
                   "# file named by \"iam_policy_file\"\n" + document,
        "zappa": "# the file named by \"attach_policy\" in zappa_settings.json (or the same\n"
                 "# statement in \"extra_permissions\")\n" + document,
    }


#: Chalice and Zappa remediation for a role shared by functions (FG-PERM-008, FG-PERM-104).
ROLE_PER_FUNCTION_FIXES: dict[str, str] = {
    "chalice": "# .chalice/config.json: one policy file per function\n"
               '# (with "autogen_policy": false)\n'
               '"stages": {\n  "dev": {\n    "lambda_functions": {\n'
               '      "api_handler": {"iam_policy_file": "policy-api-handler.json"},\n'
               '      "importer": {"iam_policy_file": "policy-importer.json"}\n'
               "    }\n  }\n}",
    "zappa": "Zappa deploys one function per stage: give each stage (or each separately "
             "deployed app) its own attach_policy file with only what its code uses.",
}
