"""A project module named like a standard-library module: on Lambda the task root comes
before the standard library on sys.path, so `import secrets` runs the project's
secrets.py, which is walked as any project module (its AWS calls, and the code it imports
that the scan cannot read). The modules the runtime loaded before the handler (`logging`,
`json`...) are the exception: an import finds them loaded, and a project file of that
name never runs through it."""

from __future__ import annotations

import pytest

from faasguard.analysis.awscalls import LOADED_BY_RUNTIME
from faasguard.scan import scan

from .conftest import FIXTURES, Case, check_case, findings_of

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-neg-stdlib-named-module",
                                  "serverless-pos-stdlib-named-module"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_a_local_secrets_module_is_walked_for_the_code_it_cannot_read() -> None:
    result = scan(str(CASES / "serverless-neg-stdlib-named-module"))
    [unseen] = [c for c in result.facts.aws_calls["serverless.yml#report"] if not c.known]
    assert (unseen.file, unseen.line) == ("secrets.py", 3)
    assert "'vault_client'" in unseen.method


def test_a_local_logging_module_is_not_what_the_handler_runs() -> None:
    result = scan(str(CASES / "serverless-pos-stdlib-named-module"))
    calls = result.facts.aws_calls["serverless.yml#report"]
    assert [(c.operation, c.file) for c in calls] == [("GetObject", "handler.py")]
    [found] = findings_of(result, "FG-PERM-101")
    assert "uses s3:GetObject" in found.message


def test_the_runtime_loads_its_modules_before_the_handler() -> None:
    # the Lambda bootstrap's own imports, before it puts the task root on sys.path
    assert {"json", "logging", "os", "sys", "time", "traceback", "importlib"} <= \
        LOADED_BY_RUNTIME
    assert not {"secrets", "queue", "uuid", "csv", "email", "http"} & LOADED_BY_RUNTIME
