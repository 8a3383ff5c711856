"""Nightly report: reads a template path from the schedule's input."""


def handler(event, context):
    path = event.get("template", "/opt/report.txt")
    with open(path) as handle:
        return {"report": handle.read()}
