"""serverless-lift `queue` constructs: the SQS queue and dead-letter queue Lift deploys
(encryption, redrive, FIFO, visibility timeout, the DLQ alarm, extensions) and the
worker's SQS event on that queue, as Lift's queue construct sets them."""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders.documents import load_file
from faasguard.loaders.serverless_lift import construct_resources
from faasguard.model import Ref
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"
FILE = "serverless.yml#"


def _result(folder: str = "lift-queues"):  # type: ignore[no-untyped-def]
    return scan(str(FIXTURES / folder))


def test_each_queue_construct_deploys_a_queue_and_its_dead_letter_queue():
    resources = _result().app.resources
    queue, dlq = resources[FILE + "jobsQueue"], resources[FILE + "jobsDlq"]
    assert (queue.kind, dlq.kind, str(queue.location)) == ("queue", "queue", "serverless.yml:11")
    assert queue.properties["redrive_policy"] == {
        "deadLetterTargetArn": Ref(FILE + "jobsDlq", "Arn"), "maxReceiveCount": 5}
    # no `encryption:`: SQS's own default for a new queue (SSE-SQS)
    assert (queue.encryption, queue.properties["default_encryption"]) == (None, "sse-sqs")
    # `kms`: a key Lift creates (no rotation); `kmsManaged`: the AWS-managed key
    vault = resources[FILE + "vaultQueue"]
    assert (vault.encryption, resources[FILE + "vaultDlq"].encryption) == \
        ("kms:vaultKey", "kms:vaultKey")
    assert resources[FILE + "vaultKey"].rotation is False
    assert resources[FILE + "reportsQueue"].encryption == "aws-managed"


def test_the_queue_settings_lift_writes():
    """What the model does not keep, read from the resources written for the loader."""
    config = load_file(str(FIXTURES / "lift-queues" / "serverless.yml")).data
    made = construct_resources(config, lambda key: key, lambda *_args: None)
    props = {logical: resource["Properties"] for logical, resource in made.items()}
    assert props["jobsQueue"]["VisibilityTimeout"] == 20 * 6 + 5  # worker timeout, window
    assert props["jobsDlq"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert (props["vaultQueue"]["FifoQueue"], props["vaultQueue"]["ContentBasedDeduplication"]) \
        == (True, True)
    assert props["vaultDlq"]["FifoQueue"] is True
    assert props["reportsQueue"]["VisibilityTimeout"] == 6 * 6  # the framework's 6 s
    assert props["reportsQueue"]["DelaySeconds"] == 60
    # the `dlq` extension is merged into the dead-letter queue
    assert props["reportsDlq"]["MessageRetentionPeriod"] == 345600


def test_the_dead_letter_queue_alarm():
    alarms = _result().app.alarms
    assert [(a.id, a.metric, a.namespace, a.dimensions) for a in alarms] == [
        (FILE + "jobsAlarm", "ApproximateNumberOfMessagesVisible", "AWS/SQS",
         {"QueueName": Ref(FILE + "jobsDlq", "QueueName")})]


def test_the_worker_reads_the_queue_lift_deploys():
    app = _result().app
    [trigger] = app.functions[FILE + "jobsWorker"].triggers
    assert (trigger.kind, trigger.source) == ("sqs", Ref(FILE + "jobsQueue", "Arn"))
    assert (trigger.properties["batchSize"], trigger.properties["maximumBatchingWindow"],
            trigger.properties["functionResponseType"]) == (10, 5, "ReportBatchItemFailures")
    [vault] = app.functions[FILE + "vaultWorker"].triggers
    assert vault.properties["batchSize"] == 1  # Lift's default
    # ${construct:jobs.dlqUrl} names the dead-letter queue
    assert app.functions[FILE + "audit"].environment["FAILED_URL"].value == \
        Ref(FILE + "jobsDlq")


def _findings(result, rule_id: str) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.location.line, f.subject, f.confidence) for f in result.findings
            if f.rule_id == rule_id]


def test_lift_lets_each_worker_send_to_its_own_queue():
    """Lift's automatic permissions let every function of the service send to every
    queue construct's queue, the worker to its own trigger included. The workers' code is
    read in full and sends nothing: no loop (FG-WALLET-004 needs a write; the grant no code
    uses is FG-PERM-101's finding). Without automatic permissions (the twin), the role
    grants nothing."""
    assert _findings(_result(), "FG-WALLET-004") == []
    assert [s for _line, s, _c in _findings(_result(), "FG-PERM-101")] == [
        "unused-role:IamRoleLambdaExecution"]
    assert _findings(_result("lift-queues-own-permissions"), "FG-WALLET-004") == []
    # the unbounded trigger is named by its queue, not '<unknown: construct:...>'
    assert [s for _line, s, _c in _findings(_result(), "FG-WALLET-005")] == [
        "sqs-trigger:jobsWorker:jobsQueue", "sqs-trigger:vaultWorker:vaultQueue",
        "sqs-trigger:reportsWorker:reportsQueue"]
