"""Search: a DynamoDB filter expression built from the query string, eval of a sort key, the whole event logged."""

import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    term = params.get("q", "")
    result = TABLE.scan(FilterExpression="contains(title, " + term + ")")
    items = result["Items"]
    sort_key = params.get("sort", "lambda item: item['id']")
    items.sort(key=eval(sort_key))
    print(event)  # the whole request goes to the logs, its Authorization header with it
    return {"statusCode": 200, "body": str(items)}
