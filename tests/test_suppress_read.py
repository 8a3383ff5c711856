"""CommentIndex reads each file once, sized by the file, and only its first
MAX_COMMENT_FILE_BYTES: a comment past the limit suppresses nothing."""

from __future__ import annotations

import os
import threading

import pytest

from faasguard import suppress
from faasguard.suppress import CommentIndex


@pytest.mark.parametrize("filler, found", [(10, True), (200, False)])
def test_comment_within_the_limit_only(tmp_path, monkeypatch, filler, found):
    monkeypatch.setattr(suppress, "MAX_COMMENT_FILE_BYTES", 128)
    lines = ["x = 1"] * (filler // 6) + ["y = eval(b)  # faasguard: ignore[FG-INJ-002] ok"]
    (tmp_path / "h.py").write_text("\n".join(lines) + "\n")
    mark = CommentIndex(str(tmp_path)).lookup("h.py", len(lines), "FG-INJ-002")
    assert (mark is not None) is found
    if found:
        assert mark.reason == "ok"


def test_file_read_once_and_files_without_comments_keep_nothing(tmp_path, monkeypatch):
    (tmp_path / "plain.py").write_text("x = 1\n" * 50)
    (tmp_path / "marked.py").write_text("# faasguard:ignore FG-AUTH-001 reviewed\nUrl: x\n")
    opened: list[str] = []
    real_open = os.open

    def counting_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)  # how CommentIndex opens a file
    index = CommentIndex(str(tmp_path))
    for line in (1, 2, 3, 50):
        assert index.lookup("plain.py", line, "FG-AUTH-001") is None
    assert index.lookup("marked.py", 2, "FG-AUTH-001") is not None
    assert index.lookup("marked.py", 2, "FG-DATA-001") is None
    assert [p.rsplit("/", 1)[1] for p in opened] == ["plain.py", "marked.py"]
    assert index._files["plain.py"] == ([], {})


def test_missing_and_empty_files_suppress_nothing(tmp_path):
    (tmp_path / "empty.py").write_text("")
    index = CommentIndex(str(tmp_path))
    assert index.lookup("empty.py", 1, "FG-AUTH-001") is None
    assert index.lookup("gone.py", 3, "FG-AUTH-001") is None


def test_findings_in_files_without_comments_are_left_as_they_are(tmp_path):
    import faasguard.rules  # noqa: F401  (registers the rules)
    from faasguard.config import IgnoreEntry
    from faasguard.findings import make_finding
    from faasguard.model import Location
    from faasguard.suppress import apply_suppressions

    (tmp_path / "a.yml").write_text("Url: x\n")
    (tmp_path / "b.yml").write_text("# faasguard:ignore FG-AUTH-001 reviewed\nUrl: x\n")
    findings = [make_finding("FG-AUTH-001", "m", Location(name, 2), name)
                for name in ("a.yml", "b.yml")]
    assert apply_suppressions(iter(findings), str(tmp_path)) == []
    assert [f.suppressed for f in findings] == [None, "reviewed"]
    again = [make_finding("FG-AUTH-001", "m", Location("a.yml", 2), "a")]
    apply_suppressions(again, str(tmp_path), [IgnoreEntry("FG-AUTH-001", "*.yml", "legacy")])
    assert again[0].suppressed == "legacy"


def test_a_file_larger_than_its_reported_size_is_read_on(tmp_path, monkeypatch):
    """A file system that reports a size below the content (procfs-like, a file grown
    since): the read goes on to the limit, as the read of the limit did."""
    import os

    comment = "y = eval(b)  # faasguard: ignore[FG-INJ-002] ok\n"
    (tmp_path / "h.py").write_text("x = 1\n" * 20 + comment)
    real_fstat = os.fstat

    def small_fstat(fd):
        found = real_fstat(fd)
        return os.stat_result((found.st_mode, found.st_ino, found.st_dev, found.st_nlink,
                               found.st_uid, found.st_gid, 10, found.st_atime,
                               found.st_mtime, found.st_ctime))

    monkeypatch.setattr(suppress.os, "fstat", small_fstat)
    mark = CommentIndex(str(tmp_path)).lookup("h.py", 21, "FG-INJ-002")
    assert mark is not None and mark.reason == "ok"


