"""Where a finding's element comes from, said in the finding once the rules have run.

- A finding located in a CDK asset folder (`cdk.out/asset.<hash>/`) that is no copy of a
  project folder (bundled code, or a source changed since the synth: see
  `analysis.cdk_assets`) is in generated code: its message says so.
- A finding about an element of a CDK app's synthesised template (`cdk.out/*.template.json`)
  names its construct, from the element's `Metadata: aws:cdk:path` (the loader's
  `CDK_PATH`): the app's authors edit constructs, not the template's generated logical ids.
- A finding about an element a Terraform module instance declares (its subject names the
  instance's address, `module.api.aws_lambda_function.fn`) points into the module's
  folder, which every instance shares: the `module` blocks that make the instance (the
  loader's `MODULE_CALLS`) become related locations, so two calls of one module can be
  told apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from faasguard.analysis.cdk_assets import CDK_OUT, generated_note
from faasguard.findings import Finding
from faasguard.model import CDK_PATH, App, Location

#: Key of an element's `properties` (functions, data resources, APIs) a Terraform module
#: instance declares: its module calls, `[(Location of the module block, the instance's
#: address)]`, the root module's call first.
MODULE_CALLS = "module_calls"


#: What separates a subject's parts ('tracing:Fn9270CBC0', 'statement:Role#0:s3:*').
_SUBJECT_PARTS = re.compile(r"[^A-Za-z0-9]+")

#: The module instance part of a Terraform address in a subject (`module.svc["a"].` and
#: nested `module.a.module.b[0].`), as element ids and subjects write it.
_MODULE_PATH = re.compile(
    r'(?<![\w-])((?:module\.[A-Za-z_][\w-]*(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.)+)')


def note_origins(app: App, findings: Iterable[Finding]) -> None:
    """Add to each finding what its element's origin tells the user (in place)."""
    calls = _module_calls(app)
    constructs = _cdk_constructs(app)
    for finding in findings:
        file = finding.location.file
        if CDK_OUT in file and (note := generated_note(file)) is not None:
            finding.message = f"{finding.message.rstrip()} {note}"
        if file in constructs:
            _name_construct(finding, constructs[file])
        if calls and "module." in finding.subject:
            _relate_module_calls(finding, calls)


def _module_calls(app: App) -> dict[str, list[tuple[Location, str]]]:
    """The module calls of each module instance elements record, by its address (of every
    root module making an instance of that address: envs/dev's and envs/prod's
    `module "export"`)."""
    found: dict[str, list[tuple[Location, str]]] = {}
    for table in (app.functions, app.resources, app.apis):
        for element in table.values():
            calls = element.properties.get(MODULE_CALLS)
            if calls:
                known = found.setdefault(calls[-1][1], [])
                known.extend(call for call in calls if call not in known)
    return found


def _relate_module_calls(finding: Finding,
                         calls: dict[str, list[tuple[Location, str]]]) -> None:
    """Relate the module calls the finding's subject names (and those of the instances
    folded into it, `findings.fold_instances`) to it, each call once with the addresses
    of the instances it makes here."""
    made: dict[Location, list[str]] = {}
    for subject in [finding.subject, *finding.properties.get("instances", ())]:
        for match in _MODULE_PATH.finditer(subject):
            for location, address in calls.get(match.group(1).rstrip("."), ()):
                if location != finding.location and address not in made.get(location, ()):
                    made.setdefault(location, []).append(address)
    for location, addresses in made.items():
        these = "these instances" if len(addresses) > 1 else "this instance"
        finding.related.append(
            (location, f"{', '.join(addresses)}: the module call that makes {these}"))


def _cdk_constructs(app: App) -> dict[str, dict[str, str]]:
    """The `aws:cdk:path` of each element of a synthesised template that has one: template
    file -> logical id -> path."""
    found: dict[str, dict[str, str]] = {}
    for table in (app.functions, app.resources, app.apis):
        for element in table.values():
            path = element.properties.get(CDK_PATH)
            if isinstance(path, str) and "#" in element.id:
                logical = element.id.rsplit("#", 1)[1]
                found.setdefault(element.location.file, {})[logical] = path
    return found


def _name_construct(finding: Finding, paths: dict[str, str]) -> None:
    """Say which construct the element the finding's subject names comes from (the first
    logical id of its template the subject holds; none for a finding about the whole
    template)."""
    for part in _SUBJECT_PARTS.split(finding.subject):
        path = paths.get(part)
        if path is not None:
            construct = path.removesuffix("/Resource").removesuffix("/Default")
            finding.message = (f"{finding.message.rstrip()} It comes from the CDK construct "
                               f"{construct} (aws:cdk:path {path}).")
            return
