"""A deliberately vulnerable Flask app deployed with Zappa (the Zappa twin of
../vulnerable-app): no authoriser, the views trust the request. Do not deploy it."""

import os
import subprocess

import boto3
from flask import Flask, request

app = Flask(__name__)
TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.route("/v2/orders/<order_id>", methods=["GET"])
def get_order(order_id):
    return TABLE.get_item(Key={"id": order_id}).get("Item", {})


@app.route("/v2/orders/<order_id>", methods=["DELETE"])
def delete_order(order_id):
    TABLE.delete_item(Key={"id": order_id})
    return {"deleted": order_id}


@app.route("/search")
def search():
    term = request.args["q"]
    return subprocess.check_output("grep -r " + term + " /tmp/index", shell=True)


def thumbnail(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    os.system("convert /tmp/" + key + " -resize 128x128 /tmp/thumb.png")


def report(event, context):
    return None
