"""Review of FG-DATA-011 on functions called through their function URL: the URL's event
carries the caller's headers (Authorization, cookies) as an API route's does, so logging
it whole is reported, in Python and in Node.js, when the URL is the function's only entry
(it is the function's `url`, not one of its triggers). Fixtures under
tests/fixtures/review_url_logs."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_url_logs"


def _logged(folder: str) -> list[str]:
    return sorted(f"{f.location.file}:{f.location.line}" for f in
                  findings(FIXTURES / folder, "FG-DATA-011"))


def test_a_function_url_handler_logging_its_whole_event() -> None:
    assert _logged("pos") == ["src/hook.py:5", "src/hook_node.js:2"]


def test_a_function_url_handler_logging_its_request_id() -> None:
    assert _logged("neg") == []
