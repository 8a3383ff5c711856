"""Thumbnails: the S3 object key reaches a shell, and the output goes back to the same bucket."""

import os
import subprocess

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        s3.download_file(bucket, key, "/tmp/" + key)
        subprocess.run(f"convert /tmp/{key} -resize 128x128 /tmp/thumb.png", shell=True)
        os.system("rm -f /tmp/" + key)
        s3.upload_file("/tmp/thumb.png", bucket, "thumbs/" + key)
