"""Review of a Terraform monorepo laid out as most are: envs/dev and envs/prod, two root
modules, each calling ../../modules/fn as module "export" with its own inputs (dev: a
public function URL and no reserved concurrency; prod: no URL, 20 reserved). Element ids
are the declaring file and the address (modules/fn/main.tf#module.export.aws_lambda_function
.fn), the same in both roots, so App.merge keeps one instance, the last root's: dev's
function, its public URL (FG-AUTH-001, high) and its missing reservation (FG-WALLET-001)
vanish without a word, and 'faasguard cost' lists one function. Scanned alone, the dev
root reports both. Fixtures under tests/fixtures/review_tf_shared_module."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_tf_shared_module"


def _reported(folder: str) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.location.file) for f in scan(str(FIXTURES / folder)).findings
                  if f.rule_id in ("FG-AUTH-001", "FG-WALLET-001"))


def test_one_environment_calling_the_module_reports_its_public_url() -> None:
    assert _reported("dev_only") == [("FG-AUTH-001", "modules/fn/main.tf"),
                                     ("FG-WALLET-001", "modules/fn/main.tf")]


@pytest.mark.xfail(strict=True, reason="two root modules calling one module under the same "
                   "name give their instances the same ids: the last root's replaces the "
                   "other's (App.merge), dev's public URL is lost")
def test_each_environment_keeps_its_own_instance() -> None:
    assert _reported("two_envs") == [("FG-AUTH-001", "modules/fn/main.tf"),
                                     ("FG-WALLET-001", "modules/fn/main.tf")]
