"""Generate src/faasguard/data/managed_policies.tsv.gz: AWS managed IAM policies -> statements.

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

The file holds one policy per line, `name<TAB>ARN<TAB>statements as compact JSON`, sorted
by name (`sorted`: str order, case-sensitive), after a first line `# source: ...`;
gzip-compressed in blocks of whole lines (`pack`): the compressor is flushed (a full
flush: nothing before it is needed to decompress what follows) at the start of each
block, and the gzip header's extra field (subfield `FG`) lists each block's first name
and where its compressed bytes start. The reader (`faasguard.loaders.policies.
_ManagedPolicies`) relies on that order and on the blocks: a look-up decompresses only
the block that holds the name asked for (a bare policy name in SAM `Policies`, or the
ARN of one SAM adds to every function's role), and parses the statements of only the few
policies the templates name: one line per policy lets it split the file without parsing
any JSON (a whole-file JSON document cost about 130 ms of each scan that read a SAM
template; reading up to `AWSLambdaBasicExecutionRole`, a quarter of the file, about 20
million instructions).
"""

from __future__ import annotations

import argparse
import gzip
import json
import struct
import sys
import zlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "faasguard" / "data"
DATA_FILE = "managed_policies.tsv.gz"
#: Text bytes per compressed block at least (`pack`): a look-up decompresses one block.
BLOCK_BYTES = 32 * 1024


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


def encode(data: dict[str, Any]) -> bytes:
    """The data file's text: the source line, then one line per policy."""
    lines = [f"# source: {data['source']}"]
    for name, entry in data["policies"].items():
        statements = json.dumps(entry["statements"], separators=(",", ":"), sort_keys=True)
        lines.append(f"{name}\t{entry['arn']}\t{statements}")
    return ("\n".join(lines) + "\n").encode()


def pack(text: bytes, block_bytes: int = BLOCK_BYTES) -> bytes:
    """`text` (the source line, then one line per policy, sorted by name) gzip-compressed
    in blocks of whole lines of at least `block_bytes`, each starting at a full flush of
    the compressor; the header's extra field (subfield `FG`) holds a line per block: its
    first policy name ("" for the first block, which also holds the source line), a tab,
    and the offset of its compressed bytes from the start of the compressed data. Any
    gzip reader decompresses it as one stream."""
    blocks: list[list[bytes]] = [[]]
    size = 0
    for line in text.splitlines(keepends=True):
        if size >= block_bytes:
            blocks.append([])
            size = 0
        blocks[-1].append(line)
        size += len(line)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = bytearray()
    index = []
    for number, lines in enumerate(blocks):
        if number:
            data += compressor.flush(zlib.Z_FULL_FLUSH)
        index.append(b"%s\t%d\n" % (lines[0].split(b"\t", 1)[0] if number else b"", len(data)))
        data += compressor.compress(b"".join(lines))
    data += compressor.flush(zlib.Z_FINISH)
    listed = b"".join(index)
    extra = b"FG" + struct.pack("<H", len(listed)) + listed
    header = b"\x1f\x8b\x08\x04" + struct.pack("<IBBH", 0, 2, 255, len(extra)) + extra
    trailer = struct.pack("<II", zlib.crc32(text), len(text) & 0xFFFFFFFF)
    return header + bytes(data) + trailer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args(argv)
    data = build()
    text = encode(data)
    target = DATA_DIR / DATA_FILE
    if args.check:
        # compare the text: compressed bytes may differ between zlib builds
        current = gzip.decompress(target.read_bytes()) if target.exists() else b""
        if current != text:
            print(f"{target} is stale; run scripts/gen_managed_policies.py", file=sys.stderr)
            return 1
        return 0
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pack(text))
    print(f"wrote {target} ({target.stat().st_size:,} bytes, "
          f"{len(data['policies'])} policies)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
