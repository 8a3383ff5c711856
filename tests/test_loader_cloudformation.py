"""The CloudFormation and CDK output loader (loaders/cloudformation.py and its readers).

Expected lines are looked up in the fixture by the text written on them (`line_of`), so
every assertion names an exact line without depending on the fixture's layout.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from importlib.metadata import version
from pathlib import Path

import pytest

from faasguard.loaders import LoadContext, load_path
from faasguard.loaders import policies as policy_data
from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.documents import parse
from faasguard.model import App, Location, Ref, Unknown

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line of `path` containing `text`."""
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line]
    assert len(hits) >= occurrence, f"{text!r} not found {occurrence} time(s) in {path}"
    return hits[occurrence - 1]


def load_fixture(root: Path, file: str) -> App:
    """Load one fixture file through the loader entry point the scanner uses."""
    return load_path(LoadContext(root=str(root), file=file))


PLAIN = FIXTURES / "cloudformation" / "plain"
STACK = PLAIN / "stack.yaml"


@pytest.fixture(scope="module")
def stack() -> App:
    return load_fixture(PLAIN, "stack.yaml")


def q(logical: str) -> str:
    return f"stack.yaml#{logical}"


def test_file_and_format_recorded_and_no_diagnostics(stack):
    assert [(f.path, f.format) for f in stack.files] == [("stack.yaml", "cloudformation")]
    # the unsupported AWS::EC2::VPC is ignored quietly
    assert stack.diagnostics == []


def test_lambda_function_settings(stack):
    fn = stack.functions[q("ApiHandler")]
    assert fn.location == Location("stack.yaml", line_of(STACK, "  ApiHandler:"))
    assert (fn.name, fn.runtime, fn.handler, fn.format) == \
        ("billing-api", "nodejs20.x", "index.handler", "cloudformation")
    assert fn.role == q("HandlerRole") and fn.role_arn is None
    assert fn.tracing == "Active"
    assert fn.dlq == Ref(q("FailureQueue"), "Arn")
    assert fn.kms_key == Unknown("parameter KeyArn")
    assert "exports.handler" in fn.properties["inline_code"]
    assert fn.code_dir is None
    assert fn.provisioned_concurrency == 2  # from AWS::Lambda::Alias
    token = fn.environment["API_TOKEN"]
    assert token.value == "tok_live_abc123"
    assert token.location.line == line_of(STACK, "API_TOKEN:")
    assert fn.environment["QUEUE_URL"].value == Ref(q("WorkQueue"))


def test_external_role_kept_as_arn(stack):
    worker = stack.functions[q("Worker")]
    assert worker.role is None
    assert worker.role_arn == "arn:aws:iam::123456789012:role/external-worker"
    assert worker.properties["code_S3Key"] == "worker.zip"


def test_role_trust_inline_managed_and_attached_policies(stack):
    role = stack.roles[q("HandlerRole")]
    assert role.assume_services == ("lambda.amazonaws.com",)
    assert role.managed_policy_arns == ["arn:aws:iam::aws:policy/AdministratorAccess",
                                        Ref(q("SharedPolicy"))]
    by_source = {s.source: s for s in role.statements}
    admin = by_source["managed:arn:aws:iam::aws:policy/AdministratorAccess"]
    assert (admin.effect, admin.actions, admin.resources) == ("Allow", ("*",), ("*",))
    assert admin.location.line == line_of(STACK, "- arn:aws:iam::aws:policy/AdministratorAccess")
    (inline,) = [s for s in role.statements if s.actions == ("s3:GetObject", "s3:PutObject")]
    assert inline.source == "inline"
    assert inline.location.line == line_of(STACK, "Action: [s3:GetObject, s3:PutObject]") - 1
    shared = by_source["customer-managed:SharedPolicy"]
    assert shared.resources == (Ref(q("WorkQueue"), "Arn"),)
    extra = [s for s in role.statements if s.actions == ("dynamodb:*",)]
    assert len(extra) == 1 and extra[0].location.line == line_of(STACK, "Action: dynamodb:*") - 1


