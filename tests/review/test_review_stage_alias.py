"""Review of the serverless.yml authoriser a stage picks (FG-AUTH-002, 'may have no
authoriser', when no --stage is given): the stage as a service keeps it in a setting of its
own (`custom: stage: ${opt:stage, 'dev'}`, then `${self:custom.authorizers.${self:custom.stage}}`)
and a per-stage file named on the event itself (`${file(./config/${sls:stage}.yml):authorizer}`)
are both tried on every stage; a stage in the middle of the path
(`${self:custom.${sls:stage}.authorizer}`) is one of the keys whose value is a mapping
(`custom.tableName` is no stage). Fixtures under tests/fixtures/review_stage_alias."""

from __future__ import annotations

from pathlib import Path

from faasguard.scan import scan

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_stage_alias"


def _open_routes(folder: str) -> list[str]:
    return [f.message for f in findings(FIXTURES / folder, "FG-AUTH-002")]


def test_a_stage_kept_in_custom_picks_the_authoriser_on_every_stage() -> None:
    [message] = _open_routes("map/pos")  # preview: null
    assert "Route GET /orders/{id} (function 'getOrder') may have no authoriser" in message
    assert "(--stage), and NONE is one of its values (cognito, NONE)" in message


def test_a_stage_kept_in_custom_with_an_authoriser_on_every_stage() -> None:
    assert _open_routes("map/neg") == []


def test_a_file_per_stage_named_on_the_event_is_read_for_every_stage() -> None:
    [message] = _open_routes("file/pos")  # config/preview.yml: authorizer: ''
    assert "may have no authoriser" in message and "(cognito, NONE)" in message


def test_a_file_per_stage_giving_an_authoriser_on_every_stage() -> None:
    assert _open_routes("file/neg") == []


def test_a_stage_in_the_middle_of_the_path_is_a_key_holding_settings() -> None:
    [message] = _open_routes("middle/pos")  # custom.preview.authorizer: ''
    assert "NONE is one of its values (cognito, NONE);" in message


def test_other_settings_beside_the_stages_are_no_stage() -> None:
    assert _open_routes("middle/neg") == []
    assert [d.message for d in scan(str(FIXTURES / "middle/neg")).diagnostics] == []
