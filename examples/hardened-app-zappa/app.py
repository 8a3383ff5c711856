"""The hardened Flask app deployed with Zappa (the twin of ../vulnerable-app-zappa): the
API requires IAM-signed requests, ids are validated, no shell, no unsafe
deserialisation, and thumbnails go to a different bucket than the one that triggers them."""

import json
import os
import re
import subprocess
import uuid

import boto3
from flask import Flask, abort

app = Flask(__name__)
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")
ORDER_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
REQUIRED = {"id", "total"}


def _order_id(order_id):
    if not ORDER_ID.match(order_id):
        abort(400)
    return order_id


@app.route("/v2/orders/<order_id>", methods=["GET"])
def get_order(order_id):
    item = TABLE.get_item(Key={"id": _order_id(order_id)}).get("Item")
    if item is None:
        abort(404)
    return item


@app.route("/v2/orders/<order_id>", methods=["DELETE"])
def delete_order(order_id):
    TABLE.delete_item(Key={"id": _order_id(order_id)})
    return {"deleted": True}


def thumbnail(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        local = f"/tmp/{uuid.uuid4()}"
        s3.download_file(bucket, key, local)
        subprocess.run(["convert", local, "-resize", "128x128", local + ".png"], check=True)
        s3.upload_file(local + ".png", os.environ["THUMBS_BUCKET"], f"{uuid.uuid4()}.png")


def importer(event, context):
    for record in event["Records"]:
        payload = json.loads(record["body"])
        if not isinstance(payload, dict) or not REQUIRED <= payload.keys():
            raise ValueError("malformed import record")
        print("imported order", payload["id"])
