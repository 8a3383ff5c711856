"""The SAM side of the CloudFormation loader: Globals, functions, generated roles with
policy templates and managed policies, events, implicit and explicit APIs with their
authorisers, OpenAPI definitions, and bad input.

Expected lines are looked up in the fixtures by the text written on them.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from test_loader_cloudformation import line_of, load_fixture

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.documents import parse
from faasguard.loaders.sam import merge_globals
from faasguard.model import App, Ref, Unknown
from faasguard.scan import scan

SAM = Path(__file__).resolve().parent / "fixtures" / "sam"
APP = SAM / "app"
TEMPLATE = APP / "template.yaml"


@pytest.fixture(scope="module")
def app() -> App:
    return load_fixture(APP, "template.yaml")


def q(logical: str) -> str:
    return f"template.yaml#{logical}"


def test_clean_template_has_no_diagnostics(app):
    assert app.diagnostics == []
    assert [(f.path, f.format) for f in app.files] == [("template.yaml", "sam")]


def test_environment_merged_from_globals_with_exact_lines(app):
    fn = app.functions[q("ListOrdersFunction")]
    env = fn.environment
    assert env["DB_PASSWORD"].value == "hunter2-plaintext"
    assert env["DB_PASSWORD"].location.line == line_of(TEMPLATE, "DB_PASSWORD:")
    assert env["TABLE_NAME"].value == Ref(q("OrdersTable"))
    # from Globals.Function, located in the Globals section, parameter default resolved
    assert env["STAGE"].value == "prod"
    assert env["STAGE"].location.line == line_of(TEMPLATE, "STAGE: !Ref Stage")
    assert env["LOG_LEVEL"].location.line == line_of(TEMPLATE, "LOG_LEVEL: INFO")


def test_function_settings(app):
    fn = app.functions[q("ListOrdersFunction")]
    assert fn.location.line == line_of(TEMPLATE, "  ListOrdersFunction:")
    assert (fn.runtime, fn.handler, fn.format) == ("python3.12", "app.list_orders", "sam")
    assert fn.code_dir == "src/orders"
    assert fn.memory_mb == 1024  # FindInMap with the Stage parameter's default
    assert fn.timeout_s == 30 and fn.tracing == "Active"  # Globals
    assert fn.architecture == "arm64"
    assert fn.reserved_concurrency == 20
    process = app.functions[q("ProcessOrderFunction")]
    assert process.timeout_s == 900  # the resource's value wins over Globals
    assert process.properties["condition"] == "IsProd"
    assert process.dlq == Ref(q("DeadLetters"), "Arn")
    public = app.functions[q("PublicFunction")]
    assert public.code_dir is None and "def handler" in public.properties["inline_code"]
    assert public.log_level == "DEBUG"


def test_generated_role_expands_policies_at_their_lines(app):
    fn = app.functions[q("ListOrdersFunction")]
    role = app.roles[q("ListOrdersFunctionRole")]
    assert fn.role == role.id
    assert role.managed_policy_arns == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ]
    (template,) = [s for s in role.statements if s.source == "sam-template:DynamoDBReadPolicy"]
    assert template.location.line == line_of(TEMPLATE, "- DynamoDBReadPolicy:")
    assert template.resources[0] == Ref(q("OrdersTable"), "Arn")
    assert "dynamodb:GetItem" in template.actions
    (star,) = [s for s in role.statements if s.source == "inline"]
    assert (star.actions, star.resources) == (("*",), ("*",))
    assert star.location.line == line_of(TEMPLATE, "- Effect: Allow")
    s3 = [s for s in role.statements
          if s.source == "managed:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    assert s3 and all(s.location.line == line_of(TEMPLATE, "- AmazonS3ReadOnlyAccess")
                      for s in s3)


def test_policy_template_actions_come_from_the_sam_translator_data(app):
    shipped = json.loads((resources.files("samtranslator") / "policy_templates_data" /
                          "policy_templates.json").read_text())["Templates"]
    role = app.roles[q("ProcessOrderFunctionRole")]
    (poller,) = [s for s in role.statements if s.source == "sam-template:SQSPollerPolicy"]
    assert list(poller.actions) == shipped["SQSPollerPolicy"]["Definition"]["Statement"][0][
        "Action"]
    assert poller.resources == (Ref(q("OrdersQueue"), "Arn"),)
    assert poller.location.line == line_of(TEMPLATE, "- SQSPollerPolicy:")


def test_administrator_access_gives_star_star_and_event_policies(app):
    role = app.roles[q("ProcessOrderFunctionRole")]
    admin = [s for s in role.statements
             if s.source == "managed:arn:aws:iam::aws:policy/AdministratorAccess"]
    assert [(s.actions, s.resources) for s in admin] == [(("*",), ("*",))]
    assert admin[0].location.line == \
        line_of(TEMPLATE, "- arn:aws:iam::aws:policy/AdministratorAccess")
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole" in \
        role.managed_policy_arns
    (dlq,) = [s for s in role.statements if s.source == "sam:dead-letter-queue"]
    assert dlq.actions == ("sqs:SendMessage",)
    assert dlq.resources == (Ref(q("DeadLetters"), "Arn"),)


def test_explicit_role_is_linked_and_not_generated(app):
    fn = app.functions[q("PublicFunction")]
    assert fn.role == q("PublicRole")
    assert q("PublicFunctionRole") not in app.roles


def test_function_url(app):
    url = app.functions[q("PublicFunction")].url
    assert url is not None and url.auth_type == "NONE"
    assert url.location.line == line_of(TEMPLATE, "AuthType: NONE")
    assert url.cors == {"AllowOrigins": ["*"]}


def test_event_triggers(app):
    triggers = {t.properties["event"]: t for t in app.functions[q("ProcessOrderFunction")].triggers}
    queue = triggers["Queue"]
    assert (queue.kind, queue.source, queue.max_concurrency, queue.asynchronous) == \
        ("sqs", Ref(q("OrdersQueue"), "Arn"), 5, False)
    assert queue.properties["BatchSize"] == 10
    assert queue.location.line == line_of(TEMPLATE, "        Queue:")
    stream = triggers["Stream"]
    assert (stream.kind, stream.source) == ("dynamodb-stream", Ref(q("OrdersTable"), "StreamArn"))
    assert (triggers["Nightly"].kind, triggers["Nightly"].asynchronous) == ("schedule", True)
    assert (triggers["Uploads"].kind, triggers["Uploads"].source) == \
        ("s3", Ref(q("UploadBucket")))
    assert triggers["Alerts"].kind == "sns" and triggers["Alerts"].asynchronous
    assert triggers["Bus"].kind == "eventbridge"


def _routes(app: App, api: str) -> dict[tuple[str, str], object]:
    return {(r.method, r.path): r for r in app.routes if r.api == q(api)}


def test_implicit_rest_api_with_default_authorizer_from_globals(app):
    api = app.apis[q("ServerlessRestApi")]
    assert api.implicit and api.kind == "rest" and api.stage == "Prod"
    assert api.default_authorizer is not None and api.default_authorizer.kind == "cognito"
    routes = _routes(app, "ServerlessRestApi")
    orders = routes[("GET", "/orders")]
    assert orders.function == q("ListOrdersFunction")
    assert orders.location.line == line_of(TEMPLATE, "ListOrders:")
    assert orders.authorizer is not None
    assert (orders.authorizer.kind, orders.authorizer.name, orders.authorizer.scopes) == \
        ("cognito", "OrdersCognito", ("orders/read",))
    assert orders.authorizer.location.line == line_of(TEMPLATE, "OrdersCognito:")
    health = routes[("GET", "/health")]
    assert health.authorizer is not None and health.authorizer.kind == "none"
    assert health.authorizer.location.line == line_of(TEMPLATE, "Authorizer: NONE")
    report = routes[("POST", "/admin/report")]
    assert report.authorizer is not None and report.authorizer.kind == "iam"
    assert report.api_key_required is True and orders.api_key_required is False
    trigger = [t for t in app.functions[q("ListOrdersFunction")].triggers if t.route is orders]
    assert len(trigger) == 1 and trigger[0].kind == "http"


def test_http_apis_implicit_and_explicit(app):
    implicit = app.apis[q("ServerlessHttpApi")]
    assert implicit.implicit and implicit.kind == "http"
    catchall = _routes(app, "ServerlessHttpApi")[("ANY", "$default")]
    assert catchall.authorizer is None
    partner = app.apis[q("PartnerApi")]
    assert not partner.implicit and partner.stage == "v1" and partner.access_logging
    assert partner.throttling is not None
    assert (partner.throttling.rate, partner.throttling.burst) == (100, 50)
    routes = _routes(app, "PartnerApi")
    item = routes[("GET", "/items/{id}")]
    assert item.throttling is not None and (item.throttling.rate, item.throttling.burst) == (2, 5)
    assert routes[("GET", "/public")].throttling is None
    assert item.authorizer is not None and item.authorizer.kind == "jwt"
    assert item.authorizer.identity_sources == ("$request.header.Authorization",)
    assert routes[("GET", "/public")].authorizer.kind == "none"


def test_data_resources_and_log_group_link(app):
    assert app.resources[q("OrdersTable")].encryption == "aws-managed"
    assert app.resources[q("OrdersTable")].name == "orders-prod"
    assert app.resources[q("OrdersQueue")].encryption == "aws-managed"  # alias/aws/sqs
    dead = app.resources[q("DeadLetters")]
    assert dead.encryption is None and dead.properties["sqs_managed_sse"] is False
    bucket = app.resources[q("UploadBucket")]
    assert bucket.public_access_block is True
    assert bucket.properties["default_encryption"] == "sse-s3"
    fn = app.functions[q("ListOrdersFunction")]
    assert (fn.log_group, fn.log_retention_days) == (q("ListOrdersLogs"), 14)


def test_merge_globals_like_sam():
    doc = parse("g:\n  Timeout: 3\n  Environment:\n    Variables: {A: '1', B: '2'}\n"
                "  Layers: [global-layer]\n  KmsKeyArn: {Ref: Key}\n"
                "r:\n  Timeout: 9\n  Environment:\n    Variables: {B: x}\n"
                "  Layers:\n    - own-layer\n  KmsKeyArn: {Fn::GetAtt: [Other, Arn]}\n").data
    merged = merge_globals(doc["g"], doc["r"])
    assert merged["Timeout"] == 9  # scalars: the resource's
    assert merged["Environment"]["Variables"] == {"A": "1", "B": "x"}  # mappings merge
    assert merged["Environment"]["Variables"].line_of("B") == 10
    assert merged.line_of("Timeout") == 8
    assert merged["Layers"] == ["global-layer", "own-layer"]  # lists: Globals first
    assert [merged["Layers"].line_of(i) for i in range(2)] == [5, 12]
    assert merged["KmsKeyArn"] == {"Fn::GetAtt": ["Other", "Arn"]}  # intrinsics: scalars


def test_ignore_globals(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Function:\n    Timeout: 30\n    MemorySize: 512\n"
        "Resources:\n"
        "  Some:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: [Timeout]\n"
        "    Properties: {Handler: a.b, Runtime: python3.12}\n"
        "  Every:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: '*'\n"
        "    Properties: {Handler: a.b, Runtime: python3.12}\n")
    app = load_fixture(tmp_path, "template.yaml")
    some, every = app.functions["template.yaml#Some"], app.functions["template.yaml#Every"]
    assert (some.timeout_s, some.memory_mb) == (None, 512)
    assert (every.timeout_s, every.memory_mb) == (None, None)



def test_policy_templates_met_again_are_placed_and_told_apart(tmp_path):
    """The same template with the same arguments in two functions: the same statements,
    each at its own function's line; other arguments (True is not 1): other statements."""
    def fn(name: str, bucket: str) -> str:
        return (f"  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                "      Handler: a.b\n      Runtime: python3.12\n      Policies:\n"
                f"        - S3ReadPolicy: {{BucketName: {bucket}}}\n"
                "        - AWSLambdaBasicExecutionRole\n")
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n"
        "  Bucket:\n    Type: AWS::S3::Bucket\n"
        + fn("One", "!Ref Bucket") + fn("Two", "!Ref Bucket") + fn("Three", "1")
        + fn("Four", "true"))
    app = load_fixture(tmp_path, "template.yaml")
    text = (tmp_path / "template.yaml").read_text().splitlines()

    def statements(logical: str, source: str) -> list:
        role = app.roles[f"template.yaml#{logical}Role"]
        return [s for s in role.statements if s.source == source]

    policy_lines = [i + 1 for i, line in enumerate(text) if "S3ReadPolicy" in line]
    for logical, line in zip(("One", "Two", "Three", "Four"), policy_lines, strict=True):
        found = statements(logical, "sam-template:S3ReadPolicy")
        assert found and {s.location.line for s in found} == {line}
    one, two = statements("One", "sam-template:S3ReadPolicy"), \
        statements("Two", "sam-template:S3ReadPolicy")
    assert [(s.actions, s.resources) for s in one] == [(s.actions, s.resources) for s in two]
    assert all(a is not b for a, b in zip(one, two, strict=True))  # copies, not shared
    assert Ref("template.yaml#Bucket", "Arn") in one[0].resources
    three, four = statements("Three", "sam-template:S3ReadPolicy"), \
        statements("Four", "sam-template:S3ReadPolicy")
    assert [s.resources for s in three] == [("arn:${AWS::Partition}:s3:::1",
                                             "arn:${AWS::Partition}:s3:::1/*")]
    assert [s.resources for s in four] == [("arn:${AWS::Partition}:s3:::${?}",
                                            "arn:${AWS::Partition}:s3:::${?}/*")]
    managed = [statements(n, "managed:arn:aws:iam::aws:policy/service-role/"
                             "AWSLambdaBasicExecutionRole") for n in ("One", "Two")]
    assert managed[0] and [s.actions for s in managed[0]] == [s.actions for s in managed[1]]
    assert {s.location.line for s in managed[0]} != {s.location.line for s in managed[1]}


