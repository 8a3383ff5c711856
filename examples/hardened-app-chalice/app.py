"""The hardened Chalice twin of ../vulnerable-app-chalice: every route behind a Cognito
authoriser, ids validated, no shell, no unsafe deserialisation, output written to a
different bucket than the one that triggers the thumbnailer."""

import json
import os
import re
import subprocess
import uuid

import boto3
from chalice import BadRequestError, Chalice, CognitoUserPoolAuthorizer, NotFoundError

app = Chalice(app_name="orders-hardened")
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")
ORDER_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
REQUIRED = {"id", "total"}

users = CognitoUserPoolAuthorizer(
    "OrdersUsers",
    provider_arns=["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Orders1"],
)


def _order_id(order_id):
    if not ORDER_ID.match(order_id):
        raise BadRequestError("invalid order id")
    return order_id


@app.route("/v2/orders/{order_id}", methods=["GET"],
           authorizer=users.with_scopes(["orders/read"]))
def get_order(order_id):
    item = TABLE.get_item(Key={"id": _order_id(order_id)}).get("Item")
    if item is None:
        raise NotFoundError("no such order")
    return item


@app.route("/v2/orders/{order_id}", methods=["DELETE"],
           authorizer=users.with_scopes(["orders/write"]))
def delete_order(order_id):
    TABLE.delete_item(Key={"id": _order_id(order_id)})
    return {"deleted": True}


@app.on_s3_event(bucket="orders-uploads-hardened", events=["s3:ObjectCreated:*"])
def thumbnail(event):
    local = f"/tmp/{uuid.uuid4()}"
    s3.download_file(event.bucket, event.key, local)
    subprocess.run(["convert", local, "-resize", "128x128", local + ".png"], check=True)
    s3.upload_file(local + ".png", os.environ["THUMBS_BUCKET"], f"{uuid.uuid4()}.png")


@app.on_sqs_message(queue="orders-imports-hardened")
def importer(event):
    for record in event:
        payload = json.loads(record.body)
        if not isinstance(payload, dict) or not REQUIRED <= payload.keys():
            raise ValueError("malformed import record")
        print("imported order", payload["id"])
