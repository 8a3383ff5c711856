"""The text searches that spare the AWS-call step and code facts a walk give the answers of
their plain definitions (they are written for speed: one C search where a loop or a
pattern alternating words cost more)."""

from __future__ import annotations

import random
import re

import pytest

from faasguard.analysis import awscalls, signatures
from faasguard.analysis.taint.modules import STDLIB


def _shape_by_lines(source: str) -> tuple[bool, bool]:
    """`_import_shape` by its definition: an `import` on a line that starts indented; an
    `import` followed, after spaces and tabs only, by `*` within the next 34 characters."""
    nested = any(line[:1] in (" ", "\t") and "import" in line for line in source.split("\n"))
    star = False
    for match in re.finditer("import", source):
        window = source[match.end():match.end() + 34]
        if window.lstrip(" \t").startswith("*"):
            star = True
    return nested, star


@pytest.mark.parametrize("source", [
    "", "import os\n", "  import os\n", "\timport os", "x = 1\nif a:\n    import os\n",
    "def f():\n    return 1\nimport os\n", "from a import *\n", "from a import" + " " * 33 + "*",
    "from a import" + " " * 34 + "*", "from a import\t*", "import\n*", '"""import"""\n  x\n',
    "x = 'import'\n  y = 2\n", "  # import\n", "a\r\n  import b\r\n", "a\r  import b",
    "importimport *", "from . import (\n    a,\n)\n",
])
def test_import_shape_as_defined(source: str) -> None:
    assert awscalls._import_shape(source) == _shape_by_lines(source)


def test_import_shape_random_texts() -> None:
    pieces = ["import", " ", "\t", "\n", "*", "x", "\r\n", "from a ", "  import", "import  *",
              "#", "'", "\r"]
    rng = random.Random(6)
    for _ in range(20000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert awscalls._import_shape(source) == _shape_by_lines(source), repr(source)


def _read_elsewhere_defined(dotted: str, shadowed: frozenset[str]) -> bool:
    if dotted.startswith("."):
        return False
    head = dotted.partition(".")[0]
    return head in awscalls._READ_ELSEWHERE or head.startswith("mypy_boto3_") or \
        (head in STDLIB and head not in shadowed)


@pytest.mark.parametrize("shadowed", [frozenset(), frozenset({"secrets", "queue", "json"})])
def test_read_elsewhere_as_defined(shadowed: frozenset[str]) -> None:
    names = [*sorted(STDLIB), "boto3", "boto3.session", ".rel", "..pkg.mod", ".", "",
             "mypy_boto3_s3.client", "mypy_boto3_", "requests.adapters", "vault_client",
             "secrets", "secrets.token", "queue", "json.decoder", "yaml", "pkg.secrets"]
    for dotted in names:
        assert awscalls._read_elsewhere(dotted, shadowed) == \
            _read_elsewhere_defined(dotted, shadowed), dotted
    aliases = {"a": "json", "b": "boto3.session", "c": "mypy_boto3_s3"}
    assert awscalls._all_read_elsewhere(aliases.values(), shadowed) == ("json" not in shadowed)
    assert not awscalls._all_read_elsewhere(["os", ".local"], shadowed)
    assert not awscalls._all_read_elsewhere(["os", "vault_client.api"], shadowed)
    assert awscalls._all_read_elsewhere([], shadowed)


_MARKER_PATTERN = re.compile("|".join(signatures._MARKERS))


@pytest.mark.parametrize("text", [
    "", "hmac.compare_digest(a, b)", "stripe.Webhook.construct_event(p, s, k)",
    "verifier.is_valid_request(body, headers)", "from twilio.request_validator import "
    "RequestValidator", "import svix", "compare digest", "is valid", "requestvalidator",
])
def test_signature_markers_as_a_pattern(text: str) -> None:
    assert signatures._marked(text) == bool(_MARKER_PATTERN.search(text))
