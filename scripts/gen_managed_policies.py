"""Generate src/faasguard/data/managed_policies.json: AWS managed IAM policies -> statements.

Source: the AWS managed policy documents that the moto package ships
(`moto.iam.aws_managed_policies.aws_managed_policies_data`, a JSON snapshot of the
public AWS managed policies with their default version's document). Only what the
scanner needs is kept: for each policy its ARN (built from the policy's `Path` in the
`aws` partition) and the statements of its default version. The moto version used is
recorded in the output's `source` field; the committed file was generated from moto 5.2.1
(1,485 policies).

Regenerate after upgrading moto:

    python3 scripts/gen_managed_policies.py            # writes the data file
    python3 scripts/gen_managed_policies.py --check    # exits 1 when the file is stale

The output is gzip-compressed (`managed_policies.json.gz`) when the JSON is larger than
2 MB; the reader (`faasguard.loaders.policies`) accepts either file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "faasguard" / "data"
GZIP_ABOVE = 2 * 1024 * 1024


def build() -> dict[str, Any]:
    """The data file's content, from the installed moto package."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    raw = json.loads(aws_managed_policies_data)
    policies: dict[str, Any] = {}
    for name in sorted(raw):
        entry = raw[name]
        document = entry.get("Document") or {}
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        path = entry.get("Path") or "/"
        policies[name] = {"arn": f"arn:aws:iam::aws:policy{path}{name}",
                          "statements": statements}
    return {
        "source": f"moto {version('moto')} (moto.iam.aws_managed_policies), "
                  "default policy versions",
        "policies": policies,
    }


def encode(data: dict[str, Any]) -> tuple[str, bytes]:
    """The file name and bytes to write (compact JSON, gzipped when large)."""
    text = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    if len(text) > GZIP_ABOVE:
        return "managed_policies.json.gz", gzip.compress(text, mtime=0)
    return "managed_policies.json", text


def _content(name: str, payload: bytes) -> bytes:
    """The JSON text of a data file (compressed bytes may differ between zlib builds)."""
    if not payload:
        return b""
    return gzip.decompress(payload) if name.endswith(".gz") else payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args(argv)
    data = build()
    name, payload = encode(data)
    target = DATA_DIR / name
    if args.check:
        current = target.read_bytes() if target.exists() else b""
        if _content(name, current) != _content(name, payload):
            print(f"{target} is stale; run scripts/gen_managed_policies.py", file=sys.stderr)
            return 1
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for stale in ("managed_policies.json", "managed_policies.json.gz"):
        if stale != name and (DATA_DIR / stale).exists():
            (DATA_DIR / stale).unlink()
    target.write_bytes(payload)
    print(f"wrote {target} ({len(payload):,} bytes, {len(data['policies'])} policies)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
