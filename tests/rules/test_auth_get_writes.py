"""FG-AUTH-002 rates an unauthenticated GET route whose handler's code writes AWS data
(a DeleteItem behind `GET /unsubscribe?email=`, the link in every mailing) as a
state-changing route, `high`: anyone, or a link or an image tag in a visitor's browser,
changes data through it. It was kept `medium`, the severity of a read, although the
message said the handler writes. A GET whose handler only reads stays `medium`."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "rules_auth_get_writes"


def _rated(name: str) -> list[tuple[int, str, str]]:
    return [(f.location.line, f.severity, f.message.rsplit(": its handler ", 1)[-1])
            for f in scan(str(CASES / name)).findings if f.rule_id == "FG-AUTH-002"]


def test_a_get_whose_handler_deletes_is_high() -> None:
    assert _rated("serverless-delete") == [
        (14, "high", "writes ${Subscribers} (dynamodb:DeleteItem).")]


def test_a_get_whose_handler_reads_is_medium() -> None:
    assert _rated("serverless-read") == [
        (14, "medium", "reads ${Subscribers} (dynamodb:GetItem).")]
