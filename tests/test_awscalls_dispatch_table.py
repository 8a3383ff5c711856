"""AWS calls through a dispatch table (review of e136a45, r1): `HANDLERS[job["type"]](job)`
or `HANDLERS.get(action)` picks a function of a dict by a key known at run time; each may
run, so the calls of each are the handler's. Before, none was followed: the analysis said
the code was read in full and made no call, so e136a45 took the role's grant on the
trigger's queue for no loop (the 'retry' function sends the job back) and FG-PERM-101
called the SendMessage grant unused."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.scan import scan

FIXTURE = Path(__file__).parent / "fixtures" / "rules" / "FG-WALLET-004" / \
    "serverless-pos-dispatch-table"

TWO_STEP = '''\
import boto3

sqs = boto3.client("sqs")
table = boto3.resource("dynamodb").Table("orders")


def _create(body):
    table.put_item(Item=body)


def _cancel(body):
    sqs.send_message(QueueUrl="https://sqs.us-east-1.amazonaws.com/1/cancel", MessageBody="x")


ACTIONS = {"create": _create, "cancel": _cancel}


def handler(event, context):
    action = ACTIONS.get(event["action"])
    if action is None:
        return {"statusCode": 400}
    action(event["body"])
    return {"statusCode": 200}
'''


def test_each_function_of_the_table_may_run() -> None:
    result = scan(str(FIXTURE))
    calls = result.facts.aws_calls["serverless.yml#worker"]
    assert [(c.service, c.operation) for c in calls] == [("sqs", "SendMessage")]
    assert all(c.known for c in calls)
    assert not [f for f in result.findings if f.rule_id == "FG-PERM-101"]


def test_a_function_picked_by_get_then_called(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(TWO_STEP)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler")
    assert sorted((c.service, c.operation) for c in calls) == [
        ("dynamodb", "PutItem"), ("sqs", "SendMessage")]
