"""The serverless.ts / serverless.js reader's modules (loaders/service_code*.py) use one
another's names through public names only: a name another module imports has no leading
underscore, so what is private to a module stays so. (service_code_changes imported six
private names of service_code_syntax, and the modules each other's.)"""

from __future__ import annotations

import ast
from pathlib import Path

LOADERS = Path(__file__).resolve().parents[1] / "src" / "faasguard" / "loaders"


def test_no_module_imports_a_private_name_of_another() -> None:
    private = []
    for path in sorted(LOADERS.glob("service_code*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module is not None and \
                    node.module.startswith("faasguard.loaders.service_code"):
                private += [f"{path.name}: {node.module}.{alias.name}"
                            for alias in node.names if alias.name.startswith("_")]
    assert private == []
