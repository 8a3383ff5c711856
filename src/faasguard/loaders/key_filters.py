"""S3 object-key filters of S3 triggers, read from each format's own shape into
`Trigger.key_filter` (prefix, suffix), so rules never see the formats:

- serverless.yml `rules: [{prefix: in/}, {suffix: .csv}]` (the form the Chalice and Zappa
  loaders give too);
- SAM/CloudFormation `Filter: {S3Key: {Rules: [{Name: prefix, Value: in/}]}}` (the form
  the Terraform loader gives).

A value not known statically filters nothing ("").
"""

from __future__ import annotations

from typing import Any

from faasguard.model import App


def s3_key_filter(properties: dict[str, Any]) -> tuple[str, str]:
    """The (prefix, suffix) an S3 trigger's object keys must have ("" for none)."""
    pairs: list[tuple[Any, Any]] = []
    rules = properties.get("rules")
    for entry in rules if isinstance(rules, list) else ():
        if isinstance(entry, dict):
            pairs.extend(entry.items())
    s3_key = properties.get("Filter")
    s3_key = s3_key.get("S3Key") if isinstance(s3_key, dict) else None
    rules = s3_key.get("Rules") if isinstance(s3_key, dict) else None
    for entry in rules if isinstance(rules, list) else ():
        if isinstance(entry, dict):
            pairs.append((entry.get("Name"), entry.get("Value")))
    found = {str(name).lower(): value for name, value in pairs if isinstance(value, str)}
    return found.get("prefix", ""), found.get("suffix", "")


def fill_key_filters(app: App) -> None:
    """Set `key_filter` on every S3 trigger of a loaded App fragment."""
    for function in app.functions.values():
        for trigger in function.triggers:
            if trigger.kind == "s3":
                trigger.key_filter = s3_key_filter(trigger.properties)
