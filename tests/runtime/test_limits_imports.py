"""Auth, limits and stores import nothing heavy and nothing from the scanner side."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["jwt", "cryptography", "redis", "boto3", "botocore", "sqlite3", "urllib.request"]
SCANNER = ["faasguard.scan", "faasguard.loaders", "faasguard.rules", "faasguard.analysis",
           "faasguard.findings", "faasguard.model", "yaml"]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return set(json.loads(out))


def test_importing_auth_limits_and_stores_defers_drivers_and_crypto() -> None:
    modules = loaded_after(
        "import faasguard.runtime.auth, faasguard.runtime.limits, faasguard.runtime.stores"
    )
    assert "faasguard.runtime.limits" in modules
    assert not {m for m in HEAVY + SCANNER if m in modules}


def test_drivers_load_when_a_store_of_their_kind_is_built() -> None:
    modules = loaded_after(
        "from faasguard.runtime.limits import RateLimiter\n"
        "RateLimiter('memory:', 5, 60).hit('k')"
    )
    assert not {m for m in HEAVY + SCANNER if m in modules}
    assert "sqlite3" in loaded_after(
        "import tempfile\nfrom faasguard.runtime.stores import store_from_url\n"
        "store_from_url('sqlite:///' + tempfile.mkdtemp() + '/l.db')"
    )
