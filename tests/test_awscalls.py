"""AWS calls in handler code: the fixture corpus (precision and recall of IAM actions),
resources named by the calls, and resolution through the App model."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from faasguard.analysis.aws_interp import expr_text
from faasguard.analysis.awscalls import calls_in_handler, resolve_target
from faasguard.analysis.privileges import policy_resource
from faasguard.analysis.taint.modules import ModuleCache
from faasguard.model import App, EnvVar, Function, Location, Ref, Trigger, Unknown

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "awscalls"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())["handlers"]


@pytest.fixture(scope="module")
def cache() -> ModuleCache:
    return ModuleCache(str(FIXTURES))


def _actions(cache: ModuleCache, file: str) -> set[str]:
    calls = calls_in_handler(cache, file, "handler")
    assert calls is not None, file
    return {a for call in calls if call.known for a in call.actions}


def test_corpus_has_thirty_handlers() -> None:
    assert len(EXPECTED) >= 30
    assert all((FIXTURES / name).is_file() for name in EXPECTED)


def test_precision_and_recall_of_actions(cache: ModuleCache) -> None:
    true_pos = false_pos = false_neg = 0
    misses = []
    for file, expected in EXPECTED.items():
        got, want = _actions(cache, file), set(expected["actions"])
        true_pos += len(got & want)
        false_pos += len(got - want)
        false_neg += len(want - got)
        if got != want:
            misses.append(f"{file}: extra {sorted(got - want)}, missing {sorted(want - got)}")
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(f"\nAWS call actions: precision {precision:.3f}, recall {recall:.3f} over "
          f"{len(EXPECTED)} handlers ({true_pos} true, {false_pos} extra, {false_neg} missed)")
    assert precision >= 0.95 and recall >= 0.95, misses


@pytest.mark.parametrize("file", sorted(f for f, e in EXPECTED.items() if "resources" in e))
def test_resources_named_by_the_calls(cache: ModuleCache, file: str) -> None:
    calls = calls_in_handler(cache, file, "handler") or []
    app = App()
    for action, text in EXPECTED[file]["resources"].items():
        found = set()
        for call in calls:
            if action in call.actions:
                for target in call.targets:
                    resolved = resolve_target(target, Function("f", Location("t", 1), "sam"),
                                              app)
                    target = type(target)(target.kind, target.name, target.key, resolved)
                    found.add(policy_resource(action, target, app).text)
        assert text in found, (file, action, found)


def test_incomplete_when_a_call_cannot_be_identified(cache: ModuleCache) -> None:
    calls = calls_in_handler(cache, "dynamic_service.py", "handler") or []
    assert [c.known for c in calls] == [False]
    for file, expected in EXPECTED.items():
        calls = calls_in_handler(cache, file, "handler") or []
        assert any(not c.known for c in calls) == expected.get("incomplete", False), file


def test_code_no_handler_reaches_is_not_counted(cache: ModuleCache) -> None:
    assert "s3:DeleteBucket" not in _actions(cache, "unreached.py")


def test_missing_handler_or_broken_file(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def handler(:\n")
    (tmp_path / "ok.py").write_text("def other(event, context):\n    pass\n")
    cache = ModuleCache(str(tmp_path))
    assert calls_in_handler(cache, "bad.py", "handler") is None
    assert calls_in_handler(cache, "ok.py", "handler") is None


def _function(env: dict[str, object], triggers: list[Trigger] | None = None) -> Function:
    where = Location("serverless.yml", 1)
    return Function("serverless.yml#fn", where, "serverless",
                    environment={k: EnvVar(k, v, where) for k, v in env.items()},
                    triggers=triggers or [])


def test_environment_variables_resolve_to_app_resources(cache: ModuleCache) -> None:
    from faasguard.model import DataResource

    app = App()
    app.resources["serverless.yml#Orders"] = DataResource(
        "serverless.yml#Orders", "table", Location("serverless.yml", 9), name="svc-orders")
    calls = calls_in_handler(cache, "ddb_table_crud.py", "handler") or []
    target = calls[0].targets[0]
    by_name = resolve_target(target, _function({"TABLE_NAME": "svc-orders"}), app)
    by_ref = resolve_target(target, _function({"TABLE_NAME": Ref("serverless.yml#Orders")}), app)
    missing = resolve_target(target, _function({}), app)
    assert by_name == Ref("serverless.yml#Orders") == by_ref
    assert isinstance(missing, Unknown) and "TABLE_NAME" in missing.text


def test_s3_event_bucket_is_the_trigger_bucket(tmp_path: Path) -> None:
    (tmp_path / "h.py").write_text(
        "import boto3\ns3 = boto3.client('s3')\n"
        "def handler(event, context):\n"
        "    for r in event['Records']:\n"
        "        s3.get_object(Bucket=r['s3']['bucket']['name'], Key=r['s3']['object']['key'])\n")
    calls = calls_in_handler(ModuleCache(str(tmp_path)), "h.py", "handler") or []
    target = calls[0].targets[0]
    trigger = Trigger("s3", "serverless.yml#fn", Location("serverless.yml", 3), source="uploads")
    assert resolve_target(target, _function({}, [trigger]), App()) == "uploads"
    unknown = resolve_target(target, _function({}), App())
    assert isinstance(unknown, Unknown)
    text = policy_resource("s3:GetObject", type(target)(target.kind, target.name, target.key,
                                                        unknown), App()).text
    assert text.startswith("arn:${AWS::Partition}:s3:::<") and "*" not in text.split("<")[0]


def test_handler_that_is_not_a_function_is_a_note(tmp_path: Path) -> None:
    from faasguard.scan import scan

    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "functions:\n  api:\n    handler: app.handler\n")
    (tmp_path / "app.py").write_text("import boto3\n\nhandler = object()\n")
    result = scan(str(tmp_path))
    notes = [d for d in result.diagnostics if d.code == "awscalls"]
    assert "serverless.yml#api" not in result.facts.aws_calls
    assert len(notes) == 1 and "not a plain function" in notes[0].message


@pytest.mark.parametrize("source", [
    "name", "a.b.c", "f()", "f(x, 'y', k=1, **more)", "t['id']", "t[x + 1]",
    "'echo ' + name", "a + b + c", "a + (b + c)", "'%s-%s' % (a, b)", "'%s' % a % b",
    "a - b", "a * b + c", "-1", "(1).real", "x[1:2]", "x[1, 2]", "f(*args)",
    "u'legacy'", "'it''s'", "\"quote ' inside\"", "'tab\\t'", "b'bytes'", "1.5", "None",
    "True", "f'{x}'", "(a + b).c", "(a + b)(c)", "[a][0]", "lambda: 1",
    "os.environ.get('TABLE', 't')", "os.getenv('X')",
])
def test_expression_text_is_unparse(source: str) -> None:
    """Names of resources computed by code carry the expression as written
    (`expr_text`): the same text as `ast.unparse`, built faster."""
    node = ast.parse(source, mode="eval").body
    assert expr_text(node) == ast.unparse(node)


def test_expression_text_over_the_fixture_handlers() -> None:
    checked = 0
    for path in FIXTURES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.expr):
                assert expr_text(node) == ast.unparse(node), (path, node.lineno)
                checked += 1
    assert checked > 500


def test_a_handler_that_reaches_no_aws_sdk_is_not_run(tmp_path: Path) -> None:
    from textwrap import dedent

    from faasguard.analysis.aws_interp import Interpreter

    (tmp_path / "plain.py").write_text(dedent('''\
        import json
        from helpers import shape

        def handler(event, context):
            return json.dumps(shape(event))
    '''))
    (tmp_path / "helpers.py").write_text("def shape(value):\n    return value\n")
    (tmp_path / "aws.py").write_text(dedent('''\
        from helpers import shape
        from store import save

        def handler(event, context):
            save(shape(event))
    '''))
    (tmp_path / "store.py").write_text(dedent('''\
        import boto3

        def save(item):
            boto3.client("sqs").send_message(QueueUrl="q", MessageBody=item)
    '''))
    cache = ModuleCache(str(tmp_path))
    plain, aws = cache.get("plain.py"), cache.get("aws.py")
    assert not Interpreter(cache).reaches_sdk(plain)
    assert Interpreter(cache).reaches_sdk(aws)  # through the local module it imports
    assert calls_in_handler(cache, "plain.py", "handler") == []
    assert [c.operation for c in calls_in_handler(cache, "aws.py", "handler") or []] == \
        ["SendMessage"]
