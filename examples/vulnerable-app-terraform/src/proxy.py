"""A forwarding proxy: server-side request forgery with TLS verification switched off."""

import requests

API_TOKEN = "ghp_Zq1uV9rTz0aB3cD4eF5gH6iJ7kL8mN9oP0qR"


def handler(event, context):
    target = event["queryStringParameters"]["url"]
    response = requests.get(target, verify=False, headers={"Authorization": API_TOKEN})
    return {"statusCode": response.status_code, "body": response.text}
