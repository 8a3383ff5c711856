"""S3 key filters reach `Trigger.key_filter` from each format's own shape (rules read only
the normalised pair)."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.key_filters import s3_key_filter


def test_both_shapes_and_unknowns() -> None:
    assert s3_key_filter({"rules": [{"prefix": "in/"}, {"suffix": ".csv"}]}) == ("in/", ".csv")
    assert s3_key_filter({"Filter": {"S3Key": {"Rules": [
        {"Name": "Prefix", "Value": "up/"}]}}}) == ("up/", "")
    assert s3_key_filter({"rules": [{"prefix": {"Ref": "P"}}]}) == ("", "")
    assert s3_key_filter({}) == ("", "")


def test_loaded_s3_triggers_carry_their_filter(tmp_path: Path) -> None:
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
        "  f:\n    handler: h.handler\n    events:\n      - s3:\n          bucket: b\n"
        "          rules:\n            - prefix: in/\n      - sqs: arn:aws:sqs:us-east-1:1:q\n")
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    filters = [(t.kind, t.key_filter) for t in app.functions["serverless.yml#f"].triggers]
    assert filters == [("s3", ("in/", "")), ("sqs", ("", ""))]
