"""The Serverless Framework loader: serverless.yml -> App model, with exact lines."""

from pathlib import Path

import pytest

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders.serverless import normalize_name
from faasguard.model import Authorizer, Ref, Unknown
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"


def load(file, **options):
    return load_path(LoadContext(root=str(FIXTURES), file=file, **options))


@pytest.fixture(scope="module")
def full():
    return load("full/serverless.yml")


def fn(app, key, file="full/serverless.yml"):
    return app.functions[f"{file}#{key}"]


def diagnostics(app):
    return {(d.line, d.message) for d in app.diagnostics}


# --------------------------------------------------------------------------- functions


def test_functions_and_their_ids(full):
    assert sorted(full.functions) == [
        "full/serverless.yml#create-order", "full/serverless.yml#list_orders",
        "full/serverless.yml#reporter", "full/serverless.yml#worker"]
    create = fn(full, "create-order")
    assert create.location.line == 63
    assert create.format == "serverless"
    assert create.handler == "src/orders.create"
    assert create.code_dir == "full"
    assert create.name == "orders-dev-create-order"
    assert create.properties["logical_id"] == "CreateDashorderLambdaFunction"
    assert [f.path for f in full.files] == ["full/serverless.yml"]
    assert [f.format for f in full.files] == ["serverless"]


def test_provider_settings_are_inherited_and_overridden(full):
    create, listing, worker = fn(full, "create-order"), fn(full, "list_orders"), fn(full, "worker")
    assert create.runtime == listing.runtime == "python3.11"
    assert create.memory_mb == 256  # ${self:custom.memory.${sls:stage}} at stage dev
    assert worker.memory_mb == 512
    assert (create.timeout_s, listing.timeout_s) == (10, 29)
    assert create.architecture == "arm64"
    assert create.tracing == "Active" and listing.tracing == "PassThrough"
    assert listing.reserved_concurrency == 5 and create.reserved_concurrency is None
    assert worker.log_retention_days == 14
    assert create.log_retention_days == 30  # resources.extensions.CreateDashorderLogGroup
    assert worker.dlq == "arn:aws:sns:eu-west-1:123456789012:dlq"
    assert worker.on_failure == "arn:aws:sqs:eu-west-1:123456789012:failures"


def test_stage_option_changes_resolved_values():
    app = load("full/serverless.yml", stage="prod")
    create = fn(app, "create-order")
    assert create.memory_mb == 2048
    assert create.environment["TABLE_NAME"].value == "orders-prod-orders"


def test_framework_defaults_when_nothing_is_set():
    app = load("legacy/serverless.yml")
    charge = fn(app, "charge", "legacy/serverless.yml")
    assert (charge.memory_mb, charge.timeout_s, charge.architecture) == (1024, 6, "x86_64")
    assert charge.properties["defaulted"] == ["memorySize", "timeout"]
    assert charge.tracing is None and charge.vpc is False


def test_environment_merged_each_variable_at_its_own_line(full):
    env = fn(full, "create-order").environment
    assert {name: var.location.line for name, var in env.items()} == {
        "TABLE_NAME": 21, "DB_PASSWORD": 22, "API_TOKEN": 23, "STAGE": 68, "ORDER_TOPIC": 67}
    assert env["DB_PASSWORD"].value == "hunter2-plaintext"
    assert env["API_TOKEN"].value == Unknown("ssm:/orders/api-token")
    assert env["STAGE"].value == "overridden"
    assert env["ORDER_TOPIC"].value == Ref("full/serverless.yml#OrdersTopic")
    assert fn(full, "worker").environment["STAGE"].value == "dev"
    assert fn(full, "worker").environment["STAGE"].location.line == 24


def test_v4_params_vpc_kms_layers_and_log_level():
    app = load("v4/serverless.yml")
    checkout = fn(app, "checkout", "v4/serverless.yml")
    env = checkout.environment
    assert env["DOMAIN"].value == "shop.example.com"
    assert env["REGION"].value == "eu-central-1"
    assert env["ACCOUNT"].value == Unknown("aws:accountId")
    assert env["INSTANCE"].value == Unknown("sls:instanceId")
    assert checkout.memory_mb == 1024  # stages.default.params.memory
    assert load("v4/serverless.yml", stage="prod").functions[checkout.id].memory_mb == 3008
    assert checkout.vpc is True and fn(app, "authorize", "v4/serverless.yml").vpc is False
    assert checkout.kms_key == "arn:aws:kms:eu-central-1:123456789012:key/abc"
    assert checkout.layers == [Ref("v4/serverless.yml#CommonLambdaLayer")]
    assert list(app.layers) == ["v4/serverless.yml#CommonLambdaLayer"]
    assert app.layers["v4/serverless.yml#CommonLambdaLayer"].location.line == 64
    assert checkout.log_level == "WARN"
    assert checkout.tracing == "Active"


