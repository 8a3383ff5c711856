"""Nightly report, guarded: a system path or ../ in the schedule input is refused."""

from faasguard.runtime import guard


@guard()
def handler(event, context):
    path = event.get("template", "/opt/report.txt")
    with open(path) as handle:
        return {"report": handle.read()}
