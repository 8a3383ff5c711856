"""Fixes in the user's own format for Chalice and Zappa projects (RemediationChooser).

A finding in `.chalice/config.json`, `zappa_settings.json`, or a file of their project
folder (app.py, an IAM policy document) shows the Chalice or Zappa snippet of its rule,
never the serverless.yml one; a code finding in app.py keeps its Python snippet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.findings import RULES, RemediationChooser
from faasguard.scan import scan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FRAMEWORK_EXAMPLES = {"vulnerable-app-chalice": "chalice", "hardened-app-chalice": "chalice",
                      "vulnerable-app-zappa": "zappa", "hardened-app-zappa": "zappa"}
#: Formats that are not a deployment framework: a rule documenting only these (a code or
#: dependency rule) has the same fix in every project.
_NEUTRAL = {"python", "javascript", "text"}


@pytest.mark.parametrize("example", sorted(FRAMEWORK_EXAMPLES))
def test_every_finding_shows_the_fix_of_its_framework(example: str) -> None:
    framework = FRAMEWORK_EXAMPLES[example]
    findings = scan(str(EXAMPLES / example)).findings
    assert findings
    for finding in findings:
        snippets = RULES[finding.rule_id].meta.remediation
        default = next(iter(snippets.values()), "")
        if finding.remediation != default and finding.remediation not in snippets.values():
            continue  # the rule wrote this finding's own fix (a package to pin, ...)
        if set(snippets) <= _NEUTRAL:
            continue
        code = finding.location.file.endswith(".py") and "python" in snippets
        expected = snippets["python" if code else framework]
        assert finding.remediation == expected, (finding.rule_id, finding.location)
        if not code and "serverless" in snippets:
            assert finding.remediation != snippets["serverless"]


@pytest.mark.parametrize("framework", ["chalice", "zappa"])
def test_a_rule_without_a_framework_setting_says_so(framework: str) -> None:
    fix = RULES["FG-WALLET-002"].meta.remediation[framework]
    assert fix.startswith(f"{framework.capitalize()} has no setting for stage throttling")
    assert "provider:" not in fix and "serverless" not in fix


def test_framework_keys_by_file() -> None:
    chooser = RemediationChooser([
        (".chalice/config.json", "chalice"), ("app.py", "python"),
        ("svc/zappa_settings.json", "zappa"), ("svc/app.py", "python"),
        ("other/serverless.yml", "serverless"), ("other/handler.py", "python")])
    assert chooser.keys(".chalice/config.json") == ("chalice",)
    assert chooser.keys(".chalice/policy-dev.json") == ("chalice",)  # not read as a template
    assert chooser.keys("app.py") == ("python", "chalice")
    assert chooser.keys("chalicelib/db.py") == ("chalice",)
    assert chooser.keys("svc/policy.json") == ("zappa",)  # the nearest project wins
    assert chooser.keys("svc/app.py") == ("python", "zappa")
    assert chooser.keys("other/serverless.yml") == ("serverless", "chalice")
    plain = RemediationChooser([("serverless.yml", "serverless"), ("handler.py", "python")])
    # (a file of no framework project: the deployment format beside it, after its own)
    assert plain.keys("handler.py") == ("python", "serverless")
    assert plain.keys("policy.json") == ("serverless",)
    snippets = {"serverless": "S", "chalice": "C"}
    assert chooser.choose("app.py", snippets) == "C"
    assert plain.choose("handler.py", snippets) == "S"  # the default


def test_every_rule_firing_on_the_framework_examples_documents_a_framework_fix() -> None:
    for example, framework in FRAMEWORK_EXAMPLES.items():
        for finding in scan(str(EXAMPLES / example)).findings:
            snippets = RULES[finding.rule_id].meta.remediation
            if set(snippets) <= _NEUTRAL or (finding.location.file.endswith(".py")
                                             and "python" in snippets):
                continue  # a code or dependency rule: its fix is the same everywhere
            assert framework in snippets, (example, finding.rule_id)


def test_rule_page_shows_the_framework_fix_alone_when_asked() -> None:
    from faasguard.report.ruledoc import remediations

    meta = RULES["FG-MON-001"].meta
    assert remediations(meta, "chalice") == [
        ("Chalice (.chalice/config.json, app.py)", "", meta.remediation["chalice"])]
    assert [heading for heading, _, _ in remediations(meta, "zappa")] == [
        "Zappa (zappa_settings.json)"]


def test_localise_all_chooses_as_localise_does_for_each_finding() -> None:
    """A scan's findings localised in one call: each shows what `localise` gives it alone
    (the format of its own file; a rule-written fix and an unregistered rule left alone)."""
    from faasguard.findings import make_finding
    from faasguard.model import Location

    files = [("serverless.yml", "serverless"), ("template.yaml", "sam"),
             ("main.tf", "terraform"), (".chalice/config.json", "chalice")]

    def made() -> list:
        findings = [make_finding("FG-MON-001", "m", Location(path, 1), f"s{n}")
                    for n, (path, _) in enumerate(files * 2)]
        findings.append(make_finding("FG-MON-001", "m", Location("main.tf", 2), "own",
                                     remediation="pin it"))
        stray = make_finding("FG-MON-001", "m", Location("main.tf", 3), "stray")
        stray.rule_id = "FG-NOT-999"
        return [*findings, stray]

    one_by_one, together = made(), made()
    alone = RemediationChooser(files)
    for finding in one_by_one:
        alone.localise(finding)
    RemediationChooser(files).localise_all(together)
    assert [f.remediation for f in together] == [f.remediation for f in one_by_one]
    snippets = RULES["FG-MON-001"].meta.remediation
    assert [f.remediation for f in together[:4]] == \
        [snippets["serverless"], snippets["sam"], snippets["terraform"], snippets["chalice"]]
    assert together[-2].remediation == "pin it"
    assert together[-1].remediation == snippets["serverless"]  # its default, unchosen