def test_code_dir_honours_module_and_root_folder(tmp_path):
    app = load("module/serverless.yml")
    assert fn(app, "api", "module/serverless.yml").code_dir == "module/services/api"
    assert fn(app, "own_role", "module/serverless.yml").code_dir == "module"
    assert fn(app, "api", "module/serverless.yml").properties["package_individually"] is True
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h.main\n")
    root_app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    assert root_app.functions["serverless.yml#f"].code_dir == "."


def test_function_urls(full):
    public = fn(full, "list_orders").url
    assert public.auth_type == "NONE" and public.location.line == 85
    private = fn(full, "reporter").url
    assert private.auth_type == "AWS_IAM" and private.location.line == 146
    assert fn(full, "worker").url is None


# --------------------------------------------------------------------------- IAM


def test_provider_role_statements_with_lines_and_refs(full):
    role = full.roles["full/serverless.yml#IamRoleLambdaExecution"]
    assert role.location.line == 43
    own = [s for s in role.statements if s.source == "serverless:provider"]
    assert [s.location.line for s in own] == [45, 48]
    star, table = own
    read_only = [s for s in role.statements if s.source != "serverless:provider"]
    assert read_only and {s.source for s in read_only} == {
        "managed:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
    assert {s.location.line for s in read_only} == {54}
    assert "s3:Get*" in read_only[0].actions and "*" not in read_only[0].actions
    assert star.actions == ("*",) and star.resources == ("*",)
    assert star.source == "serverless:provider"
    assert table.actions == ("dynamodb:GetItem", "dynamodb:PutItem")
    assert table.resources == (Ref("full/serverless.yml#OrdersTable", "Arn"),)
    assert role.managed_policy_arns == ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    assert role.assume_services == ("lambda.amazonaws.com",)
    users = sorted(f.id for f in full.functions_of_role(role.id))
    assert users == ["full/serverless.yml#create-order", "full/serverless.yml#list_orders"]


def test_function_roles_by_logical_id_and_per_function_statements(full):
    assert fn(full, "worker").role == "full/serverless.yml#WorkerRole"
    reporter = fn(full, "reporter")
    assert reporter.role == "full/serverless.yml#ReporterIamRoleLambdaExecution"
    own = full.roles[reporter.role]
    assert [(s.actions, s.location.line, s.source) for s in own.statements] == [
        (("s3:GetObject",), 143, "serverless:function")]


def test_legacy_iam_syntax():
    app = load("legacy/serverless.yml")
    role = app.roles["legacy/serverless.yml#IamRoleLambdaExecution"]
    assert role.location.line == 6
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert [(s.effect, s.actions, s.location.line, s.source) for s in role.statements] == [
        ("Allow", ("sqs:SendMessage",), 7, "serverless:provider"),
        ("Deny", ("s3:DeleteObject",), 12, "serverless:provider"),
        ("Allow", ("*",), 16, f"managed:{admin}")]  # AWS managed policy, expanded
    assert role.statements[0].resources == (Ref("legacy/serverless.yml#BillingQueue", "Arn"),)
    assert role.statements[2].resources == ("*",)
    assert role.managed_policy_arns == [admin]
    charge = fn(app, "charge", "legacy/serverless.yml")
    assert charge.role is None
    assert charge.role_arn == "arn:aws:iam::123456789012:role/billing-charge"
    assert fn(app, "refund", "legacy/serverless.yml").role == role.id


def test_external_provider_role():
    app = load("external-role/serverless.yml")
    role = app.roles["external-role/serverless.yml#IamRoleLambdaExecution"]
    assert role.external is True
    assert role.arn == "arn:aws:iam::123456789012:role/shared-lambda"
    assert role.location.line == 6 and role.statements == []
    for function in app.functions.values():
        assert function.role == role.id
        assert function.role_arn == "arn:aws:iam::123456789012:role/shared-lambda"


def test_per_function_role_inherits_provider_statements():
    app = load("module/serverless.yml")
    own = app.roles["module/serverless.yml#OwnUnderscoreroleIamRoleLambdaExecution"]
    assert [(s.actions, s.location.line, s.source) for s in own.statements] == [
        (("dynamodb:Query",), 10, "serverless:provider"),
        (("s3:PutObject",), 21, "serverless:function")]


@pytest.mark.parametrize("key, logical", [
    ("hello", "Hello"), ("create-order", "CreateDashorder"),
    ("list_orders", "ListUnderscoreorders"), ("a-b_c", "ADashbUnderscorec")])
def test_function_names_normalised_like_the_framework(key, logical):
    assert normalize_name(key) == logical


# --------------------------------------------------------------------------- events


def test_rest_routes_with_authorizers_and_api_keys(full):
    rest = [r for r in full.routes if r.api_kind == "rest"]
    assert [(r.method, r.path, r.location.line) for r in rest] == [
        ("POST", "/orders", 70), ("GET", "/orders/{id}", 79)]
    post, get = rest
    assert post.authorizer == Authorizer(  # the framework's default identity source
        "cognito", name="UserPool", identity_sources=("method.request.header.Authorization",),
        scopes=("orders/write",), location=post.authorizer.location)
    assert post.authorizer.location.line == 74
    assert post.api_key_required is True
    assert get.authorizer is None and get.api_key_required is False
    assert post.function == "full/serverless.yml#create-order"
    trigger = fn(full, "create-order").triggers[0]
    assert trigger.kind == "http" and trigger.route is post and trigger.asynchronous is False


def test_implicit_apis_carry_provider_settings(full):
    rest = full.apis["full/serverless.yml#ApiGatewayRestApi"]
    assert rest.kind == "rest" and rest.implicit is True and rest.location.line == 70
    assert rest.stage == "dev" and rest.endpoint_type == "REGIONAL"
    assert rest.usage_plan is True
    plan = rest.properties["usage_plan_throttle"]  # binds API-key callers only: not the stage's
    assert rest.throttling is None and (plan.rate, plan.burst) == (50.0, 100)
    assert rest.tracing is True and rest.access_logging is True
    http = full.apis["full/serverless.yml#HttpApi"]
    assert http.kind == "http" and http.throttling is None and http.access_logging is True
    assert http.properties["payload"] == "2.0" and http.properties["cors"] is True
    websocket = full.apis["full/serverless.yml#WebsocketsApi"]
    assert websocket.kind == "websocket" and websocket.access_logging is False
    assert rest.properties["logs"] is True and "logs" not in websocket.properties


def test_http_api_routes_and_jwt_authorizer(full):
    http = [r for r in full.routes if r.api_kind == "http"]
    assert [(r.method, r.path, r.location.line) for r in http] == [
        ("GET", "/orders", 87), ("ANY", "*", 94), ("DELETE", "/orders/{id}", 95)]
    jwt = http[0].authorizer
    assert (jwt.kind, jwt.name, jwt.scopes, jwt.identity_sources) == (
        "jwt", "jwtAuth", ("orders/read",), ("$request.header.Authorization",))
    assert http[1].authorizer is None


def test_websocket_route_with_connect_authorizer(full):
    (route,) = [r for r in full.routes if r.api_kind == "websocket"]
    assert (route.method, route.path, route.location.line) == ("$connect", "$connect", 122)
    assert route.authorizer.kind == "lambda-request"
    assert route.authorizer.identity_sources == ("route.request.header.Auth",)


def test_every_event_kind_becomes_a_trigger(full):
    worker = fn(full, "worker")
    got = [(t.kind, t.location.line, t.source, t.asynchronous) for t in worker.triggers]
    assert got == [
        ("sqs", 103, Ref("full/serverless.yml#OrdersQueue", "Arn"), False),
        ("dynamodb-stream", 107, Ref("full/serverless.yml#OrdersTable", "StreamArn"), False),
        ("s3", 110, "orders-uploads", True),
        ("sns", 113, "arn:aws:sns:eu-west-1:123456789012:orders", True),
        ("schedule", 114, "rate(5 minutes)", True),
        ("eventbridge", 115, "default", True),
        ("cognito", 119, "orders-pool", False),
        ("websocket", 122, "full/serverless.yml#WebsocketsApi", False),
        ("alb", 128, "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/x/y/z",
         False),
        ("iot", 133, None, True),
        ("cloudwatch-logs", 135, "/aws/lambda/other", True),
        ("msk", 136, "arn:aws:kafka:eu-west-1:123456789012:cluster/c/1", False),
    ]
    sqs, _, s3, *_ = worker.triggers
    assert sqs.max_concurrency == 4 and sqs.properties["batchSize"] == 10
    assert s3.properties["event"] == "s3:ObjectCreated:*"
    alb = worker.triggers[8]
    assert (alb.properties["priority"], alb.properties["path"]) == (1, "/alb")
    assert worker.triggers[6].properties["trigger"] == "PreSignUp"
    assert worker.triggers[9].properties["sql"] == "SELECT * FROM 'topic'"
    assert (139, "event type 'unknownThing' of function 'worker' is not understood; ignored") \
        in diagnostics(full)


def test_legacy_event_forms():
    app = load("legacy/serverless.yml")
    routes = {(r.method, r.path): r for r in app.routes}
    assert routes[("ANY", "/charge")].authorizer.kind == "iam"
    request = routes[("POST", "/refund")].authorizer
    assert (request.kind, request.name) == ("lambda-request", "tokenCheck")
    assert request.identity_sources == (
        "method.request.header.X-Token", "method.request.querystring.sig")
    token = routes[("GET", "/audit")].authorizer
    assert token.kind == "lambda-token"
    assert token.identity_sources == ("method.request.header.Authorization",)
    api = app.apis["legacy/serverless.yml#ApiGatewayRestApi"]
    plan = api.properties["usage_plan_throttle"]
    assert api.usage_plan is True and (plan.rate, plan.burst) == (5.0, 10)
    assert api.endpoint_type == "EDGE" and api.access_logging is False
    nightly = fn(app, "nightly", "legacy/serverless.yml")
    assert [(t.kind, t.location.line) for t in nightly.triggers] == [
        ("schedule", 58), ("kinesis-stream", 62)]
    refund = fn(app, "refund", "legacy/serverless.yml")
    assert refund.triggers[2].kind == "eventbridge"
    assert refund.triggers[2].properties["serverless_event"] == "cloudwatchEvent"


def test_v4_http_api_request_and_iam_authorizers():
    app = load("v4/serverless.yml")
    routes = {(r.method, r.path): r.authorizer for r in app.routes}
    assert routes[("POST", "/checkout")].kind == "lambda-request"
    assert routes[("POST", "/checkout")].identity_sources == ("$request.header.Authorization",)
    assert routes[("GET", "/me")].kind == "iam"
    assert routes[("$default", "$default")] is None
    websocket = app.apis["v4/serverless.yml#WebsocketsApi"]
    assert websocket.access_logging is False
    assert websocket.properties["logs"] == {"accessLogging": False}


def test_more_forms_roles_sources_and_extensions():
    app = load("extras/serverless.yml")
    file = "extras/serverless.yml"
    api, consumer = fn(app, "api", file), fn(app, "consumer", file)
    assert fn(app, "auth", file).role == f"{file}#SharedRole"  # legacy provider.role GetAtt
    assert api.role == f"{file}#ApiRole" and api.role_arn is None
    assert (api.url.auth_type, api.url.invoke_mode, api.url.location.line) == (
        "NONE", "RESPONSE_STREAM", 24)
    assert api.url.cors == {"allowedOrigins": ["https://app.example.com"]}
    # resources.extensions onto the generated function
    assert (api.memory_mb, api.reserved_concurrency) == (2048, 3)
    assert api.environment["FROM_EXTENSION"].value == "yes"
    assert api.environment["FROM_EXTENSION"].location.line == 101
    assert (105, "extension of 'NotGenerated': not a resource of this file that faasguard "
                 "models; ignored") in diagnostics(app)
    routes = {r.path: r.authorizer for r in app.routes}
    assert (routes["/items"].kind, routes["/items"].name) == ("lambda-token", "auth")
    assert (routes["/shared"].kind, routes["/shared"].name, routes["/shared"].scopes) == (
        "jwt", "abc123", ("read",))
    rest, http = app.apis[f"{file}#ApiGatewayRestApi"], app.apis[f"{file}#HttpApi"]
    assert rest.disable_execute_api_endpoint and http.disable_execute_api_endpoint
    assert rest.properties["resourcePolicy"][0]["Principal"] == "*"
    got = [(t.kind, t.location.line, t.source) for t in consumer.triggers]
    assert got == [
        ("s3", 43, Ref(f"{file}#Uploads")),
        ("sns", 47, Ref(f"{file}#Alerts")),
        ("eventbridge", 50, Ref(f"{file}#Bus", "Arn")),
        ("mq", 54, "arn:aws:mq:us-east-1:123456789012:broker:b:1"),
        ("mq", 57, "arn:aws:mq:us-east-1:123456789012:broker:r:2"),
        ("other", 60, ["b1:9092"]),
        ("kinesis-stream", 63, Ref(f"{file}#Stream", "Arn")),  # type from the resource
        ("sqs", 65, "arn:aws:sqs:us-east-1:123456789012:plain"),
    ]
    assert consumer.triggers[0].properties["existing"] is True
    assert consumer.triggers[0].properties["event"] == "s3:ObjectRemoved:*"


def test_resources_as_a_list_with_extensions_on_declared_resources():
    app = load("extras/serverless.yml")
    file = "extras/serverless.yml"
    assert {f"{file}#SharedRole", f"{file}#ApiRole"} <= set(app.roles)
    uploads = app.resources[f"{file}#Uploads"]
    assert (uploads.kind, uploads.location.line, uploads.name) == ("bucket", 85, "extended-name")
    assert app.resources[f"{file}#Alerts"].kind == "topic"


# --------------------------------------------------------------------------- bad input


def test_malformed_content_becomes_warnings_and_the_load_goes_on():
    app = load("malformed/serverless.yml")
    assert sorted(app.functions) == ["malformed/serverless.yml#good",
                                     "malformed/serverless.yml#nohandler"]
    assert {(d.line, d.level) for d in app.diagnostics} >= {(10, "warning"), (7, "warning")}
    got = {line: message for line, message in diagnostics(app)}
    assert got[10] == "function 'nohandler' has no handler (nor image)"
    assert got[7] == "environment of provider should be a mapping, not a list; ignored"
    assert "needs a method and a path" in got[13]
    assert "event #2" in got[14] and "event #3" in got[15]
    assert "function 'notamap' should be a mapping" in got[19]
    assert "events of function 'good' should be a list" in got[22]
    assert "'url' should be true or a mapping" in got[23]
    assert len(app.diagnostics) == 8  # the provider's environment is reported once
    (route,) = app.routes
    assert (route.method, route.path, route.location.line) == ("GET", "/ok", 16)


def test_functions_not_a_mapping():
    app = load("malformed/functions-list.yml")
    assert app.functions == {}
    assert diagnostics(app) == {
        (4, "'functions' should be a mapping of function names, not the str 'nope'; ignored")}


@pytest.mark.parametrize("content, message", [
    ("service: x\nprovider: [1, 2]\nfunctions:\n  f:\n    handler: h.f\n",
     "'provider' should be a mapping, not a list; ignored"),
    ("- just\n- a list\n", "a serverless file must be a mapping"),
    ("service: x\nprovider:\n  iam:\n    role:\n      statements: oops\nfunctions:\n"
     "  f:\n    handler: h.f\n",
     "statements should be a list of statements, not the str 'oops'; ignored"),
    ("service: x\nfunctions:\n  f:\n    handler: h.f\n    role: {a: 1, b: 2}\n",
     "role is not understood (expected a logical id, an ARN or Fn::GetAtt)"),
])
def test_wrong_shapes_are_diagnostics(tmp_path, content, message):
    (tmp_path / "serverless.yml").write_text(content)
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    assert any(message in d.message for d in app.diagnostics)


def test_unreadable_yaml_is_one_error_diagnostic(tmp_path):
    (tmp_path / "serverless.yml").write_text("service: x\nfunctions: [a, b\n")
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    assert app.functions == {}
    (diag,) = app.diagnostics
    assert diag.level == "error" and diag.line is not None


def test_other_providers_are_noted_and_skipped(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: x\nprovider:\n  name: google\nfunctions:\n  f:\n    handler: f\n")
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    assert app.functions == {}
    assert [(d.level, d.line) for d in app.diagnostics] == [("note", 2)]


def test_variable_problems_are_located_diagnostics(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: x\nprovider:\n  name: aws\ncustom:\n  a: ${self:custom.b}\n"
        "  b: ${self:custom.a}\n  leak: ${file(../outside.yml)}\n")
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    got = {(d.line, d.code): d.message for d in app.diagnostics}
    assert "variable cycle: self:custom.a -> self:custom.b -> self:custom.a" in \
        got[(5, "variables")]
    assert "file(../outside.yml)} refused" in got[(7, "variables")]


# --------------------------------------------------------------------------- resources


def test_resources_section_is_read_by_the_cloudformation_loader():
    app = load("full/serverless.yml")
    assert "full/serverless.yml#OrdersTable" in app.resources
    assert app.resources["full/serverless.yml#OrdersTable"].kind == "table"
    assert app.resources["full/serverless.yml#OrdersTable"].location.line == 151
    assert "full/serverless.yml#WorkerRole" in app.roles
    assert app.roles["full/serverless.yml#WorkerRole"].location.line == 162
    assert [f.path for f in app.files].count("full/serverless.yml") >= 1


def test_resources_that_name_generated_functions_link_to_them():
    app = load("generated-refs/serverless.yml")
    file = "generated-refs/serverless.yml"
    assert sorted(app.functions) == [f"{file}#hook", f"{file}#thumbnail"]  # no aliases left
    (trigger,) = app.functions[f"{file}#thumbnail"].triggers
    assert (trigger.kind, trigger.location.line, trigger.source) == (
        "s3", 24, Ref(f"{file}#Images"))
    (policy,) = app.resource_policies
    assert policy.target == Ref(f"{file}#hook")
    assert policy.statement.principals == ("*",) and policy.location.line == 26
    assert app.diagnostics == []


def test_policies_and_extensions_on_the_generated_role():
    app = load("generated-refs/serverless.yml")
    role = app.roles["generated-refs/serverless.yml#IamRoleLambdaExecution"]
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert [(s.actions, s.location.line, s.source) for s in role.statements] == [
        (("kms:Decrypt",), 40, "inline"),  # AWS::IAM::Policy with Roles: [!Ref ...]
        (("ssm:GetParameter",), 50, "inline"),  # resources.extensions Policies
        (("*",), 54, f"managed:{admin}"),  # resources.extensions ManagedPolicyArns
    ]
    assert role.managed_policy_arns == [admin]


# --------------------------------------------------------------------------- end to end


def test_scan_finds_the_seed_rules_at_exact_lines():
    result = scan(str(FIXTURES / "scan"))
    found = {(f.rule_id, f.location.file, f.location.line) for f in result.findings}
    assert ("FG-PERM-001", "api/serverless.yml", 16) in found
    assert ("FG-DATA-001", "api/serverless.yml", 8) in found
    assert ("FG-AUTH-001", "api/serverless.yml", 23) in found
    # the negative twins: a scoped statement, a secret from SSM, an IAM-protected URL
    assert not any(f.rule_id == "FG-PERM-001" and f.location.line == 13
                   for f in result.findings)
    assert not any(f.rule_id == "FG-DATA-001" and f.location.line == 9
                   for f in result.findings)
    assert not any(f.rule_id == "FG-AUTH-001" and f.location.line == 26
                   for f in result.findings)
    assert result.diagnostics == []


def _paths(data, path=()):
    if path:
        yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*path, index))


