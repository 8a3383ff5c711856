"""The guarded twins of examples/vulnerable-app stop the exploits the app is built to show."""

from __future__ import annotations

import base64
import importlib.util
import pickle
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote_plus

import jwt
import pytest
from guard_events import rest_v1, s3, sqs

from faasguard.runtime import InputRejected, SandboxViolation

GUARDED = Path(__file__).resolve().parents[2] / "examples" / "vulnerable-app" / "guarded"
SECRET = "demo-secret-demo-secret-demo-secret!"


def load(name: str) -> ModuleType:
    """Import one guarded handler module from its file (once per test session)."""
    if f"guarded_{name}" in sys.modules:
        return sys.modules[f"guarded_{name}"]
    spec = importlib.util.spec_from_file_location(f"guarded_{name}", GUARDED / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def orders(monkeypatch: pytest.MonkeyPatch,
           tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    monkeypatch.setenv("DB_PASSWORD", "pw")
    monkeypatch.setenv("ORDERS_DB", str(tmp_path_factory.getbasetemp() / "orders.db"))
    module = load("orders")
    module.DB.rollback()
    module.DB.execute("CREATE TABLE IF NOT EXISTS orders (id TEXT, item TEXT)")
    module.DB.execute("DELETE FROM orders")
    module.DB.executemany("INSERT INTO orders VALUES (?, ?)", [("o-1", "mug"), ("o-2", "tea")])
    module.DB.commit()
    return module


def _get(order_id: str) -> dict[str, Any]:
    event = rest_v1(None, path_params={"id": order_id})
    event["httpMethod"] = "GET"
    return event


def test_orders_injection_blocked_benign_served(orders: ModuleType) -> None:
    assert orders.get_order(_get("o-1"), None)["body"] == '[["o-1", "mug"]]'
    leaked = orders.get_order(_get("x' OR '1'='1"), None)
    assert leaked["statusCode"] == 400 and "tea" not in leaked["body"]


def test_orders_delete_needs_mfa(orders: ModuleType) -> None:
    def delete(headers: dict[str, str]) -> dict[str, Any]:
        event = rest_v1(None, path_params={"id": "o-2"}, headers=headers)
        event.update(httpMethod="DELETE", path="/v2/orders/o-2")
        return orders.delete_order(event, None)

    def bearer(**claims: Any) -> dict[str, str]:
        body = {"sub": "u1", "aud": "orders-api", "exp": int(time.time()) + 60, **claims}
        return {"Authorization": "Bearer " + jwt.encode(body, SECRET, algorithm="HS256")}

    assert delete({})["statusCode"] == 401
    assert delete(bearer())["statusCode"] == 403
    assert delete(bearer(amr=["mfa"]))["statusCode"] == 204
    assert orders.DB.execute("SELECT count(*) FROM orders").fetchone() == (1,)


def test_report_refuses_system_paths(tmp_path: Path) -> None:
    report = load("report")
    template = tmp_path / "template.txt"
    template.write_text("daily")
    assert report.handler({"template": str(template)}, None) == {"report": "daily"}
    with pytest.raises(InputRejected):
        report.handler({"template": "/etc/passwd"}, None)
    with pytest.raises(InputRejected):
        report.handler({"template": str(tmp_path) + "/../../etc/shadow"}, None)


def test_importer_never_unpickles() -> None:
    importer = load("importer")
    payload = base64.b64encode(pickle.dumps({"evil": True})).decode()
    with pytest.raises(InputRejected) as caught:
        importer.handler(sqs(payload), None)
    assert caught.value.detector == "schema"


@pytest.fixture
def s3_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import moto  # the dev extra installs it

    for name, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    import boto3

    with moto.mock_aws():
        client = boto3.client("s3")
        client.create_bucket(Bucket="lambda-artifacts-deafc19498e3f2df")
        yield client


def test_thumbnail_shell_injection_meets_the_sandbox(s3_bucket: Any) -> None:
    thumbnail = load("thumbnail")
    key = "cat.png;touch faasguard-pwned"
    # S3 events carry the key URL-encoded, and this handler does not decode it
    s3_bucket.put_object(Bucket="lambda-artifacts-deafc19498e3f2df",
                         Key=quote_plus(key, safe="/"), Body=b"png")
    with pytest.raises(SandboxViolation):
        thumbnail.handler(s3(key), None)
    assert not Path("faasguard-pwned").exists()
    with pytest.raises(InputRejected):
        thumbnail.handler(s3("../../etc/cron.d/job"), None)
