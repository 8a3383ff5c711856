"""AWS calls of functions handed to code the scan does not read (review of e136a45, r1):
a thread pool's `map`/`submit`, the builtin `map`, `threading.Thread(target=...)` may run
the function they are given, so its calls are the handler's. Before, none was followed:
the code looked read in full and silent, FG-PERM-101 called the grants unused, and since
e136a45 a worker whose callback sends back to its own queue was no loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.scan import scan

FIXTURE = Path(__file__).parent / "fixtures" / "rules" / "FG-WALLET-004" / \
    "serverless-pos-thread-pool-callback"

HEADER = '''\
import threading
from concurrent.futures import ThreadPoolExecutor

import boto3

sqs = boto3.client("sqs")
table = boto3.resource("dynamodb").Table("orders")


def _save(record):
    table.put_item(Item={"id": record["messageId"]})


class Forwarder:
    def send(self, record):
        sqs.send_message(QueueUrl="https://sqs.us-east-1.amazonaws.com/1/next", MessageBody="x")

'''


@pytest.mark.parametrize("body", [
    # a pool's map and submit, a bound method among them
    "    with ThreadPoolExecutor() as pool:\n"
    "        list(pool.map(_save, event['Records']))\n"
    "        pool.submit(Forwarder().send, event['Records'][0])\n",
    # the builtin map, a thread's target
    "    list(map(_save, event['Records']))\n"
    "    threading.Thread(target=Forwarder().send, args=(event,)).start()\n",
])
def test_functions_given_to_code_not_read_may_run(tmp_path: Path, body: str) -> None:
    (tmp_path / "app.py").write_text(HEADER + "def handler(event, context):\n" + body)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler")
    assert sorted((c.service, c.operation) for c in calls) == [
        ("dynamodb", "PutItem"), ("sqs", "SendMessage")]
    assert all(c.known for c in calls)


def test_a_loop_through_a_thread_pool_callback_is_reported() -> None:
    result = scan(str(FIXTURE))
    [loop] = [f for f in result.findings if f.rule_id == "FG-WALLET-004"]
    assert "its code writes back to it" in loop.message
    assert not [f for f in result.findings if f.rule_id == "FG-PERM-101"]
