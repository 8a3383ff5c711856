"""Review of 1cc0a3d (FG-TP-001 on a layer a condition attaches: 'may use ..., when
condition C holds'): a layer of an `Fn::If`'s second branch is attached when the condition
does not hold, and a layer of a nested `Fn::If` when both decide so. It said 'when
condition IsProd holds' of vendor-sdk-debug, the layer of the deployments where IsProd
does not hold. Fixtures under tests/fixtures/review_conditional_layer_branch."""

from __future__ import annotations

from pathlib import Path

from .support import findings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_conditional_layer_branch"


def _layers(folder: str) -> list[str]:
    return sorted(f.message.split(" may use ")[1] for f in
                  findings(FIXTURES / folder, "FG-TP-001"))


def test_either_branch_names_when_it_is_attached() -> None:
    assert _layers("either") == [
        "layer 'vendor-sdk-debug' from account 210987654321, when condition IsProd does "
        "not hold.",
        "layer 'vendor-sdk-prod' from account 123456789012, when condition IsProd holds."]


def test_the_second_branch_alone_is_when_the_condition_does_not_hold() -> None:
    assert _layers("else_only") == [
        "layer 'vendor-sdk-debug' from account 210987654321, when condition IsProd does "
        "not hold."]


def test_a_nested_condition_is_named_with_its_branch() -> None:
    assert _layers("nested") == [
        "layer 'tracer' from account 333333333333, when condition IsProd holds and "
        "condition Traced holds.",
        "layer 'vendor-sdk-prod' from account 123456789012, when condition IsProd does "
        "not hold."]
