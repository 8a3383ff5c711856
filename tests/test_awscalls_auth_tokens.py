"""Database login tokens signed by the SDK on the client side (`rds.generate_db_auth_token`,
Aurora DSQL's): no request leaves the function, but the database accepts the token only
when the function's role allows the connect action, so the call needs it."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from faasguard.analysis import aws_sdk
from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache

HANDLER = '''
import boto3

rds = boto3.client("rds")
dsql = boto3.client("dsql")


def handler(event, context):
    token = rds.generate_db_auth_token(DBHostname="db.example", Port=5432,
                                       DBUsername="app")
    admin = dsql.generate_db_connect_admin_auth_token("cluster.example", "us-east-1")
    user = dsql.generate_db_connect_auth_token("cluster.example", "us-east-1")
    rds.close()
    return token, admin, user
'''


def _calls(tmp_path: Path, text: str) -> list:
    (tmp_path / "app.py").write_text(text)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler")
    assert calls is not None
    return calls


def test_login_tokens_need_the_connect_actions(tmp_path: Path) -> None:
    calls = _calls(tmp_path, HANDLER)
    assert [(c.method, c.actions, c.via, c.line) for c in calls] == [
        ("generate_db_auth_token", ("rds-db:connect",), "presigned", 9),
        ("generate_db_connect_admin_auth_token", ("dsql:DbConnectAdmin",), "presigned", 11),
        ("generate_db_connect_auth_token", ("dsql:DbConnect",), "presigned", 12),
    ]


def test_a_client_method_that_is_no_operation_is_no_call(tmp_path: Path) -> None:
    calls = _calls(tmp_path, HANDLER.replace("generate_db_auth_token", "can_paginate")
                   .replace("generate_db_connect_admin_auth_token", "close")
                   .replace("generate_db_connect_auth_token", "close"))
    assert calls == []


@pytest.mark.parametrize("service, methods", sorted(aws_sdk.table()["auth_tokens"].items()))
def test_the_table_names_methods_botocore_adds(service: str, methods: dict) -> None:
    client = boto3.client(service, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="y")
    assert all(callable(getattr(client, m, None)) for m in methods)
