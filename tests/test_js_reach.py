"""analysis.js.reach: a Node.js handler is credited with the AWS calls of the code it can
run only, not with those of every function of every file its module graph holds (a
barrel file's other exports, another handler of its file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.scan import scan
from tests.rules.conftest import FIXTURES, Case, check_case

_SERVERLESS = """\
service: reach
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    QUEUE_URL: !Ref Jobs
    TABLE: !Ref Items
functions:
  show:
    handler: {handler}
resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
    Items:
      Type: AWS::DynamoDB::Table
"""
_ITEMS = """\
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");
const ddb = new DynamoDBClient({});
exports.getItem = (id) => ddb.send(new GetItemCommand({ TableName: process.env.TABLE,
  Key: { id: { S: id } } }));
"""
_JOBS = """\
const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");
const sqs = new SQSClient({});
exports.sendJob = (job) => sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL,
  MessageBody: JSON.stringify(job) }));
"""
_SHOW = """\
const {{ getItem }} = require("{spec}");
exports.show = async (event) => ({{ body: JSON.stringify(await getItem(event.id)) }});
"""
GET, SEND = "dynamodb:GetItem", "sqs:SendMessage"


def _actions(root: Path, files: dict[str, str], handler: str = "handler.show") -> set[str]:
    (root / "serverless.yml").write_text(_SERVERLESS.format(handler=handler))
    files = {"lib/items.js": _ITEMS, "lib/jobs.js": _JOBS, **files}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    result = scan(str(root))
    return {a for c in result.facts.aws_calls["serverless.yml#show"] for a in c.actions}


@pytest.mark.parametrize("barrel", [
    'module.exports = {\n  ...require("./items"),\n  ...require("./jobs"),\n};\n',
    'export { getItem } from "./items";\nexport { sendJob } from "./jobs";\n',
    'export * from "./items";\nexport * from "./jobs";\n',
    'const items = require("./items");\nconst { sendJob } = require("./jobs");\n'
    "module.exports = { getItem: items.getItem, sendJob };\n",
], ids=["cjs-spread", "esm-named", "esm-star", "cjs-object"])
def test_a_barrel_lends_only_the_export_imported(tmp_path: Path, barrel: str) -> None:
    files = {"lib/index.js": barrel, "handler.js": _SHOW.format(spec="./lib")}
    assert _actions(tmp_path, files) == {GET}


@pytest.mark.parametrize("name", ["serverless-pos-node-barrel", "serverless-neg-node-barrel"])
def test_fixture(name: str) -> None:
    """FG-PERM-101 on the grant only a barrel's other export uses, silent when used."""
    check_case(Case("FG-PERM-101", FIXTURES / "FG-PERM-101" / name))


def test_the_export_imported_through_a_barrel_is_credited(tmp_path: Path) -> None:
    files = {"lib/index.js": 'export * from "./items";\nexport * from "./jobs";\n',
             "handler.ts": 'import { sendJob } from "./lib";\n'
                           "export const show = async (e: any) => sendJob(e);\n"}
    assert _actions(tmp_path, files) == {SEND}


def test_another_handler_of_the_file_is_not_credited(tmp_path: Path) -> None:
    files = {"handler.mjs": 'import { getItem } from "./lib/items.js";\n'
                            'import { sendJob } from "./lib/jobs.js";\n'
                            "export async function show(event) { return getItem(event.id); }\n"
                            "export const enqueue = async (event) => sendJob(event);\n"}
    assert _actions(tmp_path, files) == {GET}


@pytest.mark.parametrize("handler", [
    # a whole module imported, a require in a function body, a wrapper, code run on load,
    # exports written in a way not read (Object.assign): all of it may run
    'const lib = require("./lib/index");\nexports.show = async (e) => lib.getItem(e.id);\n',
    'exports.show = async (e) => {\n  const { sendJob } = require("./lib/jobs");\n'
    '  return require("./lib/items").getItem(e.id);\n};\n',
    'const middy = require("@middy/core");\nconst { getItem } = require("./lib/items");\n'
    'const { sendJob } = require("./lib/jobs");\n'
    "const main = async (e) => { await sendJob(e); return getItem(e.id); };\n"
    "exports.show = middy(main);\n",
    'const { getItem } = require("./lib/items");\nconst { sendJob } = require("./lib/jobs");\n'
    'sendJob({ started: true });\nexports.show = async (e) => getItem(e.id);\n',
    'const { getItem } = require("./lib/opaque");\nexports.show = async (e) => getItem(e.id);\n',
], ids=["namespace", "nested-require", "wrapper", "on-load", "opaque"])
def test_what_may_run_is_credited(tmp_path: Path, handler: str) -> None:
    files = {"lib/index.js": 'export * from "./items";\nexport * from "./jobs";\n',
             "lib/opaque.js": 'Object.assign(module.exports, require("./items"), '
                              'require("./jobs"));\n',
             "handler.js": handler}
    assert _actions(tmp_path, files) == {GET, SEND}


def test_python_packages_lend_nothing_either(tmp_path: Path) -> None:
    """The Python analysis runs what the handler calls: `from lib import get_item`, with
    lib/__init__.py importing the module that sends to SQS, credits GetItem only."""
    (tmp_path / "serverless.yml").write_text(
        _SERVERLESS.format(handler="handler.show").replace("nodejs20.x", "python3.12"))
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text(
        "from .items import get_item\nfrom .jobs import send_job\n")
    (tmp_path / "lib" / "items.py").write_text(
        "import os\n\nimport boto3\n\ntable = boto3.resource('dynamodb').Table("
        "os.environ['TABLE'])\n\n\ndef get_item(key):\n"
        "    return table.get_item(Key={'id': key})\n")
    (tmp_path / "lib" / "jobs.py").write_text(
        "import os\n\nimport boto3\n\n\ndef send_job(job):\n    boto3.client('sqs')."
        "send_message(QueueUrl=os.environ['QUEUE_URL'], MessageBody=job)\n")
    (tmp_path / "handler.py").write_text(
        "from lib import get_item\n\n\ndef show(event, context):\n"
        "    return get_item(event['id'])\n")
    result = scan(str(tmp_path))
    assert {a for c in result.facts.aws_calls["serverless.yml#show"] for a in c.actions} \
        == {GET}
