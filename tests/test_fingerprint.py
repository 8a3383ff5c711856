"""A finding's fingerprint: the SHA-256 of its rule id, file and subject (not the line),
whichever SHA-256 implementation computes it."""

from __future__ import annotations

import hashlib

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import make_finding
from faasguard.model import Location


def test_fingerprint_is_the_sha256_of_rule_file_and_subject():
    finding = make_finding("FG-AUTH-001", "m", Location("dir/é.yml", 7), "route:GET /x")
    raw = "FG-AUTH-001\x1fdir/é.yml\x1froute:GET /x".encode()
    assert finding.fingerprint == hashlib.sha256(raw).hexdigest()[:32]
    moved = make_finding("FG-AUTH-001", "other", Location("dir/é.yml", 90), "route:GET /x")
    assert moved.fingerprint == finding.fingerprint
