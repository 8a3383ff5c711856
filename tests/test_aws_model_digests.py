"""Digests of botocore service models stored for later scans (aws_models.digest): read
back only for the very files they were made from, never in place of a changed model."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from faasguard.analysis import aws_models, aws_sdk


def _fresh() -> None:
    """Forget what this process cached of the models (as a new scan starts)."""
    for cached in (aws_sdk.service, aws_sdk.known, aws_models.versions,
                   aws_models.search_paths):
        cached.cache_clear()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("FAASGUARD_CACHE_DIR", str(tmp_path / "cache"))
    _fresh()
    yield
    monkeypatch.undo()  # the next test's models, whatever this one's AWS_DATA_PATH was
    _fresh()


def _no_model_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def read(*args: object) -> None:
        raise AssertionError(f"model read: {args}")

    monkeypatch.setattr(aws_models, "read", read)


def _stored(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("botocore/*.json"))


def test_a_later_scan_reads_the_stored_digest_not_the_model(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = aws_sdk.service("dynamodb")
    assert first is not None and first.operations["put_item"] == "PutItem"
    assert [p.name.split(".")[:2] for p in _stored(tmp_path)] == [["dynamodb", "service-2"]]
    _fresh()
    _no_model_read(monkeypatch)
    again = aws_sdk.service("dynamodb")
    assert again == first  # name, prefix, operations in the model's order, structures
    assert list(again.operations) == list(first.operations)
    assert again.shape_members("PutItemInput") == first.shape_members("PutItemInput")


def _fake_service(root: Path, operations: list[str]) -> None:
    folder = root / "models" / "fakesvc" / "2020-01-01"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service-2.json").write_text(json.dumps({
        "metadata": {"signingName": "fake", "endpointPrefix": "fakesvc"},
        "operations": {op: {"name": op} for op in operations},
        "shapes": {"In": {"type": "structure", "members": {"Name": {"shape": "S"}}},
                   "S": {"type": "string"}}}))


def test_a_changed_model_is_read_again(monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    _fake_service(tmp_path, ["GetThing"])
    first = aws_sdk.service("fakesvc")
    assert first is not None and first.prefix == "fake"
    assert first.operations == {"get_thing": "GetThing"}
    assert first.structures == {"In": ("Name",)}
    _fake_service(tmp_path, ["GetThing", "PutThing"])  # another size, a later time
    model = tmp_path / "models" / "fakesvc" / "2020-01-01" / "service-2.json"
    os.utime(model, ns=(model.stat().st_atime_ns, model.stat().st_mtime_ns + 10**9))
    _fresh()
    changed = aws_sdk.service("fakesvc")
    assert changed is not None
    assert changed.operations == {"get_thing": "GetThing", "put_thing": "PutThing"}
    # a model given in another folder is other files: not the stored digest either
    other = tmp_path / "elsewhere"
    _fake_service(other, ["ListThings"])
    monkeypatch.setenv("AWS_DATA_PATH", str(other / "models"))
    _fresh()
    moved = aws_sdk.service("fakesvc")
    assert moved is not None and moved.operations == {"list_things": "ListThings"}


@pytest.mark.parametrize("damage", ["not json", "no identity", "another identity",
                                    "not a digest"])
def test_a_damaged_digest_is_made_again_from_the_model(tmp_path: Path, damage: str) -> None:
    first = aws_sdk.service("sqs")
    (stored,) = _stored(tmp_path)
    identity = json.loads(stored.read_text())["identity"]
    stored.write_text({
        "not json": "{not json",
        "no identity": json.dumps({"digest": ["sqs", {"send": "Send"}, {}]}),
        "another identity": json.dumps({"identity": identity.replace("sqs", "sns"),
                                        "digest": ["sqs", {"send": "Send"}, {}]}),
        "not a digest": json.dumps({"identity": identity,
                                    "digest": ["sqs", {"send_message": 1}, {}]}),
    }[damage])
    _fresh()
    assert aws_sdk.service("sqs") == first


def test_nothing_is_stored_without_a_folder_to_store_in(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FAASGUARD_CACHE_DIR", "")
    first = aws_sdk.service("sns")
    assert first is not None and first.operations["publish"] == "Publish"
    assert not (tmp_path / "cache").exists()
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv("FAASGUARD_CACHE_DIR", str(blocked))
    _fresh()
    assert aws_sdk.service("sns") == first
    assert blocked.read_text() == "a file where the folder would be"


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    monkeypatch.delenv("FAASGUARD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert aws_models.cache_folder() == str(tmp_path / "xdg" / "faasguard")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert aws_models.cache_folder() == str(tmp_path / "home" / ".cache" / "faasguard")
