"""A deliberately vulnerable Chalice app (the Chalice twin of ../vulnerable-app): every
route is public, the views trust the request, and the role may do anything. Do not
deploy it."""

import os
import subprocess

import boto3
from chalice import Chalice

app = Chalice(app_name="orders-vulnerable")
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.route("/v2/orders/{order_id}", methods=["GET"])
def get_order(order_id):
    return TABLE.get_item(Key={"id": order_id}).get("Item", {})


@app.route("/v2/orders/{order_id}", methods=["DELETE"])
def delete_order(order_id):
    TABLE.delete_item(Key={"id": order_id})
    return {"deleted": order_id}


@app.route("/report", methods=["POST"])
def report():
    body = app.current_request.json_body
    output = subprocess.check_output("zip -r /tmp/report.zip " + body["folder"], shell=True)
    return {"size": len(output)}


@app.on_s3_event(bucket="orders-uploads-vulnerable", events=["s3:ObjectCreated:*"])
def thumbnail(event):
    os.system("convert /tmp/" + event.key + " -resize 128x128 /tmp/thumb.png")


@app.on_sqs_message(queue="orders-imports")
def importer(event):
    for record in event:
        exec(record.body)


@app.schedule("rate(1 hour)")
def nightly(event):
    return None
