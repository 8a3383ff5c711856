"""Loading a template leaves no reference cycles: what a load drops is freed at once by
reference counting (a cycle kept the whole parsed document alive until the cyclic
garbage collector ran, which then had to walk it)."""

import gc
from pathlib import Path

import pytest

from faasguard.loaders import LoadContext, load_path

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ("examples/vulnerable-app", "serverless.yml"),
    ("examples/hardened-app", "template.yaml"),
    ("tests/fixtures/serverless/full", "serverless.yml"),
]


@pytest.mark.parametrize(("folder", "name"), FILES)
def test_a_load_leaves_no_cyclic_garbage(folder, name):
    ctx = LoadContext(root=str(ROOT / folder), file=name)
    load_path(ctx)  # imports and first-use tables out of the way
    gc.collect()
    gc.disable()
    try:
        app = load_path(ctx)
        assert app.functions
        assert gc.collect() == 0
    finally:
        gc.enable()
