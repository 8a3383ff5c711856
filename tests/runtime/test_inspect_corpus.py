"""Precision and recall of the default guard on the committed corpora.

tests/runtime/corpus/benign: at least 500 payloads shaped like real traffic, which the
default configuration must pass with zero blocks. tests/runtime/corpus/attacks: at
least 150 attack payloads, each labelled with the detector that must catch it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from guard_events import corpus_event, load_corpus

from faasguard.runtime import InputRejected, guard
from faasguard.runtime.inspect import DETECTORS

BENIGN = load_corpus("benign")
ATTACKS = load_corpus("attacks")


def _guarded() -> tuple[Any, list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []

    @guard(audit=events.append, audit_allow=False, metrics=False)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "body": "ok"}

    return handler, events


def _blocked_by(handler: Any, events: list[dict[str, Any]], case: dict[str, Any]) -> set[str]:
    """The detectors that blocked the case (empty when the handler ran)."""
    events.clear()
    try:
        result = handler(corpus_event(case), None)
    except InputRejected:
        pass
    else:
        if result.get("statusCode") == 200:
            return set()
        assert result["statusCode"] == 400 and result["body"] == '{"message": "Bad Request"}'
    blocks = [e for e in events if e["decision"] == "block"]
    assert len(blocks) == 1, events
    return {hit["detector"] for hit in blocks[0]["hits"]}


def test_corpus_sizes() -> None:
    assert len(BENIGN) >= 500
    assert len(ATTACKS) >= 150
    labelled = Counter(case["detector"] for case in ATTACKS)
    assert set(labelled) == set(DETECTORS), "every detector has attack cases"
    assert len({case["id"] for case in BENIGN + ATTACKS}) == len(BENIGN) + len(ATTACKS)


def test_default_guard_precision_and_recall() -> None:
    handler, events = _guarded()
    false_blocks = []
    for case in BENIGN:
        blocked = _blocked_by(handler, events, case)
        if blocked:
            false_blocks.append((case["id"], sorted(blocked)))
    missed = []
    per_detector: Counter[str] = Counter()
    for case in ATTACKS:
        blocked = _blocked_by(handler, events, case)
        if case["detector"] in blocked:
            per_detector[case["detector"]] += 1
        else:
            missed.append((case["id"], case["detector"], sorted(blocked)))
    benign_pass = 1 - len(false_blocks) / len(BENIGN)
    attack_block = 1 - len(missed) / len(ATTACKS)
    print(f"\nbenign corpus: {len(BENIGN)} cases, pass rate {benign_pass:.1%} "
          f"({len(false_blocks)} blocked)")
    print(f"attack corpus: {len(ATTACKS)} cases, block rate {attack_block:.1%} "
          f"({len(missed)} missed); per detector: {dict(sorted(per_detector.items()))}")
    assert not false_blocks, f"benign payloads blocked: {false_blocks}"
    assert not missed, f"attacks not caught by their detector: {missed}"


@pytest.mark.parametrize("detector", ["sql_injection", "path_traversal"])
def test_a_detector_switched_off_lets_its_attacks_through(detector: str) -> None:
    @guard(detectors={detector: "off"}, audit=None)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return {"statusCode": 200}

    cases = [c for c in ATTACKS if c["detector"] == detector and c["kind"] == "body"]
    passed = [c for c in cases if handler(corpus_event(c), None)["statusCode"] == 200]
    # Payloads that also trip another detector stay blocked; the rest now pass.
    assert len(passed) >= len(cases) // 2
