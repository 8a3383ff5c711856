"""analysis.js.reach (review of 095367a): code that runs a function its file exports
through `exports.<name>`, `module.exports.<name>` or `this.<name>`, and a CommonJS module
imported whole as a default (`import lib from "./lib"`), keep the AWS calls they make."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.conftest import FIXTURES, Case, check_case
from tests.test_js_reach import GET, SEND, _actions

_SQS = """\
const { getItem } = require("./lib/items");
const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
const sqs = new SQSClient({});
"""
_ENQUEUE = "sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: job }))"


@pytest.mark.parametrize("handler", [
    _SQS + f"exports.enqueue = (job) => {_ENQUEUE};\n"
    "exports.show = async (event) => { await exports.enqueue(event.id); "
    "return getItem(event.id); };\n",
    _SQS + f"module.exports.enqueue = (job) => {_ENQUEUE};\n"
    "module.exports.show = async (event) => { await module.exports.enqueue(event.id); "
    "return getItem(event.id); };\n",
    _SQS + "module.exports = {\n"
    "  async show(event) { await this.enqueue(event.id); return getItem(event.id); },\n"
    f"  async enqueue(job) {{ return {_ENQUEUE}; }},\n}};\n",
], ids=["exports", "module-exports", "this"])
def test_a_sibling_export_run_through_exports_is_credited(tmp_path: Path,
                                                          handler: str) -> None:
    assert _actions(tmp_path, {"handler.js": handler}) == {GET, SEND}


def test_a_sibling_export_nobody_runs_is_not_credited(tmp_path: Path) -> None:
    handler = _SQS + f"exports.enqueue = (job) => {_ENQUEUE};\n" \
        "exports.show = async (event) => getItem(event.id);\n"
    assert _actions(tmp_path, {"handler.js": handler}) == {GET}


def test_a_commonjs_barrel_imported_as_a_default_is_credited_whole(tmp_path: Path) -> None:
    files = {"lib/index.js": 'module.exports = {\n  ...require("./items"),\n'
             '  ...require("./jobs"),\n};\n',
             "handler.js": 'import lib from "./lib";\nexport const show = async (event) => '
             "{ await lib.sendJob(event); return lib.getItem(event.id); };\n"}
    assert _actions(tmp_path, files) == {GET, SEND}


@pytest.mark.parametrize("name", ["serverless-pos-node-exports-self",
                                  "serverless-neg-node-exports-self"])
def test_fixture(name: str) -> None:
    """FG-PERM-101 on the grant of an export nobody runs, silent when the handler runs it
    as `exports.enqueue(...)`."""
    check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101" / name))
