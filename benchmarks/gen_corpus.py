"""Generate a synthetic serverless project tree with N functions, for benchmarks.

Half the projects are Serverless Framework services, half SAM templates; each has
FUNCTIONS_PER_PROJECT functions with a Python handler file each (some with an injection
flow, some clean), HTTP/SQS/S3/schedule triggers, IAM statements and environment.

    python benchmarks/gen_corpus.py OUT_DIR --functions 1000
"""

from __future__ import annotations

import argparse
import os
import random

FUNCTIONS_PER_PROJECT = 10

HANDLER_VULNERABLE = '''"""Generated handler {i}."""
import json
import os
import subprocess

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t"))


def helper_{i}(value):
    return "item-" + value


def handler(event, context):
    body = json.loads(event.get("body") or "{{}}")
    name = helper_{i}(body.get("name", ""))
    subprocess.run("echo " + name, shell=True)
    TABLE.put_item(Item={{"id": name}})
    return {{"statusCode": 200, "body": json.dumps({{"ok": True}})}}
'''

HANDLER_CLEAN = '''"""Generated handler {i}."""
import json
import os

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "t"))


def handler(event, context):
    for record in event.get("Records", []):
        item = json.loads(record["body"])
        TABLE.put_item(Item={{"id": str(int(item["id"]))}})
    return {{"processed": len(event.get("Records", []))}}
'''


def _serverless(project: int, count: int, rng: random.Random) -> str:
    lines = [
        f"service: svc-{project}",
        "provider:",
        "  name: aws",
        "  runtime: python3.12",
        "  stage: ${opt:stage, 'dev'}",
        f"  memorySize: {rng.choice([128, 256, 512, 1024])}",
        f"  timeout: {rng.choice([6, 30, 120])}",
        "  environment:",
        "    TABLE: ${self:service}-${sls:stage}-table",
        "  iam:",
        "    role:",
        "      statements:",
        "        - Effect: Allow",
        "          Action: [dynamodb:PutItem, dynamodb:GetItem]",
        "          Resource: !GetAtt Table.Arn",
        "functions:",
    ]
    for j in range(count):
        lines += [f"  fn{j}:", f"    handler: src/h{j}.handler"]
        kind = j % 4
        if kind == 0:
            lines += ["    events:", "      - httpApi:", f"          path: /items/{j}",
                      "          method: post"]
        elif kind == 1:
            lines += ["    events:", "      - sqs:", "          arn: !GetAtt Queue.Arn"]
        elif kind == 2:
            lines += ["    events:", "      - schedule: rate(1 hour)"]
        else:
            lines += ["    events:", "      - http:", f"          path: /legacy/{j}",
                      "          method: get", "          authorizer: aws_iam"]
    lines += [
        "resources:",
        "  Resources:",
        "    Table:",
        "      Type: AWS::DynamoDB::Table",
        "      Properties:",
        "        BillingMode: PAY_PER_REQUEST",
        "    Queue:",
        "      Type: AWS::SQS::Queue",
    ]
    return "\n".join(lines) + "\n"


def _sam(project: int, count: int, rng: random.Random) -> str:
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Globals:",
        "  Function:",
        "    Runtime: python3.12",
        f"    MemorySize: {rng.choice([128, 256, 512])}",
        "    Timeout: 30",
        "Resources:",
        "  Table:",
        "    Type: AWS::DynamoDB::Table",
        "    Properties:",
        "      BillingMode: PAY_PER_REQUEST",
    ]
    for j in range(count):
        lines += [
            f"  Fn{j}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      CodeUri: src/",
            f"      Handler: h{j}.handler",
            "      Environment:",
            "        Variables:",
            "          TABLE: !Ref Table",
            "      Policies:",
            "        - DynamoDBCrudPolicy:",
            "            TableName: !Ref Table",
            "      Events:",
            "        Api:",
            "          Type: Api",
            "          Properties:",
            f"            Path: /p{project}/f{j}",
            f"            Method: {rng.choice(['get', 'post', 'delete'])}",
        ]
    return "\n".join(lines) + "\n"


def generate(out: str, functions: int, seed: int = 7) -> dict[str, int]:
    """Write the corpus; returns counts of projects, IaC files and handler files."""
    rng = random.Random(seed)
    projects = max(1, (functions + FUNCTIONS_PER_PROJECT - 1) // FUNCTIONS_PER_PROJECT)
    made = 0
    handlers = 0
    for project in range(projects):
        count = min(FUNCTIONS_PER_PROJECT, functions - made)
        if count <= 0:
            break
        folder = os.path.join(out, f"project-{project:05d}")
        src = os.path.join(folder, "src")
        os.makedirs(src, exist_ok=True)
        if project % 2 == 0:
            with open(os.path.join(folder, "serverless.yml"), "w") as handle:
                handle.write(_serverless(project, count, rng))
        else:
            with open(os.path.join(folder, "template.yaml"), "w") as handle:
                handle.write(_sam(project, count, rng))
        for j in range(count):
            body = HANDLER_VULNERABLE if (project + j) % 3 == 0 else HANDLER_CLEAN
            with open(os.path.join(src, f"h{j}.py"), "w") as handle:
                handle.write(body.format(i=j))
            handlers += 1
        made += count
    return {"projects": projects, "iac_files": projects, "handler_files": handlers,
            "functions": made}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.out, args.functions, args.seed))


if __name__ == "__main__":
    main()