# ---------------------------------------------------------------------- OpenAPI

OPENAPI = SAM / "openapi"
OPENAPI_TEMPLATE = OPENAPI / "template.yaml"
OPENAPI_FILE = OPENAPI / "api" / "openapi.yaml"


@pytest.fixture(scope="module")
def openapi() -> App:
    return load_fixture(OPENAPI, "template.yaml")


def _oq(logical: str) -> str:
    return f"template.yaml#{logical}"


def test_definition_body_routes_and_security(openapi):
    api = openapi.apis[_oq("PetsApi")]
    assert api.openapi is not None and "/pets" in api.openapi["paths"]
    assert api.openapi_location is not None and api.openapi_location.file == "template.yaml"
    assert (api.stage, api.endpoint_type, api.tracing, api.access_logging) == \
        ("live", "PRIVATE", True, True)
    assert api.usage_plan and api.api_key_required
    assert api.properties["resource_policy"] == {"SourceVpcWhitelist": ["vpc-1234"]}
    routes = {(r.method, r.path): r for r in openapi.routes if r.api == api.id}
    get = routes[("GET", "/pets")]
    assert get.from_openapi and get.function == _oq("PetsFunction")
    assert get.location.line == line_of(OPENAPI_TEMPLATE, "            get:")
    assert (get.authorizer.kind, get.authorizer.scopes) == ("cognito", ("pets/read",))
    any_method = routes[("ANY", "/pets/{id}")]
    assert any_method.authorizer.kind == "none"  # security: []
    assert routes[("GET", "/status")].function is None  # mock integration
    # POST /pets is written by SAM from the event: one route, the event's
    post = [r for r in openapi.routes if (r.api, r.method, r.path) == (api.id, "POST", "/pets")]
    assert len(post) == 1 and not post[0].from_openapi
    assert post[0].location.line == line_of(OPENAPI_TEMPLATE, "CreatePet:")


