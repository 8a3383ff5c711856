"""Order handlers: parameterised DynamoDB access, the id validated before use."""

import json
import os
import re

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
ORDER_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def _order_id(event):
    order_id = (event.get("pathParameters") or {}).get("id", "")
    if not ORDER_ID.match(order_id):
        return None
    return order_id


def get_order(event, context):
    order_id = _order_id(event)
    if order_id is None:
        return {"statusCode": 400, "body": "invalid order id"}
    item = TABLE.get_item(Key={"id": order_id}).get("Item")
    return {"statusCode": 200 if item else 404, "body": json.dumps(item or {})}


def delete_order(event, context):
    order_id = _order_id(event)
    if order_id is None:
        return {"statusCode": 400, "body": "invalid order id"}
    TABLE.delete_item(Key={"id": order_id})
    return {"statusCode": 204}