def test_function_url_and_permissions(stack):
    fn = stack.functions[q("ApiHandler")]
    assert fn.url is not None and fn.url.auth_type == "AWS_IAM"
    assert fn.url.location.line == line_of(STACK, "AuthType: AWS_IAM")
    policies = {p.id: p for p in stack.resource_policies if p.service == "lambda"}
    public = policies[q("PublicUrlPermission")]
    assert public.target == Ref(q("ApiHandler"))
    assert public.function_url_auth_type == "NONE"
    assert public.statement.principals == ("*",)
    assert public.statement.actions == ("lambda:InvokeFunctionUrl",)
    assert public.location.line == line_of(STACK, "PublicUrlPermission:")
    api = policies[q("ApiPermission")]
    assert api.statement.principals == ("apigateway.amazonaws.com",)
    assert api.source_arn == "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${BillingApi}/*"
    assert api.source_account == Unknown("AWS::AccountId")
    assert api.statement.conditions["ArnLike"]["AWS:SourceArn"] == api.source_arn


def test_event_source_mappings_and_invoke_config(stack):
    worker = stack.functions[q("Worker")]
    sqs = [t for t in worker.triggers if t.kind == "sqs"]
    assert len(sqs) == 1
    assert sqs[0].source == Ref(q("WorkQueue"), "Arn")
    assert sqs[0].max_concurrency == 3
    assert sqs[0].location.line == line_of(STACK, "WorkMapping:")
    kinesis = [t for t in worker.triggers if t.kind == "kinesis-stream"]
    assert kinesis[0].source == "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"
    assert worker.on_failure == Ref(q("FailureQueue"), "Arn")
    assert worker.properties["MaximumRetryAttempts"] == 0


def test_bucket_notification_topic_subscription_and_rule_triggers(stack):
    worker = stack.functions[q("Worker")]
    s3 = [t for t in worker.triggers if t.kind == "s3"]
    assert len(s3) == 1 and s3[0].source == Ref(q("ReportsBucket")) and s3[0].asynchronous
    assert s3[0].location.line == line_of(STACK, "- Event: s3:ObjectCreated:*")
    sns = [t for t in worker.triggers if t.kind == "sns"]
    assert sns[0].source == Ref(q("Alerts"))
    assert sns[0].location.line == line_of(STACK, "- Protocol: lambda")
    schedule = [t for t in worker.triggers if t.kind == "schedule"]
    assert schedule[0].source == Ref(q("NightlyRule"))
    assert schedule[0].properties["schedule"] == "cron(0 3 * * ? *)"
    assert schedule[0].location.line == line_of(STACK, "- Id: worker")


def test_log_subscription_cognito_and_iot_triggers(stack):
    triggers = stack.functions[q("Worker")].triggers
    (logs,) = [t for t in triggers if t.kind == "cloudwatch-logs"]
    assert logs.source == Ref(q("ApiHandlerLogs")) and logs.asynchronous
    assert logs.location.line == line_of(STACK, "ErrorShipping:")
    cognito = sorted((t.properties["trigger"], t.location.line) for t in triggers
                     if t.kind == "cognito")
    assert cognito == [("CustomEmailSender", line_of(STACK, "CustomEmailSender:")),
                       ("PreSignUp", line_of(STACK, "PreSignUp: !GetAtt Worker.Arn"))]
    (iot,) = [t for t in triggers if t.kind == "iot"]
    assert iot.properties["sql"] == "SELECT * FROM 'devices/+/telemetry'"
    assert iot.location.line == line_of(STACK, "- Lambda:")
    assert stack.resources[q("Ledger")].encryption == "aws-managed"


def test_alb_target_group_trigger_and_ssm_parameter(stack):
    (alb,) = [t for t in stack.functions[q("Worker")].triggers if t.kind == "alb"]
    assert alb.source == Ref(q("WorkerTargets"))
    assert alb.location.line == line_of(STACK, "- Id: !GetAtt Worker.Arn")
    assert (alb.properties["path"], alb.properties["method"]) == (["/jobs/*"], ["POST"])
    parameter = stack.resources[q("DbUrl")]
    assert (parameter.kind, parameter.name, parameter.properties["type"]) == \
        ("parameter", "/billing/db-url", "String")
    assert parameter.properties["value_line"] == line_of(STACK, "Value: postgres://")