@pytest.mark.parametrize("api_id", ["FileApi", "IncludedApi"])
def test_definition_from_local_file_and_aws_include(openapi, api_id):
    api = openapi.apis[_oq(api_id)]
    assert api.openapi_location is not None
    assert api.openapi_location.file == "api/openapi.yaml"
    routes = {(r.method, r.path): r for r in openapi.routes if r.api == api.id}
    get = routes[("GET", "/orders")]
    assert get.location.file == "api/openapi.yaml"
    assert get.location.line == line_of(OPENAPI_FILE, "    get:")
    assert get.function == _oq("PetsFunction")
    assert get.authorizer.kind == "lambda-token"  # the definition's global security
    delete = routes[("DELETE", "/orders")]
    assert delete.api_key_required and delete.authorizer is None and delete.function is None


def test_definition_files_confined_to_the_root(openapi):
    escaping = openapi.apis[_oq("EscapingApi")]
    assert escaping.openapi is None
    warnings = [d for d in openapi.diagnostics if "outside the scanned folder" in d.message]
    assert [(d.line, d.level) for d in warnings] == [
        (line_of(OPENAPI_TEMPLATE, "DefinitionUri: ../../outside.yaml"), "warning")]
    assert openapi.apis[_oq("RemoteApi")].properties["definition_uri"] == \
        "s3://bucket/openapi.yaml"
    assert [f.path for f in openapi.files] == ["template.yaml", "api/openapi.yaml"]


