"""Review of FG-WALLET-002 on a serverless.yml HTTP API: the framework has no setting for
an HTTP API's throttling, and its documented way, the one FG-WALLET-002's fix names
(DefaultRouteSettings on the stage), is `resources.extensions.HttpApiStage`; it was a
note ('extension of HttpApiStage: not a resource of this file that faasguard models;
ignored') and the finding stayed, whatever the limits. Fixtures under
tests/fixtures/review_sls_http_stage."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_sls_http_stage"


def test_throttling_set_on_the_generated_stage_is_the_apis() -> None:
    assert findings(FIXTURES / "neg", "FG-WALLET-002") == []
    assert [d.message for d in scan(str(FIXTURES / "neg")).diagnostics] == []


def test_a_stage_extension_without_limits_leaves_it_unthrottled() -> None:
    [finding] = findings(FIXTURES / "pos", "FG-WALLET-002")
    assert finding.message.startswith("HTTP API 'HttpApi' has no stage or route throttling")
