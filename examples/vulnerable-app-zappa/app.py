"""A deliberately vulnerable Flask app deployed with Zappa (the Zappa twin of
../vulnerable-app): no authoriser, the views trust the request. Do not deploy it."""

import base64
import os
import pickle
import sqlite3
import subprocess

import boto3
import requests
import yaml
from flask import Flask, request

app = Flask(__name__)
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
DB = sqlite3.connect("/tmp/orders.db")
s3 = boto3.client("s3")
API_TOKEN = "ghp_Zq1uV9rTz0aB3cD4eF5gH6iJ7kL8mN9oP0qR"


@app.route("/v1/orders/<order_id>", methods=["GET"])
@app.route("/v2/orders/<order_id>", methods=["GET"])
def get_order(order_id):
    cursor = DB.cursor()
    cursor.execute("SELECT * FROM orders WHERE id = '%s'" % order_id)
    item = TABLE.get_item(Key={"id": order_id}).get("Item", {})
    return {"item": item, "legacy": cursor.fetchall()}


@app.route("/v2/orders/<order_id>", methods=["DELETE"])
def delete_order(order_id):
    DB.execute(f"DELETE FROM orders WHERE id = '{order_id}'")
    TABLE.delete_item(Key={"id": order_id})
    print(f"deleted {order_id} with password {os.environ['DB_PASSWORD']}")
    return {"deleted": order_id}


@app.route("/search")
def search():
    term = request.args.get("q", "")
    items = TABLE.scan(FilterExpression="contains(title, " + term + ")")["Items"]
    items.sort(key=eval(request.args.get("sort", "lambda item: item['id']")))
    listing = subprocess.check_output("grep -r " + term + " /tmp/index", shell=True)
    return {"items": items, "listing": listing.decode()}


@app.route("/proxy")
def proxy():
    target = request.args["url"]
    response = requests.get(target, verify=False, headers={"Authorization": API_TOKEN})
    return {"status": response.status_code, "body": response.text}


def thumbnail(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        s3.download_file(bucket, key, "/tmp/" + key)
        os.system("convert /tmp/" + key + " -resize 128x128 /tmp/thumb.png")
        s3.upload_file("/tmp/thumb.png", bucket, "thumbs/" + key)


def importer(event, context):
    for record in event["Records"]:
        payload = pickle.loads(base64.b64decode(record["body"]))
        settings = yaml.load(record["messageAttributes"]["settings"]["stringValue"],
                             Loader=yaml.Loader)
        print("imported", payload, settings)


def report(event, context):
    path = event.get("template", "/opt/report.txt")
    with open(path) as handle:
        return {"report": handle.read()}