# ---------------------------------------------------------------------- bad input

MALFORMED = SAM / "malformed"
MALFORMED_TEMPLATE = MALFORMED / "template.yaml"


def test_malformed_template_gives_located_warnings_and_goes_on():
    app = load_fixture(MALFORMED, "template.yaml")
    got = {(d.line, d.message) for d in app.diagnostics}
    at = lambda text: line_of(MALFORMED_TEMPLATE, text)  # noqa: E731
    expected = {
        (at("  Lambda:"), "Globals.Lambda is not a SAM globals section; ignored"),
        (at("NoType:"), "resource NoType has no Type; ignored"),
        (at("- Handler: app.handler") - 1,  # its Properties key
         "resource ListProperties: Properties should be a mapping; ignored"),
        (at("NotAMapping:"), "resource NotAMapping should be a mapping; ignored"),
        (at("CodeUri: ../../../elsewhere"),
         "code location '../../../elsewhere' is outside the scanned folder"),
        (at("- DynamoDBCrudPolicy:"), "policy template DynamoDBCrudPolicy has no parameter Extra"),
        (at("- S3ReadPolicy: {}"), "policy template S3ReadPolicy is missing parameter BucketName"),
        (at("- NotARealManagedPolicy"),
         "'NotARealManagedPolicy' is neither an AWS managed policy nor a policy ARN"),
        (at("Broken: not-a-mapping"), "event Broken needs a Type; ignored"),
        (at("NoPath:"), "event NoPath: Api events need a Path and a Method; ignored"),
        (at("Authorizer: Missing"),
         "authorizer 'Missing' is not defined in the API's Auth.Authorizers"),
    }
    assert expected <= got
    assert all(d.level == "warning" for d in app.diagnostics)
    assert set(app.functions) == {"template.yaml#GoodFunction", "template.yaml#OddEvents"}
    good = app.functions["template.yaml#GoodFunction"]
    assert good.code_dir is None and good.environment == {}
    statements = app.roles["template.yaml#GoodFunctionRole"].statements
    assert any(s.source == "sam-template:DynamoDBCrudPolicy" for s in statements)


