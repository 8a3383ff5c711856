"""A deliberately vulnerable Chalice app (the Chalice twin of ../vulnerable-app): every
route is public, the views trust the request, and the role may do anything. Do not
deploy it."""

import base64
import os
import pickle
import sqlite3
import subprocess

import boto3
import requests
import yaml
from chalice import Chalice

app = Chalice(app_name="orders-vulnerable")
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
DB = sqlite3.connect("/tmp/orders.db")
s3 = boto3.client("s3")
API_TOKEN = "ghp_Zq1uV9rTz0aB3cD4eF5gH6iJ7kL8mN9oP0qR"


@app.route("/v1/orders/{order_id}", methods=["GET"])
@app.route("/v2/orders/{order_id}", methods=["GET"])
def get_order(order_id):
    cursor = DB.cursor()
    cursor.execute("SELECT * FROM orders WHERE id = '%s'" % order_id)
    item = TABLE.get_item(Key={"id": order_id}).get("Item", {})
    return {"item": item, "legacy": cursor.fetchall()}


@app.route("/v2/orders/{order_id}", methods=["DELETE"])
def delete_order(order_id):
    DB.execute(f"DELETE FROM orders WHERE id = '{order_id}'")
    TABLE.delete_item(Key={"id": order_id})
    print(f"deleted {order_id} with password {os.environ['DB_PASSWORD']}")
    return {"deleted": order_id}


@app.route("/search", methods=["GET"])
def search():
    params = app.current_request.query_params or {}
    term = params.get("q", "")
    items = TABLE.scan(FilterExpression="contains(title, " + term + ")")["Items"]
    items.sort(key=eval(params.get("sort", "lambda item: item['id']")))
    return {"items": items}


@app.route("/proxy", methods=["GET"])
def proxy():
    target = app.current_request.query_params["url"]
    response = requests.get(target, verify=False, headers={"Authorization": API_TOKEN})
    return {"status": response.status_code, "body": response.text}


@app.route("/report", methods=["POST"])
def report():
    body = app.current_request.json_body
    output = subprocess.check_output("zip -r /tmp/report.zip " + body["folder"], shell=True)
    return {"size": len(output)}


@app.on_s3_event(bucket="orders-uploads-vulnerable", events=["s3:ObjectCreated:*"])
def thumbnail(event):
    s3.download_file(event.bucket, event.key, "/tmp/" + event.key)
    os.system("convert /tmp/" + event.key + " -resize 128x128 /tmp/thumb.png")
    s3.upload_file("/tmp/thumb.png", "orders-uploads-vulnerable", "thumbs/" + event.key)


@app.on_sqs_message(queue="orders-imports")
def importer(event):
    for record in event:
        payload = pickle.loads(base64.b64decode(record.body))
        settings = yaml.load(record.body, Loader=yaml.Loader)
        print("imported", payload, settings)


@app.schedule("rate(1 hour)")
def nightly(event):
    path = event.to_dict().get("template", "/opt/report.txt")
    with open(path) as handle:
        return {"report": handle.read()}
