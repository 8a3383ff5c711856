"""Search, guarded: inspection on the query string, a per-client rate limit, a daily budget (the code flaws stay)."""

import os

import boto3

from faasguard.runtime import guard

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@guard(rate_limit="30/60", budget={"per_day": 50_000},
       store=os.environ.get("FAASGUARD_STORE", "memory:"))
def handler(event, context):
    params = event.get("queryStringParameters") or {}
    term = params.get("q", "")
    result = TABLE.scan(FilterExpression="contains(title, " + term + ")")
    items = result["Items"]
    sort_key = params.get("sort", "lambda item: item['id']")
    items.sort(key=eval(sort_key))
    print(event)  # the whole request goes to the logs, its Authorization header with it
    return {"statusCode": 200, "body": str(items)}
