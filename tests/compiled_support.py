"""Which build the tests run on: the pure package or a compiled (mypyc) tree.

benchmarks/compiled_tests.py runs this suite against a tree benchmarks/mypyc_build.py
compiled in place. A compiled module calls the functions and methods of its group directly
(not through the module's or class's attribute), and a compiled class's attributes cannot
be set from outside: a test that replaces one of them with monkeypatch to count or break
calls cannot see those calls there. Such a test is marked with `pure_only(reason)`, which
skips it on the compiled build only, with the reason in the skip message; the behaviour it
checks is the same code on both builds.
"""

from __future__ import annotations

import importlib.machinery

import pytest

import faasguard.scan

#: Whether faasguard's modules are the compiled ones (faasguard.scan is an extension).
COMPILED = faasguard.scan.__file__ is not None and faasguard.scan.__file__.endswith(
    tuple(importlib.machinery.EXTENSION_SUFFIXES))


def pure_only(reason: str) -> pytest.MarkDecorator:
    """Skip a test on the compiled build only, saying why: `reason` names what it replaces
    that compiled callers do not look up."""
    return pytest.mark.skipif(COMPILED, reason=f"compiled build: {reason}")


def compiled_only(reason: str) -> pytest.MarkDecorator:
    """Run a test on the compiled build only (the inverse of `pure_only`): `reason` says what
    only compiled code can get wrong there."""
    return pytest.mark.skipif(not COMPILED, reason=f"pure build: {reason}")
