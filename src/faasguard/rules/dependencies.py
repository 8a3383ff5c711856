"""Third-party exposure through dependencies: known-vulnerable and unpinned packages.

These rules judge `facts.dependencies` (analysis.dependencies): the manifests next to
each function's code and, when an OSV advisory database is given (`--osv-db`), the
advisories that affect the pinned versions. Without a database FG-TP-103 says the check
did not run, so a scan never reads as "no vulnerable dependencies" when none were looked
for.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from faasguard.analysis.dependencies import Dependency, DependencyFacts, function_names
from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding, rule
from faasguard.model import App, Location

_OWASP_3P = "OWASP Serverless Top 10: SAS-6 Insecure Third-Party Dependencies"
_OSV = "https://ossf.github.io/osv-schema/"
_SEVERITY = {"CRITICAL": "critical", "HIGH": "high", "MODERATE": "medium",
             "MEDIUM": "medium", "LOW": "low"}


def _facts(facts: Facts) -> DependencyFacts | None:
    found = facts.dependencies
    return found if isinstance(found, DependencyFacts) else None


@rule(
    "FG-TP-101",
    "Dependency with a known vulnerability",
    threat="third-party",
    severity="high",
    description="""
A package the function ships is pinned to a version that a published advisory (OSV
database given with `--osv-db`) lists as vulnerable. The function runs that code with
its role's permissions on every event: a known, documented weakness is the easiest one
to exploit. The severity follows the advisory's own rating when it gives one. A package
the build leaves out of the bundle (serverless-python-requirements' `noDeploy`) is not
the function's: what runs is the Lambda runtime's or a layer's copy, and a note says so.
""",
    remediation={
        "python": "# requirements.txt: upgrade to a fixed version, e.g.\nrequests==2.32.3",
        "javascript": '// package.json: upgrade to a fixed version, e.g.\n"lodash": "4.17.21"',
        "text": "Upgrade the package to a version the advisory lists as fixed, rebuild and "
                "redeploy the function.",
    },
    references=(_OWASP_3P, _OSV, "https://owasp.org/Top10/A06_2021-Vulnerable_and_"
                                 "Outdated_Components/"),
    cwe=(1395, 937),
)
def vulnerable_dependency(app: App, facts: Facts) -> Iterator[Finding]:
    found = _facts(facts)
    if found is None or found.status != "ok":
        return
    # the manifests each affected requirement comes with: an included file's requirement
    # (`-r requirements/prod.txt`) is declared by the file naming it
    declaring: dict[Dependency, list[str]] = {}
    for manifest, deps in found.manifests.items():
        for dep in deps:
            if dep in found.advisories:
                declaring.setdefault(dep, []).append(manifest)
    for dep, advisories in sorted(found.advisories.items(), key=lambda i: (i[0].file,
                                                                           i[0].line)):
        users = sorted({f for manifest in declaring.get(dep, ())
                        for f in found.shipped_by(manifest, dep)})
        for advisory in advisories:
            fixed = f"; fixed in {', '.join(advisory.fixed)}" if advisory.fixed else ""
            aliases = f" ({', '.join(advisory.aliases[:3])})" if advisory.aliases else ""
            yield make_finding(
                "FG-TP-101",
                f"{dep.name} {dep.version} is affected by {advisory.id}{aliases}: "
                f"{advisory.summary or 'see the advisory'}{fixed}. Used by function(s) "
                f"{function_names(users, app.functions)}.",
                Location(dep.file, dep.line), f"dependency:{dep.name}:{advisory.id}",
                severity=_SEVERITY.get(advisory.severity or ""),
                properties={"advisory": advisory.id, "package": dep.name,
                            "version": dep.version, "ecosystem": dep.ecosystem,
                            "functions": users},
            )


@rule(
    "FG-TP-102",
    "Dependency without a pinned version",
    threat="third-party",
    severity="low",
    description="""
A dependency is declared with a range (`>=2.0`, `^4.17.0`) or no version at all, and no
lock file pins it: every build may ship a different version, including a newly
compromised or vulnerable release, and what runs in production cannot be checked
against advisories. Lock files (`Pipfile.lock`, `poetry.lock`, `package-lock.json`) or
exact pins (`==2.31.0`) fix the version. A package the build leaves out of the bundle
(serverless-python-requirements' `noDeploy`) is not reported: the version written is not
the one that runs.
""",
    remediation={
        "python": "# requirements.txt\nrequests==2.32.3  # or generate it with pip-compile",
        "javascript": "npm install --save-exact  # and commit package-lock.json",
        "text": "Pin every dependency to one version (or commit the lock file).",
    },
    references=(_OWASP_3P,),
    cwe=(1357, 829),
)
def unpinned_dependency(app: App, facts: Facts) -> Iterator[Finding]:
    found = _facts(facts)
    if found is None:
        return
    for manifest, deps in sorted(found.manifests.items()):
        for dep in deps:
            if not dep.pinned:
                users = found.shipped_by(manifest, dep)
                if users:
                    yield _unpinned(users, manifest, dep, app)


def _unpinned(users: list[str], manifest: str, dep: Dependency, app: App) -> Finding:
    return make_finding(
        "FG-TP-102",
        f"{dep.name} is not pinned to one version "
        f"({dep.spec if dep.spec.strip('* ') else 'no version given'}) in {manifest}, used by "
        f"function(s) {function_names(users, app.functions)}.",
        Location(dep.file, dep.line), f"unpinned:{dep.ecosystem}:{dep.name}",
        remediation=_pin_fix(dep),
    )


def _pin_fix(dep: Dependency) -> str:
    """How to pin this dependency, in its manifest's terms."""
    if dep.ecosystem == "npm":
        return f"npm install --save-exact {dep.name}@VERSION  # and commit package-lock.json"
    if os.path.basename(dep.file).startswith("requirements"):
        return (f"# {dep.file}\n{dep.name}==VERSION  # the version you test with "
                "(or generate the file with pip-compile)")
    return (f"# pin {dep.name} to one version ({dep.name}==VERSION), "
            "or commit the lock file (poetry.lock, Pipfile.lock, uv.lock)")


@rule(
    "FG-TP-103",
    "Dependency check did not run",
    threat="third-party",
    severity="info",
    description="""
The functions declare dependencies, but no advisory database was given (or it could not
be read), so their versions were not checked for known vulnerabilities. This finding
keeps the report honest: no FG-TP-101 finding here does not mean the dependencies are
safe. Give an OSV database with `--osv-db PATH` (or `osv-db:` in the configuration);
docs/dependencies.md says how to download one.
""",
    remediation={
        "text": "faasguard scan . --osv-db ./osv/PyPI.zip  # an OSV export, see "
                "docs/dependencies.md",
    },
    references=(_OWASP_3P, _OSV),
)
def check_not_run(app: App, facts: Facts) -> Iterator[Finding]:
    found = _facts(facts)
    if found is None or found.status == "ok":
        return
    why = f"the advisory database could not be read ({found.reason})" \
        if found.status == "error" else "no advisory database was given (--osv-db)"
    for manifest, deps in sorted(found.manifests.items()):
        pinned = [d for d in deps if d.pinned and found.shipped_by(manifest, d)]
        if not pinned:
            continue
        users = function_names(found.functions_using(manifest), app.functions)
        yield make_finding(
            "FG-TP-103",
            f"The {len(pinned)} pinned dependencies of {manifest} (function(s) {users}) "
            f"were not checked for known vulnerabilities: {why}.",
            Location(manifest, 1), f"dependency-check:{manifest}",
        )
