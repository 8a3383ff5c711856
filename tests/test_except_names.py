"""Functions that bind one `except ... as exc` name to several exception types, each
clause driven with a real input.

Compiled (mypyc), a local has one type: when one of the types is a class of a compiled
module, binding the other raised TypeError (service_code_modules before 098e5ed2;
tests/test_compiled_build.py checks the source for it). These functions' types are builtin
or third-party exceptions (plain objects compiled), and InputError's module is interpreted:
benchmarks/compiled_tests.py runs this file on the compiled build to show each clause
still gives its own message there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.baseline import BaselineError, read_baseline
from faasguard.config import ConfigError, _pyproject_table
from faasguard.loaders import InputError
from faasguard.loaders.decorators import parse_python
from faasguard.loaders.samconfig import SamConfigError, _toml
from faasguard.loaders.terraform.hcl import parse_tf


def test_baseline_read_error_bad_name_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot be read: Is a directory"):
        read_baseline(str(tmp_path))  # OSError
    with pytest.raises(BaselineError, match="cannot be read: embedded null byte"):
        read_baseline(str(tmp_path / "a\0b"))  # ValueError
    (tmp_path / "b.json").write_text("{x")
    with pytest.raises(BaselineError, match=r":1: not a baseline file \(invalid JSON"):
        read_baseline(str(tmp_path / "b.json"))  # json.JSONDecodeError


def test_pyproject_read_error_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read: Is a directory"):
        _pyproject_table(str(tmp_path))  # OSError
    (tmp_path / "pyproject.toml").write_text("x = [\n")
    with pytest.raises(ConfigError, match="invalid TOML: Invalid value"):
        _pyproject_table(str(tmp_path / "pyproject.toml"))  # ValueError


def test_python_read_error_and_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.py: cannot be read"):
        parse_python(str(tmp_path), "missing.py")  # InputError
    (tmp_path / "bad.py").write_text("def f(:\n")
    with pytest.raises(InputError, match=r"bad.py does not parse as Python: .*\(line 1\)"):
        parse_python(str(tmp_path), "bad.py")  # SyntaxError


def test_samconfig_read_error_and_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "samconfig.toml"
    with pytest.raises(SamConfigError, match="cannot be read"):
        _toml(str(path), "samconfig.toml")  # InputError
    path.write_text("x = [\n")
    with pytest.raises(SamConfigError, match="not valid TOML: Invalid value"):
        _toml(str(path), "samconfig.toml")  # ValueError


def test_hcl_syntax_error() -> None:
    with pytest.raises(InputError, match="not valid HCL2: the file ends inside"):
        parse_tf("resource {\n", "main.tf")  # lark's UnexpectedInput
