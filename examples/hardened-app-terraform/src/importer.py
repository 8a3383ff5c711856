"""Importer: SQS messages are JSON, validated, never unpickled."""

import json

import yaml

REQUIRED = {"id", "total"}


def handler(event, context):
    for record in event["Records"]:
        payload = json.loads(record["body"])
        if not isinstance(payload, dict) or not REQUIRED <= payload.keys():
            raise ValueError("malformed import record")
        attribute = record.get("messageAttributes", {}).get("settings", {})
        settings = yaml.safe_load(attribute.get("stringValue", "{}"))
        print("imported order", payload["id"], "settings keys", sorted(settings or {}))
