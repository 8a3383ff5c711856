"""Reading a file's first bytes cheaply, for the thousands of small files a scan reads."""

from __future__ import annotations

import errno
import os
import stat

#: Why a FIFO, socket or device is not read: a scan reads regular files only (a FIFO
#: would wait for a writer, a device may never end). Discovery's warning says it too.
NOT_REGULAR = "not a regular file (a FIFO, socket or device)"


def read_head(path: str, limit: int) -> bytes:
    """At most `limit` bytes from the start of the file at `path`.

    Read through the descriptor (a buffered file object costs several times the system
    calls' time for small files) and sized by the file, so a small file is not given a
    buffer of the whole limit: up to one byte past the size the file reports, and past
    that (procfs reports 0, a file may have grown since) on to the limit. The pieces of
    short reads are joined once: `+=` of each would copy all read so far, quadratic where
    a file system returns a page at a time. OSError (a missing file, a directory, no
    permission, not a regular file: `NOT_REGULAR`) is the caller's to handle.
    """
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
            raise OSError(errno.EINVAL, NOT_REGULAR, path)
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
