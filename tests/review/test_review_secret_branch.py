"""Review of FG-DATA-001 on an environment variable written as an undecided `Fn::If`
(SAM/CloudFormation; serverless.yml since 765ad06 reads resources.Conditions) or a
Terraform conditional expression: a branch
holding a secret in plaintext (`!If [IsProd, '{{resolve:ssm:...}}', 'ghp_...']`) has it
written in the template, committed with it, whichever branch a deployment takes; it was
reported by nothing but FG-DATA-004 (the variable's name), and with --stage dev only in
serverless.yml. Fixtures under tests/fixtures/review_secret_branch."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_secret_branch"


def _plaintext(folder: str) -> list[str]:
    return [f"{f.location.file}:{f.location.line} {f.message}"
            for f in findings(FIXTURES / folder, "FG-DATA-001")]


def test_a_branch_holding_a_token_is_a_secret_in_plaintext() -> None:
    assert _plaintext("pos") == [
        "template.yaml:24 Function 'Sync' sets GITHUB_TOKEN to a GitHub token in plaintext "
        "(in a branch of its Fn::If on IsProd)."]


def test_a_condition_on_the_stage_in_serverless_yml() -> None:
    assert _plaintext("serverless") == [
        "serverless.yml:13 Function 'sync' sets GITHUB_TOKEN to a GitHub token in plaintext "
        "(in a branch of its Fn::If on IsProd)."]


def test_a_terraform_conditional_on_a_variable() -> None:
    assert _plaintext("terraform") == [
        "main.tf:18 Function 'aws_lambda_function.sync' sets GITHUB_TOKEN to a GitHub token "
        "in plaintext (in a branch of its conditional on var.env)."]


def test_branches_resolving_their_secret_at_deploy_time() -> None:
    assert _plaintext("neg") == []
