"""Module look-ups of the taint engine: the longest project module a dotted call names
(`ModuleCache.module_prefix`, names with none remembered for the scan) and search paths
shared by the files of one folder."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.taint.modules import ModuleCache, search_path


def _project(tmp_path: Path) -> ModuleCache:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "db.py").write_text("def run(query):\n    return query\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "a.py").write_text("import pkg.db\n")
    (tmp_path / "svc" / "b.py").write_text("import os\n")
    return ModuleCache(str(tmp_path))


def test_the_longest_module_prefix_and_the_rest_of_the_name(tmp_path: Path) -> None:
    cache = _project(tmp_path)
    found = cache.module_prefix("pkg.db.run", ("",))
    assert found is not None
    module, rest = found
    assert (module.file, rest) == ("pkg/db.py", ["run"])
    package = cache.module_prefix("pkg.helpers", ("",))  # the package, a name not in it
    assert package is not None and (package[0].file, package[1]) == ("pkg/__init__.py",
                                                                     ["helpers"])


def test_a_name_no_project_module_starts_is_none_and_remembered(tmp_path: Path) -> None:
    cache = _project(tmp_path)
    assert cache.module_prefix("boto3.client", ("", "svc")) is None
    assert cache.module_prefix("run", ("",)) is None  # no prefix to look up
    # the answer holds for the scan: a file written since is not looked for again
    (tmp_path / "boto3.py").write_text("def client(name):\n    return name\n")
    assert cache.module_prefix("boto3.client", ("", "svc")) is None
    # the same name from other folders is another question
    assert cache.module_prefix("db.run", ("",)) is None
    found = cache.module_prefix("db.run", ("pkg",))
    assert found is not None and (found[0].file, found[1]) == ("pkg/db.py", ["run"])


def test_files_of_one_folder_share_their_search_path(tmp_path: Path) -> None:
    cache = _project(tmp_path)
    first, second = cache.get("svc/a.py"), cache.get("svc/b.py")
    assert search_path(first, "svc") == ("svc", "")
    assert search_path(first, "svc") is search_path(second, "svc")
    assert search_path(first, None) == ("svc", "")
    assert search_path(cache.get("pkg/db.py"), "svc") == ("svc", "pkg", "")