@pytest.mark.parametrize("replacement", [None, [], {}, 7, "${self:}", {"Ref": None}])
def test_any_value_of_the_wrong_shape_never_crashes_the_load(replacement):
    import copy

    from faasguard.loaders.documents import Document, load_file
    from faasguard.loaders.serverless import load as load_serverless

    original = load_file(str(FIXTURES / "legacy" / "serverless.yml")).data
    ctx = LoadContext(root=str(FIXTURES), file="legacy/serverless.yml")
    for path in list(_paths(original)):
        data = copy.deepcopy(original)
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = copy.deepcopy(replacement)
        app = load_serverless(Document(data), ctx)  # must not raise
        assert app.files[0].path == "legacy/serverless.yml"


def test_serverless_json(tmp_path):
    (tmp_path / "serverless.json").write_text(
        '{\n  "service": "json-svc",\n  "provider": {"name": "aws", "runtime": "python3.12"},\n'
        '  "functions": {\n    "hello": {\n      "handler": "h.main",\n'
        '      "environment": {"SECRET_TOKEN": "abc"},\n      "url": true\n    }\n  }\n}\n')
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.json"))
    hello = app.functions["serverless.json#hello"]
    assert (hello.location.line, hello.url.location.line) == (5, 8)
    assert hello.environment["SECRET_TOKEN"].location.line == 7
    assert app.files[0].format == "serverless"
