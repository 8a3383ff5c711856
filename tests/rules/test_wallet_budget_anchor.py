"""FG-WALLET-007 (worst-case spend above the budget) is one finding about the app: it sits
at the top of the first template declaring an exposed function, so editing a function
(its memory: another function becomes the costliest) neither moves it nor changes its
fingerprint, and a baseline keeps it. It sat at the costliest function, in that
function's template: the edit made it new."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.findings import Finding
from faasguard.scan import scan

SERVICE = """service: {name}
provider:
  name: aws
  runtime: python3.12
functions:
  api:
    handler: h.handler
    memorySize: {memory}
    timeout: 29
    events:
      - httpApi: GET /{name}
"""


def _write(root: Path, orders_mb: int, reports_mb: int) -> None:
    for name, memory in (("orders", orders_mb), ("reports", reports_mb)):
        folder = root / name
        folder.mkdir(exist_ok=True)
        (folder / "serverless.yml").write_text(SERVICE.format(name=name, memory=memory))
        (folder / "h.py").write_text("def handler(event, context):\n    return None\n")


def _budget_finding(root: Path) -> Finding:
    [finding] = [f for f in scan(str(root), Options(budget_usd_per_day=10.0)).findings
                 if f.rule_id == "FG-WALLET-007"]
    return finding


def test_a_function_edit_keeps_the_budget_finding_where_it_was(tmp_path: Path) -> None:
    _write(tmp_path, orders_mb=128, reports_mb=3008)
    before = _budget_finding(tmp_path)
    assert (before.location.file, before.location.line) == ("orders/serverless.yml", 1)
    assert [text for _, text in before.related] == ["costliest function api"]
    assert before.related[0][0].file == "reports/serverless.yml"
    _write(tmp_path, orders_mb=3008, reports_mb=128)  # the other one is now the costliest
    after = _budget_finding(tmp_path)
    assert after.fingerprint == before.fingerprint
    assert (after.location.file, after.location.line) == ("orders/serverless.yml", 1)
    assert after.related[0][0].file == "orders/serverless.yml"
