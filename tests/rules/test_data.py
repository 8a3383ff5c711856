"""The data rules: fixtures through the whole pipeline, and rule functions on built models."""

from __future__ import annotations

import pytest

from faasguard.analysis.facts import Facts
from faasguard.findings import RULES
from faasguard.model import App, EnvVar, Function, Location

from .conftest import cases, check_case, findings_of, scan_case

DATA_RULES = [f"FG-DATA-{n:03d}" for n in range(1, 14)]


@pytest.mark.parametrize("case", [c for r in DATA_RULES for c in cases(r)], ids=str)
def test_fixture(case):
    check_case(case)


def test_provider_secret_is_reported_once_for_all_functions() -> None:
    app = App()
    var = EnvVar("DB_PASSWORD", "hunter2-prod", Location("serverless.yml", 6))
    for name in ("a", "b", "c"):
        function = Function(f"serverless.yml#{name}", Location("serverless.yml", 10), "serverless")
        function.environment["DB_PASSWORD"] = var
        app.functions[function.id] = function
    found = list(RULES["FG-DATA-001"].run(app, Facts()))
    assert len(found) == 1
    assert "'a', 'b', 'c'" in found[0].message and found[0].subject == "env:*:DB_PASSWORD"


def test_secret_values_never_appear_in_messages() -> None:
    case = next(c for c in cases("FG-DATA-001") if c.path.name == "serverless-pos")
    for finding in findings_of(scan_case(case), "FG-DATA-001"):
        assert "hunter2" not in finding.message and "4eC39" not in finding.message
        assert "S3cr3tPass" not in finding.message


def test_entropy_only_secrets_are_medium() -> None:
    function = Function("t.yml#fn", Location("t.yml", 1), "sam")
    function.environment["PARTNER_CONFIG"] = EnvVar(
        "PARTNER_CONFIG", "q8Zr4Lw2Xv9Tn6Ys1Kp3Md7Hf5Gb0Jc2Re8Wu4Ax", Location("t.yml", 3))
    (finding,) = RULES["FG-DATA-001"].run(App(functions={function.id: function}), Facts())
    assert finding.severity == "medium" and finding.confidence == "medium"


def test_the_aws_documentation_example_credentials_are_no_secret() -> None:
    from faasguard.analysis.secrets import find_secret

    for value in ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                  "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE"):
        assert find_secret("ACCESS_KEY", value) is None, value
    # a real-looking key id is one, also in a text that holds the example too
    assert find_secret(None, "AKIAQ3HTX7N2LWPZ4RKB") is not None
    assert find_secret(None, "id=AKIAIOSFODNN7EXAMPLE other=AKIAQ3HTX7N2LWPZ4RKB") is not None
    # EXAMPLE inside a key id, not its end, is no documentation example
    assert find_secret(None, "AKIAEXAMPLEQ3HTX7N2L") is not None
    assert find_secret("SECRET_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY-rotated") \
        is not None
