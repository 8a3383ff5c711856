"""`awscalls._import_shape` (is an import indented, is one `import *`: what decides whether
`unseen_code` walks a module's statements) reads a text's `import`s from one `str.split`;
its answers are those of a search per occurrence (the reference below, the earlier code)
on edge cases and on every Python file of the package and of generated handlers."""

from __future__ import annotations

import re
from pathlib import Path

from faasguard.analysis import awscalls

_STAR = re.compile(r"import[ \t]{0,33}\*")


def _searched(source: str) -> tuple[bool, bool]:
    """The answer of a search per occurrence of `import` for its line's first character."""
    nested = False
    at = source.find("import")
    while at >= 0:
        line = source.rfind("\n", 0, at) + 1
        if source[line:line + 1] in (" ", "\t"):
            nested = True
            break
        at = source.find("import", at + 6)
    return nested, _STAR.search(source) is not None


CASES = [
    "", "import", "import os\n", " import os\n", "\timport os\n", "x = 1\n  import os",
    "import os\nimport sys\n", "from importlib import import_module\n",
    "from x import import_y, importer\n", " from x import import_y\n",
    "def f(): import os\n", "def f():\n    import os\n", "def f():\n\timport os\n",
    "s = 'import'\n", "s = '''\n  import in a string\n'''\n", "# import\n  # import\n",
    "important = 1\n", "if x:\n    important = 2\n", "from a \\\n    import b\n",
    "from a import (\n    b,\n    importer,\n)\n", "importimport\n", "import\nimport\n",
    "\nimport os", "from m import *\n", "from m import  \t*\n", "from m import " + " " * 40 + "*\n",
    "x = a * b\nimport os\n", "def f(*args):\n    import os\n", "import os  # *\n",
    "x = 1\r\n  import os\r\n", "import os\n\n\n    \nimport sys\n", "  \n" * 3 + "import os\n",
]


def test_edge_cases_answer_as_a_search_per_occurrence() -> None:
    for text in CASES:
        assert awscalls._import_shape(text) == _searched(text), repr(text)


def test_real_files_answer_as_a_search_per_occurrence() -> None:
    package = Path(awscalls.__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py"))
    assert len(files) > 100
    seen = {True: 0, False: 0}
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = awscalls._import_shape(text)
        assert found == _searched(text), path
        seen[found[0]] += 1
    assert seen[True] and seen[False]  # both answers met
