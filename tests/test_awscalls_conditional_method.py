"""A client method picked by a conditional expression and called later
(`fetch = client.a if flag else client.b; fetch(...)`) records both operations: which
one runs is decided at run time, and the role needs both."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.awscalls import calls_in_handler
from faasguard.analysis.taint.modules import ModuleCache

HANDLER = '''
import boto3

textract = boto3.client("textract")
table = boto3.resource("dynamodb").Table("jobs")


def status(job, analysis):
    fetch = (textract.get_document_analysis if analysis
             else textract.get_document_text_detection)
    return fetch(JobId=job)["JobStatus"]


def handler(event, context):
    same = table.get_item if event["a"] else table.get_item
    same(Key={"id": event["id"]})
    return status(event["job"], event.get("analysis"))
'''


def test_both_methods_a_conditional_picks_are_recorded(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(HANDLER)
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "app.py", "handler") or []
    assert sorted((c.line, c.operation) for c in calls) == [
        (11, "GetDocumentAnalysis"), (11, "GetDocumentTextDetection"), (16, "GetItem")]
