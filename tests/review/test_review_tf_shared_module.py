"""Review of a Terraform monorepo laid out as most are: envs/dev and envs/prod, two root
modules, each calling ../../modules/fn as module "export" with its own inputs (dev: a
public function URL and no reserved concurrency; prod: no URL, 20 reserved). Element ids
were the declaring file and the address (modules/fn/main.tf#module.export.aws_lambda_
function.fn), the same in both roots, so App.merge kept one instance, the last root's:
dev's function, its public URL (FG-AUTH-001, high) and its missing reservation
(FG-WALLET-001) vanished without a word, and 'faasguard cost' listed one function.
Scanned alone, the dev root reports both (the control). Fixtures under
tests/fixtures/review_tf_shared_module."""

from __future__ import annotations

import collections
from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_shared_module"


def _reported(folder: str) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.location.file) for f in scan(str(FIXTURES / folder)).findings
                  if f.rule_id in ("FG-AUTH-001", "FG-WALLET-001"))


def test_one_environment_calling_the_module_reports_its_public_url() -> None:
    assert _reported("dev_only") == [("FG-AUTH-001", "modules/fn/main.tf"),
                                     ("FG-WALLET-001", "modules/fn/main.tf")]


def test_each_environment_keeps_its_own_instance() -> None:
    assert _reported("two_envs") == [("FG-AUTH-001", "modules/fn/main.tf"),
                                     ("FG-WALLET-001", "modules/fn/main.tf")]
    functions = scan(str(FIXTURES / "two_envs")).app.functions
    assert sorted((f.id, f.reserved_concurrency) for f in functions.values()) == [
        ("envs/dev/main.tf#module.export.aws_lambda_function.fn", None),
        ("envs/prod/main.tf#module.export.aws_lambda_function.fn", 20)]


def test_a_finding_of_both_instances_is_reported_once_naming_both_calls() -> None:
    """The module's line is one declaration: a finding both roots' instances get alike
    (s3:* in the module's policy) is one finding, relating both module calls."""
    findings = scan(str(FIXTURES / "two_envs")).findings
    assert [n for n in collections.Counter(f.fingerprint for f in findings).values()
            if n > 1] == []
    [wildcard] = [f for f in findings if f.rule_id == "FG-PERM-002"]
    assert [(loc.file, loc.line, text) for loc, text in wildcard.related
            if "module call" in text] == [
        ("envs/dev/main.tf", 11, "module.export: the module call that makes this instance"),
        ("envs/prod/main.tf", 11, "module.export: the module call that makes this instance")]
