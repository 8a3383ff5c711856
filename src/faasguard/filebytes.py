"""Reading a file's first bytes cheaply, for the thousands of small files a scan reads."""

from __future__ import annotations

import os
import stat

#: Why discovery skips a FIFO, socket or device met in a folder: a scan reads regular files.
NOT_REGULAR = "not a regular file (a FIFO, socket or device)"
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
#: How `read_head` opens a file (worked out once: `getattr` of a name `os` lacks, O_BINARY
#: off Windows, raises and catches an AttributeError on every call)
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0)


def read_head(path: str, limit: int) -> bytes:
    """At most `limit` bytes from the start of the file at `path`.

    Read through the descriptor (a buffered file object costs several times the system
    calls' time for small files) and sized by the file, so a small file is not given a
    buffer of the whole limit: up to one byte past the size the file reports, and past
    that (procfs reports 0, a file may have grown since) on to the limit. The pieces of
    short reads are joined once: `+=` of each would copy all read so far, quadratic where
    a file system returns a page at a time. OSError (a missing file, a directory, no
    permission) is the caller's to handle.

    A FIFO is opened without waiting for a writer (it would wait for ever when none
    comes), then read as a pipe: what a writer sends (`faasguard scan <(...)`), nothing
    when no writer is there.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if _NONBLOCK and not stat.S_ISREG(info.st_mode):
            os.set_blocking(fd, True)
        size = info.st_size
        want = min(size + 1, limit)
        pieces: list[bytes] = []
        got = 0
        while got < want:
            more = os.read(fd, want - got)
            if not more:
                break
            pieces.append(more)
            got += len(more)
            if got > size:
                want = limit
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)
    finally:
        os.close(fd)