def test_data_resources(stack):
    resources = stack.resources
    assert resources[q("WorkQueue")].encryption is None
    assert resources[q("WorkQueue")].properties["default_encryption"] == "sse-sqs"
    assert resources[q("FailureQueue")].encryption == "kms:DataKey"
    bucket = resources[q("ReportsBucket")]
    assert bucket.encryption == "kms:DataKey"
    assert bucket.public_access_block is False  # BlockPublicPolicy: false
    assert resources[q("Alerts")].encryption == "aws-managed"
    assert resources[q("Clicks")].encryption == "aws-managed"
    assert resources[q("DbSecret")].rotation is True
    assert resources[q("DataKey")].rotation is True
    machine = resources[q("Workflow")]
    assert machine.kind == "state-machine" and machine.tracing is True
    assert machine.properties["logging_level"] == "ERROR"


def test_resource_policies_of_queue_bucket_and_key(stack):
    by_service = {p.service: p for p in stack.resource_policies}
    queue = by_service["sqs"]
    assert queue.target == Ref(q("WorkQueue"))
    assert queue.statement.principals == ("*",)
    assert queue.location.line == line_of(STACK, "Action: sqs:SendMessage", 2) - 2
    bucket = by_service["s3"]
    assert bucket.statement.effect == "Deny"
    assert bucket.statement.conditions == {"Bool": {"aws:SecureTransport": False}}
    assert by_service["kms"].target == Ref(q("DataKey"))
    topic = by_service["sns"]
    assert topic.target == Ref(q("Alerts"))
    assert topic.statement.principals == ("Service:events.amazonaws.com",)
    assert topic.location.line == line_of(STACK, "Service: events.amazonaws.com") - 2


def test_log_group_linked_by_literal_name(stack):
    fn = stack.functions[q("ApiHandler")]
    assert fn.log_group == q("ApiHandlerLogs")
    assert fn.log_retention_days == 90
    assert stack.functions[q("Worker")].log_group is None


def test_alarm_budget_trail(stack):
    (alarm,) = stack.alarms
    assert (alarm.metric, alarm.namespace) == ("Errors", "AWS/Lambda")
    assert alarm.dimensions == {"FunctionName": Ref(q("ApiHandler"))}
    (budget,) = stack.budgets
    assert (budget.amount, budget.unit, budget.time_unit) == (250.0, "USD", "MONTHLY")
    (trail,) = stack.trails
    assert trail.logging and trail.multi_region and not trail.log_validation


def test_rest_api_routes_from_resource_chain(stack):
    api = stack.apis[q("BillingApi")]
    assert (api.kind, api.endpoint_type, api.stage, api.tracing) == \
        ("rest", "REGIONAL", "prod", True)
    assert api.throttling is not None and (api.throttling.rate, api.throttling.burst) == (20, 40)
    assert api.usage_plan is True
    assert api.properties["waf_web_acl"].endswith("webacl/billing/abc")
    routes = {(r.method, r.path): r for r in stack.routes if r.api == api.id}
    get = routes[("GET", "/invoices/{id}")]
    assert get.function == q("ApiHandler")
    assert get.authorizer is not None and get.authorizer.kind == "lambda-token"
    assert get.authorizer.name == "token-auth"
    assert get.authorizer.identity_sources == ("method.request.header.Authorization",)
    assert get.location.line == line_of(STACK, "GetInvoiceMethod:")
    delete = routes[("DELETE", "/invoices/{id}")]
    assert delete.function == q("ApiHandler")  # integration URI built with Fn::Join
    assert delete.authorizer is not None and delete.authorizer.kind == "none"
    assert delete.api_key_required is True
    # MethodSettings for "/~1invoices~1{id}" DELETE; the GET has only the stage-wide one
    assert delete.throttling is not None
    assert (delete.throttling.rate, delete.throttling.burst) == (1, 2)
    assert get.throttling is None
    http = [t for t in stack.functions[q("ApiHandler")].triggers if t.route is get]
    assert len(http) == 1 and http[0].kind == "http"


def test_http_api_v2_routes(stack):
    api = stack.apis[q("PartnerHttpApi")]
    assert api.kind == "http" and api.access_logging is True
    assert api.throttling is not None and api.throttling.rate == 50
    routes = {(r.method, r.path): r for r in stack.routes if r.api == api.id}
    post = routes[("POST", "/partners")]
    assert post.function == q("ApiHandler")
    assert post.authorizer is not None
    assert (post.authorizer.kind, post.authorizer.scopes) == ("jwt", ("partners/write",))
    status = routes[("GET", "/status")]
    assert status.function == q("ApiHandler")
    assert status.authorizer is None


