"""Bad input a user can give, found by mutating the repository's fixtures (type swaps at
each key path) and by hand: each is a diagnostic or is left out, never a traceback, an
internal error or a hang. Fixtures: tests/fixtures/bad_input_*; FIFOs and damaged zip
archives are made here (git keeps neither)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pipeline_support import FIXTURES, run_cli

from faasguard.analysis.facts import Options
from faasguard.analysis.osv import MAX_ADVISORY_BYTES, load_database
from faasguard.scan import scan

HERE = Path(__file__).resolve().parents[1] / "fixtures"
SETTINGS = HERE / "bad_input_settings"
OSV_APP = HERE / "osv" / "app"
OSV_DB = HERE / "osv" / "db"
ADVISORY = OSV_DB / "PyPI" / "FGTEST-PY-0001.json"
NOT_REGULAR = "not a regular file (a FIFO, socket or device)"
T = TypeVar("T")


def _cli(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`faasguard ARGV` in a process of its own: a hang fails the test at `timeout`."""
    return subprocess.run([sys.executable, "-m", "faasguard.cli", *argv],
                          capture_output=True, text=True, timeout=timeout)


def _within(seconds: int, call: Callable[..., T], *args: Any) -> T:
    """`call(*args)`, failing the test after `seconds` instead of waiting for ever."""
    def late(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        return call(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _internal(result_diagnostics: list) -> list[str]:
    return [d.message for d in result_diagnostics if d.code == "internal"]


# --------------------------------------------------------------------------- FIFOs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_in_the_project_are_skipped_not_waited_on(tmp_path: Path) -> None:
    """A FIFO named like a template, a handler module or an included file made the scan
    wait for a writer for ever (opened for reading); now discovery skips each with a
    warning, and the include reads it as a pipe with no writer: nothing."""
    project = tmp_path / "app"
    shutil.copytree(FIXTURES / "app", project)
    with (project / "serverless.yml").open("a") as manifest:
        manifest.write("custom: ${file(settings.yml)}\n")
    for name in ("template.yaml", "other.py", "settings.yml"):
        os.mkfifo(project / name)
    done = _cli("scan", str(project), "--format", "json")
    assert done.returncode == 1, done.stderr  # the app's findings
    report = json.loads(done.stdout)
    warned = {d["file"] for d in report["diagnostics"]
              if d["message"] == f"{NOT_REGULAR}; skipped" and d["level"] == "warning"}
    assert warned == {"template.yaml", "other.py", "settings.yml"}
    assert {f["rule_id"] for f in report["findings"]} >= {"FG-DATA-001", "FG-PERM-001"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_on_the_command_line_is_read_as_a_pipe(tmp_path: Path) -> None:
    """Named by the user, a FIFO is read as the pipe it is (`faasguard scan <(...)`):
    what a writer sends, nothing (no wait) when no writer is there."""
    template = FIXTURES / "sam" / "template.yaml"
    os.mkfifo(tmp_path / "template.yaml")
    waiting = _cli("scan", str(tmp_path / "template.yaml"), "--format", "json")
    assert json.loads(waiting.stdout)["findings"] == []
    piped = subprocess.run(  # bash's <(...) is such a pipe: /dev/fd/63
        ["bash", "-c", '"$0" -m faasguard.cli scan <(cat "$1") --format json',
         sys.executable, str(template)], capture_output=True, text=True, timeout=60)
    found = {(f["rule_id"], f["location"]["line"]) for f in json.loads(piped.stdout)["findings"]}
    assert {("FG-AUTH-001", 16), ("FG-DATA-001", 14)} <= found  # the template's own


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_the_advisory_folder_is_skipped(tmp_path: Path) -> None:
    shutil.copytree(OSV_DB, tmp_path / "db")
    os.mkfifo(tmp_path / "db" / "PyPI" / "waiting.json")
    db = _within(60, load_database, str(tmp_path / "db"))
    assert db.skipped == ["PyPI/waiting.json: not JSON"]  # a pipe with no writer: empty
    assert [a.id for a in db.matches("pypi", "fgdemo-http", "2.3.1")] == ["FGTEST-PY-0001"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_in_a_log_folder_is_skipped(tmp_path: Path) -> None:
    """`faasguard monitor analyze logs/` with a FIFO in logs/ waited for a writer for
    ever; now it is a file error and the other files are read."""
    logs = tmp_path / "logs"
    shutil.copytree(HERE / "bad_input_monitor" / "logs", logs)
    os.mkfifo(logs / "apigw" / "waiting.jsonl")
    done = _cli("monitor", "analyze", str(logs), "--format", "json")
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)["read"]
    assert read["file_errors"] == [f"{logs}/apigw/waiting.jsonl: {NOT_REGULAR}; skipped"]
    assert read["events"] == 5


# --------------------------------------------------------------------------- OSV database


def _fgdemo_http(osv_db: Path) -> tuple[list[tuple[str, int, str]], list[str]]:
    result = scan(str(OSV_APP), Options(osv_db=str(osv_db)))
    return (sorted((f.location.file, f.location.line, f.properties["advisory"])
                   for f in result.findings
                   if f.rule_id == "FG-TP-101" and "fgdemo-http" in f.message),
            _internal(result.diagnostics))


def test_advisories_of_other_shapes_than_the_schema_keep_their_valid_parts() -> None:
    """'database_specific' a list, 'aliases' and 'versions' strings, an 'affected' item, a
    range or an event that is no mapping, 'affected' a number: an internal error (the
    dependency analysis stopped, no FG-TP-101 at all); now the parts of the schema's
    shape are read and fgdemo-http 2.3.1 is still reported with FGTEST-PY-0001."""
    found, internal = _fgdemo_http(HERE / "bad_input_osv" / "db")
    assert internal == []
    assert found == [("py/requirements.txt", 2, "FGTEST-PY-0001")]
    assert _fgdemo_http(OSV_DB) == (found, [])  # as the well-formed database gives


def _zip_with(tmp_path: Path, damaged: str) -> Path:
    """An export holding the fixture's advisory and one member damaged as named."""
    path = tmp_path / f"{damaged}.zip"
    good = ADVISORY.read_bytes()
    body = good.replace(b"FGTEST-PY-0001", b"FGTEST-PY-0099")  # names fgdemo-http too
    method = zipfile.ZIP_DEFLATED
    if damaged == "bomb":  # its header claims 100 bytes; it inflates to 3 MiB
        body = body[:-2] + b', "pad": "' + b"a" * (3 * 1024 * 1024) + b'"}\n'
    with zipfile.ZipFile(path, "w", method) as archive:
        archive.writestr("PyPI/bad.json", body)
        archive.writestr("PyPI/FGTEST-PY-0001.json", good)
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")  # bad.json's
    if damaged == "crc":
        struct.pack_into("<I", data, central + 16, 0)
        struct.pack_into("<I", data, local + 14, 0)
    elif damaged == "encrypted":
        struct.pack_into("<H", data, central + 8, 1)
        struct.pack_into("<H", data, local + 6, 1)
    elif damaged == "method":
        struct.pack_into("<H", data, central + 10, 99)
        struct.pack_into("<H", data, local + 8, 99)
    elif damaged == "deflate":
        start = local + 30 + len("PyPI/bad.json")
        data[start:start + 8] = b"\xff" * 8
    elif damaged == "bomb":
        struct.pack_into("<I", data, central + 24, 100)
        struct.pack_into("<I", data, local + 22, 100)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("damaged", ["crc", "encrypted", "method", "deflate", "bomb"])
def test_a_damaged_zip_member_is_skipped_and_the_others_read(tmp_path: Path,
                                                            damaged: str) -> None:
    """A member with a bad CRC, encrypted, of a compression method zipfile lacks, with a
    broken deflate stream, or inflating far past the size its header claims raised
    (BadZipFile, RuntimeError, NotImplementedError, zlib.error): an internal error, and
    the whole database unread. Now that member is skipped and the others are read; a
    member is inflated up to the size limit only."""
    archive = _zip_with(tmp_path, damaged)
    db = load_database(str(archive), {("pypi", "fgdemo-http")})
    assert [entry.split(":")[0] for entry in db.skipped] == ["PyPI/bad.json"]
    assert [a.id for a in db.matches("pypi", "fgdemo-http", "2.3.1")] == ["FGTEST-PY-0001"]
    assert _fgdemo_http(archive) == ([("py/requirements.txt", 2, "FGTEST-PY-0001")], [])


def test_a_member_over_the_limit_is_skipped(tmp_path: Path) -> None:
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("PyPI/big.json", b'{"id": "X", "name": "fgdemo-http", "pad": "'
                     + b"a" * MAX_ADVISORY_BYTES + b'"}')
        out.write(ADVISORY, "PyPI/FGTEST-PY-0001.json")
    db = load_database(str(archive))
    # its header says so: never inflated, as before, and counted as not read (it was not)
    assert db.skipped == ["PyPI/big.json: larger than the 2 MiB limit"]
    assert [a.id for a in db.matches("pypi", "fgdemo-http", "2.3.1")] == ["FGTEST-PY-0001"]


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize("name", ["pyproject-tool-not-table", "pyproject-tool-table"])
def test_a_pyproject_whose_tool_key_is_no_table_configures_nothing(capsys, name: str) -> None:
    """`tool = "black"` in the scanned folder's pyproject.toml: AttributeError, a
    traceback before any scan; now it holds no [tool.faasguard], as a [tool.black]
    table does not, and the scan runs with the defaults."""
    code, out, err = run_cli(capsys, "scan", str(SETTINGS / name), "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert [d for d in report["diagnostics"] if d["code"] == "internal"] == []
    assert "FG-MON-001" in {f["rule_id"] for f in report["findings"]}


def _loaded(folder: Path, rule: str) -> tuple[list[str], list[str], list[str]]:
    result = scan(str(folder))
    return ([f.message for f in result.findings if f.rule_id == rule],
            [d.message for d in result.diagnostics if "layers" in d.message],
            _internal(result.diagnostics))


def test_zappa_layers_not_a_list_is_a_warning() -> None:
    """`"layers": 3` raised TypeError (an internal error: the settings file unread);
    `"layers": "arn:..."` was read as one layer per character. Now each is a warning at
    its stage and no layer; a list is read as before."""
    found, warnings, internal = _loaded(SETTINGS / "zappa-layers-not-list", "FG-TP-001")
    assert (found, internal) == ([], [])
    assert warnings == ["stage prod: layers should be a list of layer ARNs; ignored",
                        "stage dev: layers should be a list of layer ARNs; ignored"]
    found, warnings, internal = _loaded(SETTINGS / "zappa-layers-list", "FG-TP-001")
    assert (found, warnings, internal) == (
        ["Function 'prod' uses layer 'shared-utils' from account 999999999999."], [], [])


def test_chalice_layers_and_tags_of_another_type_are_ignored() -> None:
    """`"tags": ["team", "shop"]` raised ValueError in dict() (an internal error: the
    app unread); `"layers": "arn:..."` was one layer per character. Both are ignored now,
    as a lambda_timeout of another type is; a list and a mapping are read as before."""
    found, _warnings, internal = _loaded(SETTINGS / "chalice-layers-not-list", "FG-TP-001")
    assert (found, internal) == ([], [])
    assert scan(str(SETTINGS / "chalice-layers-not-list")).app.functions
    found, _warnings, internal = _loaded(SETTINGS / "chalice-layers-list", "FG-TP-001")
    assert (found, internal) == (
        ["Function 'api_handler' uses layer 'shared-utils' from account 999999999999."], [])


# --------------------------------------------------------------------------- monitor


def test_monitor_numbers_beyond_64_bits_are_no_numbers(capsys, tmp_path: Path) -> None:
    """An access log's status of 31 digits, a REPORT line's Memory Size of 23: the event
    table's BIGINT column refused them (OverflowError, a traceback, nothing reported).
    Now such a value is unknown and the other fields and lines are read."""
    logs = HERE / "bad_input_monitor" / "logs"
    out_file = tmp_path / "monitor.json"
    code, _out, err = run_cli(capsys, "monitor", "analyze", str(logs), "--format", "json",
                              "-o", str(out_file))
    assert (code, err) == (0, "")
    read = json.loads(out_file.read_text())["read"]
    assert (read["events"], read["malformed"]) == (5, 0)
    assert read["sources"] == {"apigw-access": 2, "lambda-platform": 3}


@pytest.mark.parametrize(("config", "code", "error"), [
    ("budget-nan.yml", 2, "budget-nan.yml: budget: expected a positive number of USD per "
                          "day, got nan"),
    ("budget-huge.json", 2, "budget-huge.json: budget: expected a positive number of USD "
                            "per day, got inf"),
    ("not-utf8.yml", 2, "not-utf8.yml: not valid UTF-8 text"),
    ("budget.yml", 0, ""),
])
def test_monitor_config_budget_and_encoding(capsys, tmp_path: Path, config: str, code: int,
                                            error: str) -> None:
    """`budget: .nan` was taken: a HIGH FGM-WALLET-005 'projected $0.00/day against a
    budget of $nan/day' on any logs; 1e999 (infinity) was taken too (--budget refuses
    both). A config file that is not UTF-8 was an error naming no file. Now each is a
    configuration error (exit 2) naming the file and the key."""
    folder = HERE / "bad_input_monitor"
    logs = HERE.parent / "monitor" / "fixtures" / "readers" / "apigw" / "http-api.jsonl"
    got, _out, err = run_cli(capsys, "monitor", "analyze", str(logs),
                             "--config", str(folder / config), "--format", "json",
                             "-o", str(tmp_path / "monitor.json"))
    assert got == code
    assert (err.strip().removeprefix("faasguard: error: ").removeprefix(str(folder) + "/")
            == error)
