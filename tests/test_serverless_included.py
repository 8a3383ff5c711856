"""What a serverless.yml declares in files it includes with `${file(...)}` is located there:
functions, their events and routes, statements, environment variables and resources, at
the included file (relative to the scanned root) and its own line."""

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"


def _where(element):
    return str(element.location)


def test_functions_of_included_files_are_located_in_them():
    # functions: - ${file(fns/orders.yml)}  - refund: ${file(fns/single.yml):refund}
    app = scan(str(FIXTURES / "included-functions")).app
    orders = app.functions["svc/serverless.yml#listOrders"]
    refund = app.functions["svc/serverless.yml#refund"]
    assert _where(orders) == "svc/fns/orders.yml:1"
    assert _where(refund) == "svc/fns/single.yml:3"  # its body there (the key is ours)
    assert orders.source_file == refund.source_file == "svc/handler.py"
    assert _where(orders.environment["TABLE"]) == "svc/fns/orders.yml:4"
    assert [_where(t) for t in orders.triggers] == ["svc/fns/orders.yml:10"]
    assert sorted((r.method, r.path, _where(r)) for r in app.routes) == [
        ("GET", "/orders", "svc/fns/orders.yml:10"),
        ("POST", "/refunds", "svc/fns/single.yml:5")]
    role = app.roles[orders.role or ""]
    assert _where(role) == "svc/fns/orders.yml:5"
    assert [str(s.location) for s in role.statements] == ["svc/fns/orders.yml:6"]
    assert _where(app.resources["svc/serverless.yml#OrdersTable"]) == "svc/fns/tables.yml:1"
    # what the main file declares itself stays there
    assert _where(app.roles["svc/serverless.yml#IamRoleLambdaExecution"]) == \
        "svc/serverless.yml:4"


def test_findings_on_included_elements_point_at_the_included_file():
    result = scan(str(FIXTURES / "included-functions"))
    by_rule = {(f.rule_id, str(f.location)) for f in result.findings}
    assert ("FG-PERM-002", "svc/fns/orders.yml:6") in by_rule  # dynamodb:* on *
    assert ("FG-AUTH-002", "svc/fns/orders.yml:10") in by_rule  # GET /orders, no authoriser
    assert ("FG-AUTH-002", "svc/fns/single.yml:5") in by_rule
    assert not any(f.location.line > 100 for f in result.findings)


def _service(root: Path, main: str, **files: str):
    (root / "serverless.yml").write_text(main)
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "h.py").write_text("def f(event, context):\n    return 1\n")
    return scan(str(root))


MAIN = "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"


def test_a_whole_functions_section_from_a_file(tmp_path):
    result = _service(tmp_path, MAIN + "functions: ${file(functions.yml)}\n",
                      **{"functions.yml": "\n\nf:\n  handler: h.f\n  events:\n"
                                          "    - sqs: arn:aws:sqs:us-east-1:1:q\n"})
    function = result.app.functions["serverless.yml#f"]
    assert _where(function) == "functions.yml:3"
    assert [_where(t) for t in function.triggers] == ["functions.yml:6"]
    assert not result.diagnostics


def test_provider_settings_and_resources_from_files(tmp_path):
    result = _service(
        tmp_path,
        MAIN + "  environment: ${file(conf/env.yml)}\n"
        "  iam:\n    role:\n      statements: ${file(conf/iam.yml):statements}\n"
        "functions:\n  f:\n    handler: h.f\n"
        "resources:\n  - ${file(conf/queue.yml)}\n",
        **{"conf__env.yml": "STAGE_NAME: dev\nTOKEN_TTL: '60'\n",
           "conf__iam.yml": "statements:\n  - Effect: Allow\n    Action: s3:GetObject\n"
                            "    Resource: arn:aws:s3:::docs/*\n",
           "conf__queue.yml": "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"})
    app = result.app
    function = app.functions["serverless.yml#f"]
    assert _where(function) == "serverless.yml:10"
    assert {k: _where(v) for k, v in function.environment.items()} == {
        "STAGE_NAME": "conf/env.yml:1", "TOKEN_TTL": "conf/env.yml:2"}
    role = app.roles["serverless.yml#IamRoleLambdaExecution"]
    assert [str(s.location) for s in role.statements] == ["conf/iam.yml:2"]
    assert _where(app.resources["serverless.yml#Jobs"]) == "conf/queue.yml:2"


def test_a_problem_inside_an_included_file_is_reported_there(tmp_path):
    result = _service(tmp_path, MAIN + "functions: ${file(functions.yml)}\n",
                      **{"functions.yml": "f:\n  handler: h.f\n  timeout: ${self:custom.nope}\n"})
    assert [(d.file, d.line, d.message) for d in result.diagnostics
            if d.code == "variables"] == [
        ("functions.yml", 3, "${self:custom.nope} names no value in the service's file; "
                             "value left unknown")]


def test_the_same_file_included_twice_locates_both_uses_in_it(tmp_path):
    # one shared events file, read for two functions: both point into it
    result = _service(
        tmp_path,
        MAIN + "functions:\n  a:\n    handler: h.f\n    events: ${file(events.yml)}\n"
        "  b:\n    handler: h.f\n    events: ${file(events.yml)}\n",
        **{"events.yml": "- schedule: rate(1 hour)\n"})
    functions = result.app.functions
    assert [_where(t) for t in functions["serverless.yml#a"].triggers] == ["events.yml:1"]
    assert [_where(t) for t in functions["serverless.yml#b"].triggers] == ["events.yml:1"]
    assert _where(functions["serverless.yml#a"]) == "serverless.yml:6"
