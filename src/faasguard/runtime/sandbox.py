"""A minimal, honest sandbox for the handler: Python audit hooks, no monkey-patching.

While a guarded handler runs with `sandbox=True` (or a `Sandbox(...)`), these operations
raise `SandboxViolation` (a `PermissionError`):

- opening a file for writing, creating, removing, renaming, truncating or changing the
  mode of a path outside `write_paths` (default: `/tmp`, the only writable place on Lambda);
- starting a process (`subprocess`, `os.system`, `os.exec*`, `os.spawn*`, `os.posix_spawn`,
  `os.fork`) unless `allow_processes=True`.

How: `sys.addaudithook` (PEP 578) sees these operations inside the interpreter; the hook
is installed once per process, does nothing outside a guarded call, and enforces the
policy of the call that is running in every thread of the process (Lambda runs one
invocation per process at a time; threads the handler starts, such as the S3 transfer
manager's, are covered too).

What it does not do: it is not an isolation boundary. Native code (C extensions, ctypes)
can act without raising audit events; reads are not restricted; network access is not
restricted; code that catches PermissionError can carry on. On Lambda the file system
outside /tmp is read-only anyway: the value is in stopping an injected shell command or
a path-traversal write early, loudly, with a security event.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from faasguard.runtime.errors import SandboxViolation

_PATH_EVENTS = {
    "os.remove": 0, "os.rmdir": 0, "os.mkdir": 0, "os.truncate": 0, "os.chmod": 0,
    "os.chown": 0, "os.rename": 0, "os.link": 1, "os.symlink": 1, "shutil.rmtree": 0,
    "shutil.copyfile": 1, "shutil.move": 1, "os.utime": 0,
}
_PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.system", "os.exec", "os.spawn",
                             "os.posix_spawn", "os.fork", "os.forkpty", "pty.spawn"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

_active: Sandbox | None = None
_installed = False


class Sandbox:
    """The policy of one guarded handler.

    Parameters
    ----------
    write_paths: directories under which writes are allowed (default: /tmp).
    allow_processes: let the handler start processes (default False).
    """

    def __init__(self, write_paths: Iterable[str] = ("/tmp",),
                 allow_processes: bool = False) -> None:
        self.write_paths = tuple(os.path.realpath(p) for p in write_paths)
        self.allow_processes = allow_processes

    @contextmanager
    def active(self) -> Iterator[None]:
        """Enforce this policy in the current context for the duration of the block."""
        global _active
        _install()
        previous, _active = _active, self
        try:
            yield
        finally:
            _active = previous

    def allows_write(self, path: Any) -> bool:
        """True when `path` lies under one of the writable directories."""
        if isinstance(path, int):  # a file descriptor: already opened
            return True
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return any(real == root or real.startswith(root.rstrip("/") + "/")
                   for root in self.write_paths)

    def check(self, event: str, args: tuple[Any, ...]) -> None:
        """Raise `SandboxViolation` when the audited operation breaks the policy."""
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and bool(flags & _WRITE_FLAGS))
            if writing and not self.allows_write(path):
                raise SandboxViolation(f"sandbox: write to {path!r} outside "
                                       f"{', '.join(self.write_paths)}")
        elif event in _PATH_EVENTS:
            path = args[_PATH_EVENTS[event]] if len(args) > _PATH_EVENTS[event] else None
            if not self.allows_write(path) or (
                    event in ("os.rename", "shutil.move") and len(args) > 1
                    and not self.allows_write(args[1])):
                raise SandboxViolation(f"sandbox: {event} on {path!r} outside "
                                       f"{', '.join(self.write_paths)}")
        elif event in _PROCESS_EVENTS and not self.allow_processes:
            raise SandboxViolation(f"sandbox: {event} is not allowed")


_in_hook: ContextVar[bool] = ContextVar("faasguard_sandbox_hook", default=False)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    policy = _active
    if policy is None or _in_hook.get():
        return
    token = _in_hook.set(True)  # realpath() may raise audit events of its own
    try:
        policy.check(event, args)
    finally:
        _in_hook.reset(token)


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def make_sandbox(option: Any) -> Sandbox | None:
    """The sandbox for the guard's `sandbox=` option (None/False, True, a dict, a Sandbox)."""
    if option is None or option is False:
        return None
    if option is True:
        return Sandbox()
    if isinstance(option, Sandbox):
        return option
    if isinstance(option, dict):
        return Sandbox(**option)
    raise ValueError(f"sandbox= takes True, False, a dict or a Sandbox, not {option!r}")
