"""Importer, guarded: only JSON-object messages pass, so a pickled payload never is unpickled."""

import base64
import pickle

import yaml

from faasguard.runtime import guard


@guard(schema={"type": "object"})
def handler(event, context):
    for record in event["Records"]:
        payload = pickle.loads(base64.b64decode(record["body"]))
        settings = yaml.load(record["messageAttributes"]["settings"]["stringValue"],
                             Loader=yaml.Loader)
        print("imported", payload, settings)
