"""Thumbnails: the object key never reaches a shell; output goes to a different bucket."""

import os
import subprocess
import uuid

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        local = f"/tmp/{uuid.uuid4()}"
        s3.download_file(bucket, key, local)
        subprocess.run(["convert", local, "-resize", "128x128", local + ".png"], check=True)
        s3.upload_file(local + ".png", os.environ["THUMBS_BUCKET"], f"{uuid.uuid4()}.png")
