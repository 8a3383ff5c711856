"""A layer's `python/lib/python3.X/site-packages` folder: Lambda puts it on sys.path for
a function of runtime python3.X, before the layer's `python/` folder, as `pip install
--target python/lib/python3.12/site-packages` lays a layer out. Only `python/` was
searched, so a function's import of a package installed there was code not read."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.taint.modules import ModuleCache
from faasguard.model import Function, Layer, Location, Ref
from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

CASES = FIXTURES / "FG-PERM-101"


@pytest.mark.parametrize("name", ["serverless-pos-python-layer-site-packages",
                                  "serverless-neg-python-layer-site-packages-other-version"])
def test_fixture(name: str) -> None:
    check_case(Case("FG-PERM-101", CASES / name))


def test_the_site_packages_of_the_functions_runtime_are_read() -> None:
    calls = scan(str(CASES / "serverless-pos-python-layer-site-packages")).facts.aws_calls
    assert [(c.operation, c.file) for c in calls["serverless.yml#show"]] == \
        [("GetItem", "layers/common/python/lib/python3.12/site-packages/store.py")]


def test_another_versions_site_packages_are_not() -> None:
    calls = scan(str(CASES / "serverless-neg-python-layer-site-packages-other-version")
                 ).facts.aws_calls
    [unseen] = calls["serverless.yml#show"]
    assert (unseen.known, unseen.file) == (False, "src/show.py")


def test_site_packages_come_before_the_python_folder(tmp_path: Path) -> None:
    for rel in ("a/python/x.py", "a/python/lib/python3.12/site-packages/x.py",
                "a/python/lib/python3.11/site-packages/x.py", "b/python/y.py",
                "a/python/lib/python3.12/site-packages/y.py", "fn/h.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("X = 1\n")
    cache = ModuleCache(str(tmp_path))
    cache.use_layers([Layer("La", Location("serverless.yml", 1), "a"),
                      Layer("Lb", Location("serverless.yml", 1), "b")])

    def found(name: str, runtime: str | None) -> str | None:
        function = Function("f", Location("serverless.yml", 1), "serverless",
                            runtime=runtime, layers=[Ref("La"), Ref("Lb")])
        with cache.for_function(function):
            module = cache.find(name, ("fn",))
            return module.file if module is not None else None

    assert found("x", "python3.12") == "a/python/lib/python3.12/site-packages/x.py"
    assert found("x", "python3.11") == "a/python/lib/python3.11/site-packages/x.py"
    assert found("x", "python3.13") == "a/python/x.py"
    # a runtime not known: any version the layer holds, the newest first
    assert found("x", None) == "a/python/lib/python3.12/site-packages/x.py"
    # the layers are merged under /opt: every site-packages folder before every python/
    assert found("y", "python3.12") == "a/python/lib/python3.12/site-packages/y.py"
    assert found("y", "python3.11") == "b/python/y.py"
    # outside a function: every version a layer holds, the newest first
    assert cache.find("x", ("fn",)).file == \
        "a/python/lib/python3.12/site-packages/x.py"  # type: ignore[union-attr]
