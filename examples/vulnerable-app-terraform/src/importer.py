"""Importer: SQS messages are unpickled and YAML-loaded as they come."""

import base64
import pickle

import yaml


def handler(event, context):
    for record in event["Records"]:
        payload = pickle.loads(base64.b64decode(record["body"]))
        settings = yaml.load(record["messageAttributes"]["settings"]["stringValue"],
                             Loader=yaml.Loader)
        print("imported", payload, settings)