# ---------------------------------------------------------------------- through the scan


def test_scan_finds_rules_at_exact_lines():
    result = scan(str(APP))
    found = {(f.rule_id, f.location.file, f.location.line) for f in result.findings}
    assert ("FG-PERM-001", "template.yaml", line_of(TEMPLATE, "- Effect: Allow")) in found
    assert ("FG-PERM-001", "template.yaml",
            line_of(TEMPLATE, "- arn:aws:iam::aws:policy/AdministratorAccess")) in found
    assert ("FG-DATA-001", "template.yaml", line_of(TEMPLATE, "DB_PASSWORD:")) in found
    assert ("FG-AUTH-001", "template.yaml", line_of(TEMPLATE, "AuthType: NONE")) in found
    perm = [f for f in result.findings if f.rule_id == "FG-PERM-001"]
    assert len(perm) == 2  # nothing else in the template allows Action "*"


# ---------------------------------------------------------------------- more events

EVENTS = SAM / "events"
EVENTS_TEMPLATE = EVENTS / "template.yaml"


@pytest.fixture(scope="module")
def events() -> App:
    return load_fixture(EVENTS, "template.yaml")


def test_more_function_settings(events):
    assert events.diagnostics == []
    fn = events.functions[q("EverythingFunction")]
    assert fn.kms_key == Ref(q("EnvKey"), "Arn")
    assert fn.vpc is True
    assert fn.layers == [Ref(q("SharedLayer")),
                         "arn:aws:lambda:eu-west-1:123456789012:layer:vendor:3"]
    assert fn.provisioned_concurrency == 4
    assert fn.on_failure is not None  # a queue SAM generates
    assert (fn.log_group, fn.log_retention_days) == (q("CustomLogs"), 7)
    arns = events.roles[q("EverythingFunctionRole")].managed_policy_arns
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole" in arns
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole" in arns
    assert Ref(q("SharedManaged")) in arns
    (shared,) = [s for s in events.roles[q("EverythingFunctionRole")].statements
                 if s.source == "customer-managed:SharedManaged"]
    assert shared.resources == (Ref(q("ClickStream"), "Arn"),)
    assert shared.location.line == line_of(EVENTS_TEMPLATE, "Action: kinesis:PutRecord") - 1


@pytest.mark.parametrize("event, kind, source, asynchronous", [
    ("SignUp:", "cognito", Ref(q("Users")), False),
    ("Telemetry:", "iot", None, True),
    ("Logs:", "cloudwatch-logs", "/app/other", True),
    ("Kafka:", "msk", "arn:aws:kafka:eu-west-1:123456789012:cluster/orders/abc", False),
    ("SelfKafka:", "msk", None, False),
    ("Broker:", "mq", "arn:aws:mq:eu-west-1:123456789012:broker:orders:b-1", False),
    ("Clicks:", "kinesis-stream", Ref(q("ClickStream"), "Arn"), False),
    ("Hourly:", "schedule", None, True),
    ("Legacy:", "eventbridge", None, True),
    ("Alexa:", "other", None, False),
])
def test_every_event_type_becomes_a_trigger(events, event, kind, source, asynchronous):
    fn = events.functions[q("EverythingFunction")]
    line = line_of(EVENTS_TEMPLATE, f"        {event}")
    (trigger,) = [t for t in fn.triggers if t.location.line == line]
    assert (trigger.kind, trigger.source, trigger.asynchronous) == (kind, source, asynchronous)


def test_lambda_authorizers_and_preflight(events):
    api = events.apis[q("AuthApi")]
    assert api.disable_execute_api_endpoint is True
    routes = {(r.method, r.path): r for r in events.routes if r.api == api.id}
    token = routes[("GET", "/token")].authorizer
    assert (token.kind, token.identity_sources) == \
        ("lambda-token", ("method.request.header.X-Token",))
    request = routes[("GET", "/request")].authorizer
    assert (request.kind, request.identity_sources) == (
        "lambda-request", ("method.request.header.X-Tenant", "method.request.querystring.key"))
    # AddDefaultAuthorizerToCorsPreflight: false leaves OPTIONS without the default
    assert routes[("OPTIONS", "/token")].authorizer is None