# ---------------------------------------------------------------------- CDK output

CDK = FIXTURES / "cdk" / "app"
CDK_TEMPLATE = CDK / "cdk.out" / "BillingStack.template.json"


@pytest.fixture(scope="module")
def cdk() -> App:
    return load_fixture(CDK, "cdk.out/BillingStack.template.json")


def test_cdk_output_goes_through_the_same_loader(cdk):
    assert [(f.path, f.format) for f in cdk.files] == \
        [("cdk.out/BillingStack.template.json", "cdk")]
    fn = cdk.functions["cdk.out/BillingStack.template.json#Handler886CB40B"]
    assert fn.format == "cdk"
    assert fn.code_dir == "cdk.out/asset.3f2a9c1e"
    assert fn.properties["cdk_path"] == "BillingStack/Handler/Resource"
    assert fn.url is not None and fn.url.auth_type == "NONE"
    assert fn.url.location.line == line_of(CDK_TEMPLATE, '"AuthType": "NONE"')
    secret = fn.environment["STRIPE_SECRET_KEY"]
    assert secret.location.line == line_of(CDK_TEMPLATE, '"STRIPE_SECRET_KEY"')
    assert fn.role == "cdk.out/BillingStack.template.json#HandlerServiceRoleFCDC14AE"


def test_cdk_role_managed_arn_built_with_partition_and_default_policy(cdk):
    role = cdk.roles["cdk.out/BillingStack.template.json#HandlerServiceRoleFCDC14AE"]
    sources = {s.source for s in role.statements}
    assert any(s.startswith("managed:") and s.endswith("AWSLambdaBasicExecutionRole")
               for s in sources)
    (inline,) = [s for s in role.statements if s.source == "inline"]
    assert inline.resources == (
        Ref("cdk.out/BillingStack.template.json#InvoicesTable4E8AA3A6", "Arn"),)
    assert inline.location.line == line_of(CDK_TEMPLATE, '"Action": ["dynamodb:GetItem"') - 1


# ---------------------------------------------------------------------- load_template


def _ctx(tmp_path: Path) -> LoadContext:
    return LoadContext(root=str(tmp_path), file="serverless.yml")


def test_load_template_into_given_app_tolerates_unknown_logical_ids(tmp_path):
    data = parse(
        "Resources:\n"
        "  HelloPermission:\n"
        "    Type: AWS::Lambda::Permission\n"
        "    Properties:\n"
        "      FunctionName: !GetAtt HelloLambdaFunction.Arn\n"
        "      Principal: '*'\n"
        "  Table:\n"
        "    Type: AWS::DynamoDB::Table\n"
        "    Properties:\n"
        "      TableName: !Sub '${AWS::StackName}-table'\n"
    ).data
    app = App(root=str(tmp_path))
    result = load_template(data, _ctx(tmp_path), "serverless", app)
    assert result is app
    assert app.resources["serverless.yml#Table"].name == "${AWS::StackName}-table"
    (permission,) = app.resource_policies
    assert isinstance(permission.target, Unknown)
    assert app.files == []  # the caller records its own file


def test_ssm_parameter_types_are_unknown_not_their_default(tmp_path):
    data = parse(
        "Parameters:\n"
        "  DbHost:\n"
        "    Type: AWS::SSM::Parameter::Value<String>\n"
        "    Default: /prod/db/host\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Environment: {Variables: {DB_HOST: !Ref DbHost}}\n"
    ).data
    app = load_template(data, _ctx(tmp_path), "cloudformation")
    assert app.functions["serverless.yml#Fn"].environment["DB_HOST"].value == \
        Unknown("ssm:/prod/db/host")


def test_load_template_parameters_from_context_override_defaults(tmp_path):
    data = parse(
        "Parameters:\n  Stage: {Type: String, Default: dev}\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      FunctionName: !Sub 'api-${Stage}'\n      Role: arn:aws:iam::1:role/r\n"
    ).data
    default = load_template(data, _ctx(tmp_path), "cloudformation")
    assert default.functions["serverless.yml#Fn"].name == "api-dev"
    ctx = _ctx(tmp_path)
    ctx.params["Stage"] = "prod"
    assert load_template(data, ctx, "cloudformation").functions["serverless.yml#Fn"].name == \
        "api-prod"


