"""A Zappa stage's Lambda authoriser is the module function its `authorizer.function`
names (`security.tokens.verify`: `verify` of security/tokens.py, in the stage's code
folder): the stage's handler hands it API Gateway's authoriser event, the caller's token
in it. The code facts take that file as an HTTP handler's, its function's first
parameter as the event (`request` here), so logging it whole is FG-DATA-011; the file of
the WSGI app (the stage's own handler) is not the authoriser's. Fixtures
tests/fixtures/zappa_authorizer_module pos (json.dumps(request) logged) and neg (the
method ARN only)."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "zappa_authorizer_module"


def _logged(folder: str) -> list[str]:
    return sorted(f"{f.location.file}:{f.location.line}"
                  for f in scan(str(FIXTURES / folder)).findings if f.rule_id == "FG-DATA-011")


def test_an_authoriser_module_logging_its_whole_event() -> None:
    assert _logged("pos") == ["security/tokens.py:9"]


def test_an_authoriser_module_logging_the_method_arn_only() -> None:
    assert _logged("neg") == []
