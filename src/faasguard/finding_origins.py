"""Where a finding's element comes from, said in the finding once the rules have run.

- A finding located in a CDK asset folder (`cdk.out/asset.<hash>/`) that is no copy of a
  project folder (bundled code, or a source changed since the synth: see
  `analysis.cdk_assets`) is in generated code: its message says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from faasguard.analysis.cdk_assets import CDK_OUT, generated_note
from faasguard.findings import Finding
from faasguard.model import App


def note_origins(app: App, findings: Iterable[Finding]) -> None:
    """Add to each finding what its element's origin tells the user (in place)."""
    del app  # (what the loaders recorded is read here as origins are added)
    for finding in findings:
        file = finding.location.file
        if CDK_OUT in file and (note := generated_note(file)) is not None:
            finding.message = f"{finding.message.rstrip()} {note}"
