"""Review of FG-DATA-011 on a Lambda authoriser: its event carries the caller's token (the
Authorization header of an HTTP API's REQUEST authoriser, a REST TOKEN authoriser's
`authorizationToken`), so printing it whole logs the credential, as it does in the
handler of an API route. The authoriser function has no trigger of its own: the code
facts know it serves requests through the API's link to it (`Authorizer.function`,
`App.authorizer_functions`; pinned while the model named the function only). Fixtures
under tests/fixtures/review_authorizer_logs; every format's in tests/test_authorizer_link.py."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_authorizer_logs"


def _logged(folder: str) -> list[str]:
    return [f"{f.location.file}:{f.location.line}" for f in
            findings(FIXTURES / folder, "FG-DATA-011")]


def test_an_authoriser_printing_its_whole_event_logs_the_token() -> None:
    assert _logged("pos") == ["src/authorizer.py:7"]


def test_an_authoriser_logging_an_identifier_only() -> None:
    assert _logged("neg") == []