def test_short_reads_are_read_on(tmp_path, monkeypatch):
    """A read may return fewer bytes than asked (pipes, network file systems): the file
    is read on to its end, and a comment at its end still counts."""
    comment = "y = eval(b)  # faasguard: ignore[FG-INJ-002] ok\n"
    (tmp_path / "h.py").write_text("x = 1\n" * 20 + comment)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    mark = CommentIndex(str(tmp_path)).lookup("h.py", 21, "FG-INJ-002")
    assert mark is not None and mark.reason == "ok"


def test_every_descriptor_is_closed_read_or_not(tmp_path, monkeypatch):
    """A file read, a folder (opened, its read refused), a read failing midway: each
    suppresses what it can and its descriptor is closed."""
    import errno

    (tmp_path / "ok.py").write_text("# faasguard:ignore FG-AUTH-001 reviewed\nUrl: x\n")
    (tmp_path / "folder.py").mkdir()
    (tmp_path / "broken.py").write_text("# faasguard:ignore FG-AUTH-001 reviewed\nUrl: x\n")
    opened: list[int] = []
    closed: list[int] = []
    names: dict[int, str] = {}
    real_open, real_read, real_close = os.open, os.read, os.close

    def recording_open(path, *args, **kwargs):
        fd = real_open(path, *args, **kwargs)
        opened.append(fd)
        names[fd] = str(path)
        return fd

    def failing_read(fd, n):
        if names[fd].endswith("broken.py"):
            raise OSError(errno.EIO, "I/O error")
        return real_read(fd, min(n, 5))  # short reads on the way

    def recording_close(fd):
        closed.append(fd)
        real_close(fd)

    monkeypatch.setattr(os, "open", recording_open)
    monkeypatch.setattr(os, "read", failing_read)
    monkeypatch.setattr(os, "close", recording_close)
    index = CommentIndex(str(tmp_path))
    assert index.lookup("ok.py", 2, "FG-AUTH-001") is not None
    assert index.lookup("folder.py", 1, "FG-AUTH-001") is None
    assert index.lookup("broken.py", 2, "FG-AUTH-001") is None
    assert len(opened) == 3 and closed == opened


def test_read_ahead_reads_in_a_thread_and_lookups_wait_for_it(tmp_path, monkeypatch):
    """A scan reads the comments of every file while its rules run (`read_ahead`); the
    answers are the ones a read on demand gives, and a file not read ahead is read when
    asked for."""
    (tmp_path / "plain.py").write_text("x = 1\n")
    (tmp_path / "marked.py").write_text("# faasguard:ignore FG-AUTH-001 reviewed\nUrl: x\n")
    (tmp_path / "late.py").write_text("y = 2  # faasguard: ignore[FG-INJ-002] constant\n")
    readers: dict[str, str] = {}
    real_open = os.open

    def recording_open(path, *args, **kwargs):
        readers[os.path.basename(str(path))] = threading.current_thread().name
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    index = CommentIndex(str(tmp_path))
    index.read_ahead(["plain.py", "marked.py"])
    index._reading.join()  # (the thread has read both: what a scan's rules give it time for)
    assert index.lookup("marked.py", 2, "FG-AUTH-001").reason == "reviewed"
    assert index.lookup("plain.py", 1, "FG-AUTH-001") is None
    assert index.lookup("late.py", 1, "FG-INJ-002").reason == "constant"
    assert readers == {"plain.py": "faasguard-comments", "marked.py": "faasguard-comments",
                       "late.py": "MainThread"}


def test_the_first_lookup_stops_the_read_ahead_after_its_current_file(tmp_path, monkeypatch):
    """A scan with few findings needs few files: its first look-up stops the thread after
    the file being read, and reads what it needs itself."""
    names = [f"f{n}.py" for n in range(50)]
    for name in names:
        (tmp_path / name).write_text("z = 3  # faasguard: ignore[FG-INJ-002] fixed\n")
    started, release = threading.Event(), threading.Event()
    readers: dict[str, str] = {}
    real_open = os.open

    def blocking_open(path, *args, **kwargs):
        name = os.path.basename(str(path))
        readers[name] = threading.current_thread().name
        if name == "f0.py":
            started.set()
            release.wait(10)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", blocking_open)
    index = CommentIndex(str(tmp_path))
    index.read_ahead(names)
    assert started.wait(10)
    threading.Timer(0.2, release.set).start()  # the thread finishes f0.py after the stop
    assert index.lookup("f49.py", 1, "FG-INJ-002").reason == "fixed"
    assert readers["f0.py"] == "faasguard-comments"
    assert readers["f49.py"] == "MainThread"
    assert [n for n, who in readers.items() if who == "faasguard-comments"] == ["f0.py"]
