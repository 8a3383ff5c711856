"""What the Node.js analysis tests share."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.js.engine import JsAnalyzer
from faasguard.analysis.js.parse import JsModuleCache
from faasguard.analysis.js.table import js_table


def pruned_and_whole(root: Path, source: str) -> tuple[JsAnalyzer, JsAnalyzer]:
    """The handler of `source` (written to app.js under `root`) analysed as a scan does
    (`prune_tail`: what may be left out is), and in whole (nothing left out, every loop
    run twice when a binding changed)."""
    (root / "app.js").write_text(source)
    cache = JsModuleCache(str(root))
    module = cache.get("app.js")
    pruned = JsAnalyzer(js_table(), cache)
    ref = pruned.func_ref(pruned.module_exports(module)["handler"])
    assert ref is not None
    pruned.analyse(module, ref.node, "handler", prune_tail=True)
    whole = JsAnalyzer(js_table(), cache)
    whole.analyse(module, ref.node, "handler")
    return pruned, whole