def test_event_naming_the_implicit_api_explicitly(events):
    (route,) = [r for r in events.routes if r.path == "/implicit"]
    assert route.api == q("ServerlessRestApi") and route.method == "PUT"
    assert events.apis[q("ServerlessRestApi")].implicit


def test_websocket_and_quick_create_http_api(events):
    (connect,) = [r for r in events.routes if r.api == q("ChatApi")]
    assert (connect.api_kind, connect.method) == ("websocket", "$connect")
    assert connect.function == q("EverythingFunction")
    assert connect.authorizer.kind == "iam"
    trigger = [t for t in events.functions[q("EverythingFunction")].triggers if t.route is connect]
    assert trigger[0].kind == "websocket"
    authorizer = events.functions[q("AuthorizerFunction")]
    assert authorizer.code_dir is None
    assert authorizer.properties["code_uri"] == {"Bucket": "artifacts", "Key": "auth.zip"}
    (quick,) = [r for r in events.routes if r.api == q("QuickApi")]
    assert (quick.method, quick.path, quick.function) == \
        ("ANY", "$default", q("AuthorizerFunction"))


def test_layer_simple_table_and_state_machine(events):
    layer = events.layers[q("SharedLayer")]
    assert layer.location.line == line_of(EVENTS_TEMPLATE, "  SharedLayer:")
    sessions = events.resources[q("Sessions")]
    assert (sessions.kind, sessions.name, sessions.encryption) == \
        ("table", "sessions", "kms:EnvKey")
    flow = events.resources[q("Flow")]
    assert (flow.kind, flow.tracing, flow.properties["logging_level"]) == \
        ("state-machine", True, "ALL")


def _api_template(definition_uri: str) -> str:
    return ("Transform: AWS::Serverless-2016-10-31\n"
            "Resources:\n"
            "  Api:\n"
            "    Type: AWS::Serverless::Api\n"
            "    Properties:\n"
            "      StageName: v1\n"
            f"      DefinitionUri: {definition_uri}\n")


def test_definition_symlinked_out_of_the_root_is_not_read(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("openapi: 3.0.1\npaths:\n  /secret:\n    get: {}\n")
    root = tmp_path / "project"
    root.mkdir()
    (root / "api.yaml").symlink_to(outside)
    (root / "template.yaml").write_text(_api_template("api.yaml"))
    app = load_fixture(root, "template.yaml")
    assert app.routes == []
    assert [(d.line, d.level, d.message) for d in app.diagnostics] == [
        (7, "warning", "'api.yaml' is outside the scanned folder; not read")]


def test_broken_definition_file_is_a_warning_with_its_line(tmp_path):
    (tmp_path / "api.yaml").write_text("openapi: 3.0.1\npaths: [unclosed\n")
    (tmp_path / "template.yaml").write_text(_api_template("api.yaml"))
    app = load_fixture(tmp_path, "template.yaml")
    (warning,) = app.diagnostics
    assert warning.level == "warning" and warning.line == 7
    assert warning.message.startswith("'api.yaml' cannot be read (line ")
    assert "Api" in {k.split("#")[1] for k in app.apis}


# ---------------------------------------------------------------------- connectors

CONNECTORS = SAM / "connectors" / "template.yaml"


def test_connectors_grant_the_profile_statements_to_the_source_role():
    app = load_fixture(CONNECTORS.parent, "template.yaml")
    assert app.diagnostics == []
    shipped = json.loads((resources.files("samtranslator") / "model" / "connector_profiles" /
                          "profiles.json").read_text())["Permissions"]
    table_profile = shipped["AWS::Lambda::Function"]["AWS::DynamoDB::Table"]
    embedded = [s for s in app.roles[q("WriterRole")].statements
                if s.source == "sam-connector:WriterToTable"]
    expected_actions = [tuple(st["Action"]) for category in ("Read", "Write")
                        for st in table_profile["Properties"]["AccessCategories"][category][
                            "Statement"]]
    assert [s.actions for s in embedded] == expected_actions
    assert all(s.location.line == line_of(CONNECTORS, "ToTable:") for s in embedded)
    assert embedded[0].resources == (Ref(q("Orders"), "Arn"), "${Orders.Arn}/index/*")
    standalone = [s for s in app.roles[q("ReaderRole")].statements
                  if s.source == "sam-connector:ReaderToQueue"]
    assert [s.resources for s in standalone] == [
        (Ref(q("Jobs"), "Arn"),), ("arn:aws:sqs:eu-west-1:123456789012:external",)]
    assert all(s.location.line == line_of(CONNECTORS, "ReaderToQueue:") for s in standalone)
    assert all(s.actions == ("sqs:ReceiveMessage", "sqs:GetQueueAttributes")
               for s in standalone)


def test_connector_without_a_profile_is_a_warning(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Handler: a.b, Runtime: python3.12}\n"
        "    Connectors:\n"
        "      ToKey:\n"
        "        Properties:\n"
        "          Destination: {Id: Key}\n"
        "          Permissions: [Read]\n"
        "      ToMissing:\n"
        "        Properties:\n"
        "          Destination: [{Id: Missing}, {Arn: arn:aws:sqs:eu-west-1:1:q}]\n"
        "          Permissions: [Write]\n"
        "  Key:\n"
        "    Type: AWS::KMS::Key\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert [(d.line, d.message) for d in app.diagnostics] == [
        (7, "connector FnToKey: no SAM connector profile from AWS::Lambda::Function to "
            "AWS::KMS::Key"),
        (11, "connector FnToMissing: its destination 'Missing' is not declared in this "
             "template; no permission added for it"),
        (11, "connector FnToMissing: its destination names no resource (Id) and no Type; "
             "no permission added for it")]


