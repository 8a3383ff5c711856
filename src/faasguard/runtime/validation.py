"""Input validation against a JSON Schema (fastjsonschema) or a pydantic model.

The schema is compiled once, when the guard is built (that is, once per cold start),
never per call. `Validator.validate(data)` returns `(value, None)` on success - the data,
or the model instance for pydantic - and `(None, reason)` on failure, where `reason`
names the failing field and rule but never echoes the input's values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path


class Validator:
    """A compiled validator; build it with `make_validator`."""

    kind = "schema"

    def validate(self, data: Any) -> tuple[Any, str | None]:  # pragma: no cover - abstract
        """`(value, None)` when `data` is valid, `(None, reason)` otherwise."""
        raise NotImplementedError


class SchemaValidator(Validator):
    """JSON Schema (draft 4, 6 or 7) compiled with fastjsonschema."""

    kind = "schema"

    def __init__(self, schema: Mapping[str, Any]) -> None:
        import fastjsonschema

        try:
            self._check: Callable[[Any], Any] = fastjsonschema.compile(dict(schema))
        except fastjsonschema.JsonSchemaDefinitionException as exc:
            raise ValueError(f"invalid JSON Schema: {exc}") from None
        self._error = fastjsonschema.JsonSchemaValueException

    def validate(self, data: Any) -> tuple[Any, str | None]:
        try:
            return self._check(data), None
        except self._error as exc:
            # "data.items[0].qty must be bigger than or equal to 1": path and rule only.
            return None, f"{exc.name} violates {exc.rule}"


class ModelValidator(Validator):
    """A pydantic (v2) model; the handler receives the validated instance."""

    kind = "model"

    def __init__(self, model: type) -> None:
        if not hasattr(model, "model_validate"):
            raise ValueError(f"{model!r} is not a pydantic v2 model class")
        self._model = model
        from pydantic import ValidationError

        self._error = ValidationError

    def validate(self, data: Any) -> tuple[Any, str | None]:
        try:
            return self._model.model_validate(data), None
        except self._error as exc:
            parts = [".".join(str(p) for p in err["loc"]) + ":" + err["type"]
                     for err in exc.errors(include_input=False, include_url=False)[:5]]
            return None, "; ".join(parts) or "invalid"


def load_schema(schema: Mapping[str, Any] | str | Path) -> Mapping[str, Any]:
    """A schema given inline, or the path of a JSON file holding it."""
    if isinstance(schema, Mapping):
        return schema
    from pathlib import Path

    path = Path(schema)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read schema file {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValueError(f"schema file {path} is not valid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise ValueError(f"schema file {path} does not hold a JSON object")
    return loaded


def make_validator(schema: Mapping[str, Any] | str | Path | None = None,
                   model: type | None = None) -> Validator | None:
    """The validator for `schema=` or `model=` (not both), or None when neither is set."""
    if schema is not None and model is not None:
        raise ValueError("give schema= or model=, not both")
    if model is not None:
        return ModelValidator(model)
    if schema is not None:
        return SchemaValidator(load_schema(schema))
    return None
