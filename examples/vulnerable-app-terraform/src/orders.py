"""Order handlers: SQL built from the request, and a delete with no authentication."""

import json
import os
import sqlite3

DB = sqlite3.connect("/tmp/orders.db")


def get_order(event, context):
    order_id = event["pathParameters"]["id"]
    cursor = DB.cursor()
    cursor.execute("SELECT * FROM orders WHERE id = '%s'" % order_id)
    return {"statusCode": 200, "body": json.dumps(cursor.fetchall())}


def delete_order(event, context):
    order_id = event["pathParameters"]["id"]
    DB.execute(f"DELETE FROM orders WHERE id = '{order_id}'")
    print(f"deleted {order_id} with password {os.environ['DB_PASSWORD']}")
    return {"statusCode": 204}