@pytest.mark.parametrize("data, message", [
    ([1, 2], "a template must be a mapping"),
    ({"Resources": ["x"]}, "Resources should be a mapping; nothing read"),
    ({"Resources": {"X": {"Type": "AWS::SQS::Queue", "Properties": "no"}}},
     "resource X: Properties should be a mapping; ignored"),
    ({"Resources": {"X": {"Properties": {}}}}, "resource X has no Type; ignored"),
])
def test_bad_templates_become_warnings(tmp_path, data, message):
    app = load_template(data, _ctx(tmp_path), "cloudformation")
    assert [(d.level, d.message) for d in app.diagnostics] == [("warning", message)]


def test_malformed_resource_value_does_not_stop_the_load(tmp_path):
    data = parse(
        "Resources:\n"
        "  Broken:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Environment: [not, a, mapping]\n"
        "      Role: arn:aws:iam::1:role/r\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
    ).data
    app = load_template(data, _ctx(tmp_path), "cloudformation")
    assert "serverless.yml#Queue" in app.resources
    assert [(d.line, d.level) for d in app.diagnostics] == [(5, "warning")]


def test_unreadable_template_is_an_error_diagnostic(tmp_path):
    (tmp_path / "template.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\n"
                                            "Resources: [unclosed\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert [d.level for d in app.diagnostics] == ["error"]
    assert app.diagnostics[0].line is not None


# ---------------------------------------------------------------------- managed policies


MANAGED_DATA = REPO / "src" / "faasguard" / "data" / "managed_policies.tsv.gz"
#: The moto version the committed data file was generated from ("# source: moto X.Y.Z").
MANAGED_FROM = gzip.decompress(MANAGED_DATA.read_bytes()).split(b"\n", 1)[0].split()[3].decode()


def test_managed_policy_data_holds_default_statements():
    policies = policy_data.managed_policies()
    arn, statements = policies["AdministratorAccess"]
    assert arn == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert json.loads(statements) == [{"Action": "*", "Effect": "Allow", "Resource": "*"}]
    assert policies["AWSLambdaBasicExecutionRole"][0] == \
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert len(policies) > 1000


@pytest.mark.skipif(version("moto") != MANAGED_FROM,
                    reason="another moto is installed than the data file was generated from")
def test_managed_policy_data_is_what_the_generator_makes():
    spec = importlib.util.spec_from_file_location(
        "gen_managed_policies", REPO / "scripts" / "gen_managed_policies.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    # the same text as the generator makes (compressed bytes may vary with zlib)
    assert generator.encode(generator.build()) == gzip.decompress(MANAGED_DATA.read_bytes())


def test_managed_policies_load_once_and_resolve_names():
    table = policy_data.managed_policies()
    assert policy_data.managed_policies() is table  # one reader: the file is read once
    assert len(table) > 1000
    assert policy_data.managed_policy_arn("AWSLambdaBasicExecutionRole") == \
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert policy_data.managed_policy_arn("NoSuchPolicyAnywhere") is None
    assert policy_data.managed_statements("arn:aws:iam::123456789012:policy/mine", "f", 3) == []


# ---------------------------------------------------------------------- robustness


def _mutations():
    """Fixture templates with one value of a resource (a property, or a value one level
    further down) replaced by a value of the wrong shape: (root, file, container, key,
    odd value, data)."""
    from faasguard.loaders.documents import load_file

    for root, file in ((FIXTURES / "sam" / "app", "template.yaml"), (PLAIN, "stack.yaml")):
        data = load_file(str(root / file)).data
        for resource in data["Resources"].values():
            properties = resource.get("Properties")
            if not isinstance(properties, dict):
                continue
            for key, value in properties.items():
                for odd in (7, ["x"], {"Ref": "NotDeclared"}):
                    yield root, file, properties, key, odd, data
                for inner in value.values() if isinstance(value, dict) else ():
                    for inner_key in inner if isinstance(inner, dict) else ():
                        yield root, file, inner, inner_key, ["x"], data


def test_wrong_shapes_never_raise_and_never_need_the_safety_net():
    count = 0
    for root, file, container, key, odd, data in _mutations():
        original = container[key]
        container[key] = odd
        try:
            app = load_template(data, LoadContext(root=str(root), file=file), "sam")
        finally:
            container[key] = original
        crashed = [d.message for d in app.diagnostics if "could not be read" in d.message]
        assert crashed == [], f"{key} = {odd!r}"
        count += 1
    assert count > 400


def test_deployment_stage_policy_by_role_name_and_name_references(tmp_path):
    text = (
        "Resources:\n"
        "  Api:\n"
        "    Type: AWS::ApiGateway::RestApi\n"
        "  Deploy:\n"
        "    Type: AWS::ApiGateway::Deployment\n"
        "    Properties:\n"
        "      RestApiId: !Ref Api\n"
        "      StageName: beta\n"
        "      StageDescription:\n"
        "        TracingEnabled: true\n"
        "        ThrottlingRateLimit: 7\n"
        "        ThrottlingBurstLimit: 9\n"
        "  Runner:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      RoleName: runner\n"
        "  ByName:\n"
        "    Type: AWS::IAM::Policy\n"
        "    Properties:\n"
        "      Roles: [runner]\n"
        "      PolicyDocument:\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Action: s3:ListBucket\n"
        "            Resource: '*'\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      FunctionName: jobs\n"
        "      Role: !GetAtt Runner.Arn\n"
        "  Mapping:\n"
        "    Type: AWS::Lambda::EventSourceMapping\n"
        "    Properties:\n"
        "      FunctionName: jobs\n"
        "      EventSourceArn: arn:aws:sqs:eu-west-1:123456789012:jobs\n"
        "  Sub:\n"
        "    Type: AWS::SNS::Subscription\n"
        "    Properties:\n"
        "      Protocol: lambda\n"
        "      TopicArn: arn:aws:sns:eu-west-1:123456789012:news\n"
        "      Endpoint: arn:aws:lambda:eu-west-1:123456789012:function:jobs\n"
        "  Every:\n"
        "    Type: AWS::Scheduler::Schedule\n"
        "    Properties:\n"
        "      ScheduleExpression: rate(5 minutes)\n"
        "      FlexibleTimeWindow: {Mode: 'OFF'}\n"
        "      Target: {Arn: !GetAtt Fn.Arn, RoleArn: !GetAtt Runner.Arn}\n"
    )
    app = load_template(parse(text).data, _ctx(tmp_path), "cloudformation")
    assert app.diagnostics == []
    api = app.apis["serverless.yml#Api"]
    assert (api.stage, api.tracing) == ("beta", True)
    assert api.throttling is not None and (api.throttling.rate, api.throttling.burst) == (7, 9)
    (statement,) = app.roles["serverless.yml#Runner"].statements
    assert statement.actions == ("s3:ListBucket",) and statement.location.line == 23
    kinds = {(t.kind, t.location.line) for t in app.functions["serverless.yml#Fn"].triggers}
    assert kinds == {("sqs", 31), ("sns", 36), ("schedule", 42)}


def test_local_code_folders_before_packaging_and_image_build_context(tmp_path):
    text = (
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Packaged:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Code: ./workers/\n"
        "      Handler: main.handler\n"
        "  Image:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties:\n"
        "      PackageType: Image\n"
        "    Metadata:\n"
        "      DockerContext: ./image\n"
        "      Dockerfile: Dockerfile\n"
    )
    ctx = LoadContext(root=str(tmp_path), file="svc/template.yaml")
    app = load_template(parse(text).data, ctx, "sam")
    assert app.functions["svc/template.yaml#Packaged"].code_dir == "svc/workers"
    image = app.functions["svc/template.yaml#Image"]
    assert image.code_dir == "svc/image" and "image_uri" in image.properties


def test_service_integrations_name_the_resource_they_write_to(tmp_path):
    """A route no function serves records the queue/stream/... its service integration
    hands requests to (`Route.target`); the integration's credentials role is not it."""
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Jobs: {Type: AWS::SQS::Queue}\n"
        "  Clicks: {Type: AWS::Kinesis::Stream}\n"
        "  Writer: {Type: AWS::IAM::Role}\n"
        "  Rest: {Type: AWS::ApiGateway::RestApi}\n"
        "  JobsPost:\n    Type: AWS::ApiGateway::Method\n    Properties:\n"
        "      RestApiId: !Ref Rest\n      ResourceId: !GetAtt Rest.RootResourceId\n"
        "      HttpMethod: POST\n      AuthorizationType: NONE\n"
        "      Integration:\n        Type: AWS\n        IntegrationHttpMethod: POST\n"
        "        Credentials: !GetAtt Writer.Arn\n"
        "        Uri: !Sub arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/"
        "${Jobs.QueueName}\n"
        "  Mocked:\n    Type: AWS::ApiGateway::Method\n    Properties:\n"
        "      RestApiId: !Ref Rest\n      ResourceId: !GetAtt Rest.RootResourceId\n"
        "      HttpMethod: GET\n      AuthorizationType: NONE\n"
        "      Integration: {Type: MOCK}\n"
        "  Http: {Type: AWS::ApiGatewayV2::Api, Properties: {ProtocolType: HTTP}}\n"
        "  ToStream:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties:\n"
        "      ApiId: !Ref Http\n      IntegrationType: AWS_PROXY\n"
        "      IntegrationSubtype: Kinesis-PutRecord\n      CredentialsArn: !GetAtt Writer.Arn\n"
        "      RequestParameters: {StreamName: !Ref Clicks, Data: $request.body}\n"
        "  Click:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n"
        "      ApiId: !Ref Http\n      RouteKey: POST /click\n"
        "      Target: !Sub integrations/${ToStream}\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert sorted((r.method, r.path, r.function, r.target) for r in app.routes) == [
        ("GET", "/", None, None),
        ("POST", "/", None, "template.yaml#Jobs"),
        ("POST", "/click", None, "template.yaml#Clicks")]


def test_metric_math_alarms_watch_each_metric_they_read(tmp_path):
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Rate:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Metrics:\n"
        "        - {Id: pct, Expression: 100 * e / n}\n"
        "        - Id: n\n          MetricStat:\n            Metric:\n"
        "              {Namespace: AWS/Lambda, MetricName: Invocations}\n"
        "        - Id: e\n          MetricStat:\n            Metric:\n"
        "              Namespace: AWS/Lambda\n              MetricName: Errors\n"
        "              Dimensions: [{Name: FunctionName, Value: worker}]\n"
        "  Plain:\n    Type: AWS::CloudWatch::Alarm\n"
        "    Properties: {Namespace: AWS/SQS, MetricName: ApproximateAgeOfOldestMessage}\n")
    app = load_fixture(tmp_path, "template.yaml")
    assert [(a.id, a.metric, a.dimensions, a.location.line) for a in app.alarms] == [
        ("template.yaml#Rate:n", "Invocations", {}, 2),
        ("template.yaml#Rate:e", "Errors", {"FunctionName": "worker"}, 2),
        ("template.yaml#Plain", "ApproximateAgeOfOldestMessage", {}, 17)]


def test_a_metric_math_alarm_watches_only_what_its_returned_expression_reads(tmp_path):
    """The alarm watches the one query with ReturnData (default true): a MetricStat query
    with ReturnData false that no expression it reads names is not watched (an Errors query
    left out of the expression is no Errors alarm); METRICS() reads every metric."""
    def metric(query_id: str, name: str) -> str:
        return (f"        - Id: {query_id}\n          ReturnData: false\n"
                "          MetricStat:\n            Metric:\n"
                f"              {{Namespace: AWS/Lambda, MetricName: {name}}}\n")
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Calls:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Metrics:\n"
        "        - {Id: out, Expression: inner * 2}\n"
        "        - {Id: inner, Expression: n + 1, ReturnData: false}\n"
        + metric("n", "Invocations") + metric("e", "Errors") +
        "  Every:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Metrics:\n"
        "        - {Id: total, Expression: SUM(METRICS())}\n"
        + metric("t", "Throttles") + metric("e", "Errors"))
    app = load_fixture(tmp_path, "template.yaml")
    assert [(a.id, a.metric) for a in app.alarms] == [
        ("template.yaml#Calls:n", "Invocations"),
        ("template.yaml#Every:t", "Throttles"), ("template.yaml#Every:e", "Errors")]
