"""The AWS-call interpreter tells a URL decoder of the event's object key (`unquote_plus`,
`unquote`, however imported) from any other unknown callee without building the callee's
dotted name (`aws_interp._url_decoder`): its answer is `Module.qualify(dotted_name(...))
in _URL_DECODERS`'s on every callee shape, and a key decoded through each spelling is
still the event's key."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

from faasguard.analysis import aws_interp
from faasguard.analysis.aws_interp import Interpreter
from faasguard.analysis.taint.modules import ModuleCache, dotted_name

IMPORTS = '''\
    import json
    import urllib
    import urllib.parse
    from urllib import parse
    from urllib import parse as p
    from urllib.parse import unquote, unquote_plus as uq
    from helpers import unquote_plus as local_unquote
'''

CALLEES = ["unquote(k)", "uq(k)", "unquote_plus(k)", "parse.unquote_plus(k)", "p.unquote(k)",
           "urllib.parse.unquote(k)", "urllib.parse.unquote_plus(k)", "json.loads(k)",
           "local_unquote(k)", "x.unquote(k)", "x.y.unquote_plus(k)", "f()(k)",
           "getattr(parse, 'unquote')(k)", "parse.quote(k)", "str(k)", "urllib.unquote(k)",
           "self.parse.unquote(k)", "record['s3'].unquote_plus(k)"]


def test_url_decoder_answers_as_the_qualified_dotted_name(tmp_path: Path) -> None:
    for imports in (IMPORTS, "", "import json\n"):
        text = dedent(imports) + "\n" + "\n".join(CALLEES) + "\n"
        (tmp_path / "mod.py").write_text(text, encoding="utf-8")
        module = ModuleCache(str(tmp_path)).get("mod.py")
        calls = [node.value for node in module.tree.body if isinstance(node, ast.Expr)]
        assert len(calls) == len(CALLEES)
        for call in calls:
            assert isinstance(call, ast.Call)
            expected = module.qualify(dotted_name(call.func)) in aws_interp._URL_DECODERS
            assert aws_interp._url_decoder(call.func, module) is expected, ast.unparse(call)


HANDLER = IMPORTS + '''\
    import boto3

    s3 = boto3.client("s3")

    def handler(event, context):
        record = event["Records"][0]
        s3.get_object(Bucket="b", Key=unquote(record["s3"]["object"]["key"]))
        s3.put_object(Bucket="b", Key=uq(record["s3"]["object"]["key"]), Body=b"")
        s3.delete_object(Bucket="b", Key=p.unquote(record["s3"]["object"]["key"]))
        s3.head_object(Bucket="b", Key=urllib.parse.unquote_plus(record["s3"]["object"]["key"]))
        s3.get_object_tagging(Bucket="b", Key=json.loads(record["s3"]["object"]["key"]))
        s3.get_object_acl(Bucket="b", Key=local_unquote(record["s3"]["object"]["key"]))
'''


def test_a_key_decoded_through_each_spelling_stays_the_events(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text(dedent(HANDLER), encoding="utf-8")
    cache = ModuleCache(str(tmp_path))
    module = cache.get("handler.py")
    calls = Interpreter(cache).run_handler(module, module.functions["handler"])
    keys = {call.operation: call.targets[0].key for call in calls}
    event_key = "Records.[].s3.object.key"
    assert [keys[op].event if keys[op] else None for op in (
        "GetObject", "PutObject", "DeleteObject", "HeadObject")] == [event_key] * 4
    # json.loads and a project function of the name give no part of the event
    assert keys["GetObjectTagging"] is not None and keys["GetObjectTagging"].event is None
    assert keys["GetObjectAcl"] is not None and keys["GetObjectAcl"].event is None
