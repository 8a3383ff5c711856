"""Order handlers, guarded: inspection blocks injected ids; DELETE needs a token with MFA."""

import json
import os
import sqlite3

from faasguard.runtime import guard

DB = sqlite3.connect(os.environ.get("ORDERS_DB", "/tmp/orders.db"))

# Issuer, audience and keys come from FAASGUARD_AUTH_* in production; HS256 for the demo.
AUTH = {
    "hs256_secret": os.environ.get("ORDERS_DEMO_SECRET", "demo-secret-demo-secret-demo-secret!"),
    "audience": "orders-api",
    "step_up": [{"routes": ["DELETE /v2/orders/*"], "amr": ["mfa"]}],
}


@guard()
def get_order(event, context):
    order_id = event["pathParameters"]["id"]
    cursor = DB.cursor()
    cursor.execute("SELECT * FROM orders WHERE id = '%s'" % order_id)
    return {"statusCode": 200, "body": json.dumps(cursor.fetchall())}


@guard(auth=AUTH, rate_limit="10/60", rate_limit_key="sub")
def delete_order(event, context):
    order_id = event["pathParameters"]["id"]
    DB.execute(f"DELETE FROM orders WHERE id = '{order_id}'")
    print(f"deleted {order_id} with password {os.environ['DB_PASSWORD']}")
    return {"statusCode": 204}