def test_definition_file_warnings_name_that_file(tmp_path):
    (tmp_path / "api.yaml").write_text("openapi: 3.0.1\npaths: {}\npaths: {}\n")
    (tmp_path / "template.yaml").write_text(_api_template("api.yaml"))
    app = load_fixture(tmp_path, "template.yaml")
    assert [(d.file, d.line, d.level) for d in app.diagnostics] == [("api.yaml", 3, "warning")]
    assert "duplicate key 'paths'" in app.diagnostics[0].message


def test_state_machine_api_events_are_routes_to_no_function(tmp_path):
    """A SAM state machine's Api event is an HTTP entry point (API Gateway starts an
    execution): a route with its API's auth, bound to no function; its schedule is not."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Globals:\n  Api:\n    Auth:\n      ApiKeyRequired: true\n"
        "Resources:\n"
        "  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
        "      DefinitionUri: flow.asl.json\n"
        "      Events:\n"
        "        Start:\n          Type: Api\n"
        "          Properties: {Path: /orders, Method: post}\n"
        "        Nightly:\n          Type: Schedule\n"
        "          Properties: {Schedule: rate(1 day)}\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert [(r.api, r.method, r.path, r.function, r.target, r.api_key_required,
             r.location.line) for r in app.routes] == [
        (q("ServerlessRestApi"), "POST", "/orders", None, q("Flow"), True, 12)]
    assert app.diagnostics == []


def test_conditions_decided_by_a_pinned_parameter_pick_fn_if_branches(tmp_path):
    """`Fn::If` on a condition the parameters decide takes that branch: a path of an inline
    definition written under Fn::If is a route, and a URL's AuthType is known."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Stage: {Type: String, Default: dev, AllowedValues: [dev]}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n"
        "Resources:\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      FunctionUrlConfig:\n        AuthType: !If [IsProd, AWS_IAM, NONE]\n"
        "  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n"
        "      DefinitionBody:\n        openapi: '3.0'\n        paths:\n"
        "          /reports:\n            Fn::If:\n              - IsProd\n"
        "              - get: {}\n              - post: {}\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert app.functions[q("Worker")].url.auth_type == "NONE"
    assert [(r.method, r.path, r.location.line) for r in app.routes] == [("POST", "/reports", 24)]


def test_novalue_under_fn_if_leaves_the_setting_out(tmp_path):
    """`!If [Cond, X, !Ref AWS::NoValue]` with a false condition is no setting at all: no
    'should be a mapping' warning for Globals' Environment, no layer, no policy entry."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Stage: {Type: String, Default: dev, AllowedValues: [dev]}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n"
        "Globals:\n  Function:\n"
        "    Environment: !If [IsProd, {Variables: {MODE: prod}}, !Ref AWS::NoValue]\n"
        "Resources:\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      Layers:\n        - arn:aws:lambda:eu-west-1:123456789012:layer:base:3\n"
        "        - !If [IsProd, arn:aws:lambda:eu-west-1:123456789012:layer:prof:1,"
        " !Ref AWS::NoValue]\n"
        "      Policies:\n        - !If [IsProd, AmazonS3ReadOnlyAccess, !Ref AWS::NoValue]\n")
    app = load_fixture(tmp_path, "template.yaml")
    worker = app.functions[q("Worker")]
    assert app.diagnostics == []
    assert worker.environment == {}
    assert worker.layers == ["arn:aws:lambda:eu-west-1:123456789012:layer:base:3"]
    assert not any("S3" in str(arn) for arn in app.roles[q("WorkerRole")].managed_policy_arns)


def test_event_api_id_may_be_a_plain_logical_id(tmp_path):
    """SAM takes `ApiId: MyApi` (no !Ref) as the logical id of an API of the template."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Edge:\n    Type: AWS::Serverless::HttpApi\n"
        "  Legacy:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: v1}\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      Events:\n"
        "        Web: {Type: HttpApi, Properties: {ApiId: Edge}}\n"
        "        Old: {Type: Api, Properties: {RestApiId: Legacy, Path: /x, Method: get}}\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert app.diagnostics == []
    assert [(r.api, r.method, r.path) for r in app.routes] == [
        (q("Edge"), "ANY", "$default"), (q("Legacy"), "GET", "/x")]


