"""Schema (fastjsonschema) and pydantic validation, alone and through the guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from guard_events import http_v2, sample, sqs
from pydantic import BaseModel, Field

from faasguard.runtime import InputRejected, current, guard
from faasguard.runtime.validation import SchemaValidator, make_validator

ORDER_SCHEMA = {
    "type": "object",
    "required": ["sku", "qty"],
    "properties": {"sku": {"type": "string", "pattern": "^[A-Z0-9-]+$"},
                   "qty": {"type": "integer", "minimum": 1, "maximum": 100}},
    "additionalProperties": False,
}


class Order(BaseModel):
    sku: str = Field(pattern="^[A-Z0-9-]+$")
    qty: int = Field(ge=1, le=100)


def test_schema_validator_reasons_name_the_field_not_the_value() -> None:
    validator = SchemaValidator(ORDER_SCHEMA)
    assert validator.validate({"sku": "A-1", "qty": 2}) == ({"sku": "A-1", "qty": 2}, None)
    value, reason = validator.validate({"sku": "A-1", "qty": 1000})
    assert value is None and reason is not None and "data.qty" in reason and "1000" not in reason


def test_schema_is_compiled_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import fastjsonschema

    calls = []
    real = fastjsonschema.compile
    monkeypatch.setattr(fastjsonschema, "compile", lambda s: calls.append(s) or real(s))

    @guard(schema=ORDER_SCHEMA, audit=None)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    for _ in range(5):
        assert handler(http_v2({"sku": "A-1", "qty": 1}), None)["statusCode"] == 200
    assert len(calls) == 1


def test_invalid_schema_fails_at_decoration() -> None:
    with pytest.raises(ValueError, match="invalid JSON Schema"):
        make_validator({"type": "no-such-type"})
    with pytest.raises(ValueError, match="not both"):
        make_validator(ORDER_SCHEMA, Order)


def test_schema_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(json.dumps(ORDER_SCHEMA))
    validator = make_validator(str(path))
    assert validator is not None and validator.validate({"sku": "X", "qty": 1})[1] is None
    with pytest.raises(ValueError, match="cannot read"):
        make_validator(str(tmp_path / "missing.json"))


def test_guard_blocks_invalid_http_body() -> None:
    events: list[dict[str, Any]] = []

    @guard(schema=ORDER_SCHEMA, audit=events.append)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    assert handler(http_v2({"sku": "A-1", "qty": 0}), None)["statusCode"] == 400
    assert events[-1]["detector"] == "schema" and events[-1]["location"] == "body"
    assert handler(http_v2("plain text", content_type="text/plain"), None)["statusCode"] == 400
    assert handler(http_v2(None, method="GET"), None)["statusCode"] == 200


def test_guard_validates_each_record_and_samples() -> None:
    @guard(schema=ORDER_SCHEMA, audit=None)
    def handler(event: Any, context: Any) -> str:
        return "done"

    assert handler(sqs({"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}), None) == "done"
    with pytest.raises(InputRejected) as caught:
        handler(sqs({"sku": "A", "qty": 1}, {"sku": "b!", "qty": 2}), None)
    assert caught.value.detector == "schema" and caught.value.location == "records[1]"
    valid = sample("apiGatewayProxyV2SchemaMiddlwareValidEvent.json")
    invalid = sample("apiGatewayProxyV2SchemaMiddlwareInvalidEvent.json")
    schema = {"type": "object", "required": ["message", "username"]}

    @guard(schema=schema, audit=None)
    def api(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    assert api(valid, None)["statusCode"] == 200
    assert api(invalid, None)["statusCode"] == 400


def test_pydantic_model_instance_reaches_the_handler() -> None:
    @guard(model=Order, audit=None)
    def handler(event: Any, context: Any) -> Any:
        state = current()
        assert state is not None
        return state.model

    assert handler(http_v2({"sku": "A-1", "qty": 3}), None) == Order(sku="A-1", qty=3)
    assert handler(http_v2({"sku": "A-1", "qty": "many"}), None)["statusCode"] == 400
    assert handler(sqs({"sku": "A", "qty": 1}), None) == [Order(sku="A", qty=1)]


def test_schema_in_report_mode_lets_the_event_through() -> None:
    events: list[dict[str, Any]] = []

    @guard(schema=ORDER_SCHEMA, detectors={"schema": "report"}, audit=events.append,
           metrics=False)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    assert handler(http_v2({"qty": 1}), None)["statusCode"] == 200
    assert [e["decision"] for e in events] == ["report", "allow"]
