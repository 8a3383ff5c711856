"""Review of this session's other behaviour changes (git log 438cabc..): problems found
in changes outside the serverless.ts reader, pinned by strict xfails on their positive
fixture (tests/fixtures/review_s13/<case>/pos) with a control twin that passes today."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "review_s13"


def _calls(case: str, function: str) -> list[tuple[str, str | None]]:
    """(operation, file) of the AWS calls a scan credits to one function."""
    calls = scan(str(CASES / case)).facts.aws_calls
    return [(c.operation, c.file) for c in calls[function]]


@pytest.mark.xfail(strict=True, reason="7136b78 reads a function's code with the layers its "
                   "Layers list names by Ref only: an item '!If [WithCommon, !Ref Common, "
                   "!Ref AWS::NoValue]' is an Unknown without choices, so Show's import of "
                   "the layer's store module is code not read (its GetItem unknown); "
                   "438cabc searched every layer and found it")
def test_a_layer_listed_under_a_condition_is_read_for_the_function() -> None:
    assert _calls("conditional_layer/pos", "template.yaml#Show") == \
        [("GetItem", "layers/common/python/store.py")]


def test_a_layer_listed_by_ref_is_read_for_its_function_only() -> None:
    assert _calls("conditional_layer/control", "template.yaml#Show") == \
        [("GetItem", "layers/common/python/store.py")]
    assert _calls("conditional_layer/control", "template.yaml#Audit") == \
        [("*", "src/audit.py")]