def test_an_unknown_policy_template_is_named_in_its_warning(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      Policies:\n"
        "        - DynamoDBCrudPolicy: {TableName: orders}\n"
        "        - DynamoDBWriteAllPolicy: {TableName: orders}\n"
        "        - {Effect: Allow}\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert [(d.line, d.message) for d in app.diagnostics] == [
        (10, "'DynamoDBWriteAllPolicy' is not a SAM policy template this version of "
             "aws-sam-translator knows (a misspelling, or a newer or retired template); its "
             "permissions are not known"),
        (11, "a Policies entry is neither a policy name/ARN, a policy document nor a SAM "
             "policy template; ignored")]


def _stage_template(stage_spec: str) -> str:
    """A template whose default stage is locked down and whose prod branch is open."""
    return (
        "Transform: AWS::Serverless-2016-10-31\n"
        f"Parameters:\n  Stage: {stage_spec}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n"
        "  IsDev: !Not [{Condition: IsProd}]\n"
        "  Never: !And [{Condition: IsProd}, !Equals [a, b]]\n"
        "Resources:\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      Tracing: !If [IsDev, Active, PassThrough]\n"
        "      Timeout: !If [Never, 60, 3]\n"
        "      FunctionUrlConfig:\n        AuthType: !If [IsProd, NONE, AWS_IAM]\n")


def test_conditions_on_a_parameter_default_stay_undecided(tmp_path):
    """A parameter's default is what a deployment gets when it sets nothing
    (`--parameter-overrides Stage=prod` picks the other branch): a condition on it is not
    decided by the default, so the prod branch's open URL is not hidden behind the default
    stage's AWS_IAM (nor its tracing); a condition false whatever the parameter is decided."""
    (tmp_path / "template.yaml").write_text(
        _stage_template("{Type: String, Default: dev, AllowedValues: [dev, prod]}"))
    worker = load_fixture(tmp_path, "template.yaml").functions[q("Worker")]
    assert worker.url.auth_type == Unknown("If IsProd", ("NONE", "AWS_IAM"))
    assert worker.tracing == Unknown("If IsDev", ("Active", "PassThrough"))
    assert worker.timeout_s == 3


def test_conditions_on_a_pinned_parameter_are_decided(tmp_path):
    """A parameter given a value (LoadContext.params) or allowed one value only is a fact."""
    (tmp_path / "template.yaml").write_text(
        _stage_template("{Type: String, Default: prod, AllowedValues: [prod]}"))
    worker = load_fixture(tmp_path, "template.yaml").functions[q("Worker")]
    assert (worker.url.auth_type, worker.tracing) == ("NONE", "PassThrough")
    (tmp_path / "template.yaml").write_text(_stage_template("{Type: String, Default: prod}"))
    app = load_path(LoadContext(root=str(tmp_path), file="template.yaml",
                                params={"Stage": "dev"}))
    worker = app.functions[q("Worker")]
    assert (worker.url.auth_type, worker.tracing) == ("AWS_IAM", "Active")


def test_an_environment_the_deployment_decides_is_no_malformed_setting(tmp_path):
    """`Environment: !If [IsProd, {...}, !Ref AWS::NoValue]` on a parameter's default is not
    known statically: no 'should be a mapping' warning (the template is well formed)."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Parameters:\n  Stage: {Type: String, Default: dev}\n"
        "Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n"
        "Resources:\n"
        "  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      Environment: !If [IsProd, {Variables: {MODE: prod}}, !Ref AWS::NoValue]\n"
        "  Other:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Runtime: python3.12\n      Handler: app.handler\n"
        "      Environment:\n        Variables: !If [IsProd, {MODE: prod}, {MODE: dev}]\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert app.diagnostics == []
    assert app.functions[q("Worker")].environment == {}
    assert app.functions[q("Other")].environment == {}
