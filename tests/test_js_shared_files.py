"""Handlers that share files: the per-file passes (SDK calls, token decoding, the module
graph) run once per file, and every handler still gets its own facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.analysis.aws_values import AwsCall
from faasguard.analysis.facts import Facts
from faasguard.analysis.handlers import resolve
from faasguard.analysis.js import analyse_js, awssdk
from faasguard.analysis.js.parse import js_module_cache
from faasguard.model import App, EnvVar, Function, Location, SourceFile
from tests.compiled_support import pure_only

APP = """
const { store } = require("./lib/store");
exports.upload = async (event) => store(event.body);
exports.audit = async (event) => store("audit");
"""

STORE = """
const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
const jwt = require("jsonwebtoken");
const s3 = new S3Client({});
exports.store = async (body) => {
  const claims = jwt.decode(body);
  return s3.send(new PutObjectCommand({ Bucket: process.env.BUCKET, Key: "k", Body: claims }));
};
"""

OTHER = """
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");
const db = new DynamoDBClient({});
exports.handler = async () => db.send(new GetItemCommand({ TableName: "t", Key: {} }));
"""


def _app(root: Path) -> App:
    (root / "lib").mkdir()
    (root / "app.js").write_text(APP)
    (root / "lib" / "store.js").write_text(STORE)
    (root / "other.js").write_text(OTHER)
    app = App(root=str(root))
    for number, (name, handler, bucket) in enumerate(
            [("upload", "app.upload", "uploads"), ("audit", "app.audit", "audit-log"),
             ("other", "other.handler", None)], 1):
        where = Location("serverless.yml", number)
        function = Function(f"serverless.yml#{name}", where, "serverless",
                            runtime="nodejs20.x", handler=handler, code_dir=".")
        if bucket is not None:
            function.environment["BUCKET"] = EnvVar("BUCKET", bucket, where)
        app.functions[function.id] = function
    app.files += [SourceFile("app.js", "javascript"), SourceFile("lib/store.js", "javascript"),
                  SourceFile("other.js", "javascript")]
    return app


@pure_only("counts calls through a replaced awssdk._Finder.run")
def test_shared_files_are_read_once_and_each_handler_gets_its_facts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    real_run = awssdk._Finder.run

    def counted(finder: awssdk._Finder) -> list[AwsCall]:
        runs.append(finder.module.file)
        return real_run(finder)

    monkeypatch.setattr(awssdk._Finder, "run", counted)
    app, facts = _app(tmp_path), Facts()
    resolve(app, facts)
    analyse_js(app, facts)

    assert sorted(runs) == ["lib/store.js", "other.js"]  # once per file; app.js names no SDK
    buckets = {fid.split("#")[1]: [(c.operation, c.file, [t.resolved for t in c.targets])
                                   for c in calls]
               for fid, calls in facts.aws_calls.items()}
    assert buckets == {
        "upload": [("PutObject", "lib/store.js", ["uploads"])],
        "audit": [("PutObject", "lib/store.js", ["audit-log"])],
        "other": [("GetItem", "other.js", ["t"])],
    }
    decodes = sorted((d.function, d.location.file, d.location.line, d.how)
                     for d in facts.jwt_decodes)
    assert decodes == [("serverless.yml#audit", "lib/store.js", 6, "jsonwebtoken.decode"),
                       ("serverless.yml#upload", "lib/store.js", 6, "jsonwebtoken.decode")]
    cache = js_module_cache(app.root, facts)
    assert cache.graphs["app.js"] == ("app.js", "lib/store.js")
    assert cache.graphs["other.js"] == ("other.js",)


def test_a_verifying_file_clears_the_decodes_of_every_handler_that_reaches_it(
        tmp_path: Path) -> None:
    app = _app(tmp_path)
    (tmp_path / "app.js").write_text(APP + 'const tokens = require("jsonwebtoken");\n'
                                     'exports.check = (t) => tokens.verify(t, "k");\n')
    facts = Facts()
    resolve(app, facts)
    analyse_js(app, facts)
    assert facts.jwt_decodes == []
    assert [c.operation for c in facts.aws_calls["serverless.yml#upload"]] == ["PutObject"]
