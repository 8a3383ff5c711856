"""The compiled build's group library binds its own symbols when linked (benchmarks/
mypyc_build.py's LINK_ARGS, -Bsymbolic): loading it then resolves only the symbols it
takes from Python and the C library, where its roughly 12,000 references to its own
functions and data were each looked up by name at every start of the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.compiled_support import compiled_only


@compiled_only("only the compiled build has a library to link")
@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("readelf") is None,
                    reason="needs Linux and readelf")
def test_the_group_library_is_linked_symbolic() -> None:
    import faasguard.scan  # noqa: F401  (loads the group library)

    groups = [module.__file__ for name, module in sys.modules.items()
              if name.endswith("__mypyc") and module.__file__]
    assert len(groups) == 1, groups
    dynamic = subprocess.run(["readelf", "--dynamic", groups[0]], capture_output=True,
                             text=True, check=True).stdout
    flags = [line for line in dynamic.splitlines() if "(FLAGS)" in line]
    assert flags and "SYMBOLIC" in flags[0].split(), dynamic
