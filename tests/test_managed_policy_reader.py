"""The AWS managed policy reader (loaders.policies._ManagedPolicies): a look-up reads the
sorted data file only as far as it needs, and answers as a read of the whole file does."""

from __future__ import annotations

import gzip
import sys
import threading
from importlib import resources

import pytest

from faasguard.loaders.policies import _ManagedPolicies


def _whole(packed: bytes) -> dict[str, tuple[str, str]]:
    table = {}
    for line in gzip.decompress(packed).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, arn, statements = line.split("\t", 2)
            table[name] = (arn, statements)
    return table


def _lines(names: list[str]) -> bytes:
    text = "# source: test\n" + "".join(
        f"{name}\tarn:aws:iam::aws:policy/{name}\t[{{\"n\":{n}}}]\n"
        for n, name in enumerate(names))
    return gzip.compress(text.encode())


def test_every_name_and_absent_names_as_the_whole_file_says() -> None:
    packed = (resources.files("faasguard") / "data" / "managed_policies.tsv.gz").read_bytes()
    whole = _whole(packed)
    assert len(whole) > 1000
    names = sorted(whole)
    asked = [names[len(names) // 2], names[3], "AAA", "NoSuchPolicy", "zzz", "", names[-1],
             names[0], names[len(names) // 2] + "X", *names[::-1]]
    reader = _ManagedPolicies(packed)
    for name in asked:
        assert reader.get(name) == whole.get(name), name


def test_a_look_up_stops_past_its_name() -> None:
    names = [f"Policy{n:05d}" for n in range(3000)]
    reader = _ManagedPolicies(_lines(names))
    reader._CHUNK = 4096
    assert reader.get("Policy00010") == ("arn:aws:iam::aws:policy/Policy00010", '[{"n":10}]')
    assert reader.get("Policy00010X") is None  # between two names: no further read
    assert not reader._finished and len(reader._entries) < 200
    assert reader.get("Policy02999") is not None and reader.get("Zed") is None
    assert reader._finished
    assert reader.everything() == {name: (f"arn:aws:iam::aws:policy/{name}", f'[{{"n":{n}}}]')
                                   for n, name in enumerate(names)}


def test_the_data_file_is_sorted_by_name() -> None:
    """The reader stops at the first name past the one asked: it relies on this order
    (scripts/gen_managed_policies.py writes it)."""
    packed = (resources.files("faasguard") / "data" / "managed_policies.tsv.gz").read_bytes()
    names = list(_whole(packed))
    assert names == sorted(names) and len(set(names)) == len(names)


def test_a_last_line_without_newline_and_a_name_split_across_chunks() -> None:
    text = "# source: test\n" + "".join(f"P{n:04d}\tarn:{n}\t[]\n" for n in range(500))
    reader = _ManagedPolicies(gzip.compress((text + "Zlast\tarn:z\t[]").encode()))
    reader._CHUNK = 97  # lines cut at every place
    assert [reader.get(f"P{n:04d}") for n in (0, 250, 499)] == [
        ("arn:0", "[]"), ("arn:250", "[]"), ("arn:499", "[]")]
    assert reader.get("Zlast") == ("arn:z", "[]")


def test_threads_looking_up_at_once_get_the_same_answers() -> None:
    names = [f"Policy{n:05d}" for n in range(4000)]
    packed = _lines(names)
    wanted = names[::-37] + ["Absent", "Policy00100X"]
    expected = [None if name not in names else
                (f"arn:aws:iam::aws:policy/{name}", f'[{{"n":{names.index(name)}}}]')
                for name in wanted]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often: interleaved reads if unguarded
    try:
        for _round in range(8):
            reader = _ManagedPolicies(packed)
            reader._CHUNK = 512
            results: list[list[tuple[str, str] | None]] = []

            def look_up(reader: _ManagedPolicies = reader,
                        results: list[list[tuple[str, str] | None]] = results) -> None:
                results.append([reader.get(name) for name in wanted])

            threads = [threading.Thread(target=look_up) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert results == [expected] * 6
    finally:
        sys.setswitchinterval(interval)


def test_a_look_up_during_the_last_read_waits_for_its_lines() -> None:
    """A look-up of a name not read yet takes no lock once the reader says it has read
    everything: that must be said only after the last lines are in."""
    names = [f"P{n:03d}" for n in range(20)]
    reader = _ManagedPolicies(_lines(names))  # the whole file in one read
    answers: list[tuple[str, str] | None] = []
    threads: list[threading.Thread] = []

    class Entries(dict[str, tuple[str, str]]):
        def __setitem__(self, key: str, value: tuple[str, str]) -> None:
            super().__setitem__(key, value)
            if not threads:  # the first line in: another thread asks for the last
                threads.append(threading.Thread(
                    target=lambda: answers.append(reader.get(names[-1]))))
                threads[0].start()
                threads[0].join(0.2)  # done at once when it wrongly takes no lock

    reader._entries = Entries()
    assert reader.get(names[0]) is not None
    threads[0].join()
    assert answers == [(f"arn:aws:iam::aws:policy/{names[-1]}", '[{"n":19}]')]


def test_a_truncated_data_file_fails_every_look_up() -> None:
    """As reading the whole file did (gzip: EOFError), not a table that silently ends early."""
    text = ("# source: test\n" + "".join(f"P{n:04d}\tarn:{n}\t[]\n" for n in range(2000))
            ).encode()
    packed = gzip.compress(text)
    at_a_line = gzip.compress(text[:text.index(b"\n", len(text) // 2) + 1])[:-8]
    for cut in (packed[:-4], packed[:len(packed) // 2], at_a_line):
        reader = _ManagedPolicies(cut)
        reader._CHUNK = 1000
        for _again in range(2):
            with pytest.raises(EOFError):
                reader.get("Zed")
        with pytest.raises(EOFError):
            reader.everything()


def test_a_bad_line_fails_every_look_up() -> None:
    """A line without its fields: not a table that silently skips the lines after it."""
    text = b"# source: test\nA\tarn:a\t[]\nBroken\nC\tarn:c\t[]\n"
    reader = _ManagedPolicies(gzip.compress(text))
    for _again in range(2):
        with pytest.raises(ValueError):
            reader.get("C")
    with pytest.raises(ValueError):
        reader.everything()


class _OvertakenOnce(dict):  # type: ignore[type-arg]
    """The reader's table, where another thread's read takes in the name looked up right
    after the reader's first look-up of it has missed."""

    def __init__(self, reader: _ManagedPolicies, name: str) -> None:
        super().__init__()
        self.reader, self.name, self.missed = reader, name, False

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        found = super().get(key, default)
        if key == self.name and not self.missed:
            self.missed = True
            while self.name not in self:  # the other thread, past the name
                self.reader._read_more()
        return found


def test_a_name_another_thread_took_in_meanwhile_is_found() -> None:
    """A look-up whose first read of the table misses while another thread reads the name
    in (and moves past it) still finds it: the check that the stream has passed the name
    must not end in the stale miss."""
    names = [f"Policy{n:05d}" for n in range(500)]
    reader = _ManagedPolicies(_lines(names))
    reader._CHUNK = 256
    reader._entries = _OvertakenOnce(reader, "Policy00100")
    assert reader.get("Policy00100") == ("arn:aws:iam::aws:policy/Policy00100",
                                         '[{"n":100}]')


def _generator():  # type: ignore[no-untyped-def]
    """scripts/gen_managed_policies.py, whose `pack` writes the data file's blocks."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "gen_managed_policies.py"
    spec = importlib.util.spec_from_file_location("gen_managed_policies", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_look_up_in_the_data_file_decompresses_one_block() -> None:
    """The data file lists its blocks: the name every SAM function's generated role looks
    up (a quarter into the file) is found by decompressing one block, not the lines
    before it, and gives what the whole file says."""
    packed = (resources.files("faasguard") / "data" / "managed_policies.tsv.gz").read_bytes()
    whole = _whole(packed)
    reader = _ManagedPolicies(packed)
    assert reader.get("AWSLambdaBasicExecutionRole") == whole["AWSLambdaBasicExecutionRole"]
    assert len(reader._blocks_read) == 1 and 0 < len(reader._entries) < len(whole) // 20
    assert reader.get("AWSLambdaBasicExecutionRoleX") is None
    assert reader.everything() == whole


def test_blocks_answer_every_name_as_the_whole_file() -> None:
    names = [f"Policy{n:05d}" for n in range(3000)]
    text = "# source: test\n" + "".join(
        f"{name}\tarn:aws:iam::aws:policy/{name}\t[{{\"n\":{n}}}]\n"
        for n, name in enumerate(names))
    packed = _generator().pack(text.encode(), 1000)
    assert gzip.decompress(packed) == text.encode()  # any gzip reader reads one stream
    whole = _whole(packed)
    reader = _ManagedPolicies(packed)
    assert len(reader._block_starts) > 50
    for name in ["", "A", "Policy00000", "Policy00000X", names[1500], names[-1], "Zed",
                 *names[::7]]:
        assert reader.get(name) == whole.get(name), name
    assert reader.everything() == whole


def test_a_truncated_or_bad_block_fails_every_look_up() -> None:
    text = ("# source: test\n" + "".join(f"P{n:04d}\tarn:{n}\t[]\n" for n in range(2000))
            ).encode()
    packed = _generator().pack(text, 1000)
    for cut in (packed[:-12], packed[:len(packed) // 2]):
        reader = _ManagedPolicies(cut)
        for _again in range(2):
            with pytest.raises(EOFError):
                reader.get("P1999")
    bad = _ManagedPolicies(_generator().pack(text.replace(b"P1000\tarn:1000", b"P1000"), 1000))
    for _again in range(2):
        with pytest.raises(ValueError):
            bad.get("P1000")
    assert bad.get("P0001") == ("arn:1", "[]")  # another block
