"""Serverless Framework services shaped like real projects: the model and diagnostics.

Each test reproduces a problem met on public services (fixtures written by us)."""

from pathlib import Path

from faasguard.model import Ref, Unknown
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"


def _service(root, text, **options):
    """Scan a service made of this serverless.yml and a Node.js handler file h.js."""
    from faasguard.analysis.facts import Options

    (root / "serverless.yml").write_text(text)
    (root / "h.js").write_text("exports.f = async () => 1;\n")
    return scan(str(root), Options(**options))


def test_a_file_included_with_file_is_part_of_the_service_not_a_template():
    # resources/tables.yml alone looks like a CloudFormation template; read through
    # `${file()}` it belongs to the service: its table is modelled once, not twice
    result = scan(str(FIXTURES / "included-resources"))
    tables = sorted(r for r in result.app.resources if r.endswith("#NotesTable"))
    assert tables == ["serverless.yml#NotesTable"]
    assert sorted(result.app.functions) == ["serverless.yml#saveNote"]
    counted = {f.rule_id for f in result.findings if "NotesTable" in f.message}
    assert counted and all(
        sum("NotesTable" in f.message for f in result.findings if f.rule_id == rule) == 1
        for rule in counted)
    files = {(f.path, f.format) for f in result.app.files}
    assert ("resources/tables.yml", "serverless") in files
    assert not any(fmt == "cloudformation" for _, fmt in files)
    assert result.files_scanned == 4  # serverless.yml, its two files, notes.py


def _diagnostics(root):
    return sorted((d.line, d.level, d.code, d.message) for d in scan(str(root)).diagnostics)


def test_a_missing_included_file_is_reported_once(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  iam:\n    role:\n      statements: ${file(config/iam.yml):dev}\n"
        "functions:\n  f:\n    handler: h.f\n"
        "resources:\n  Resources:\n    Role: ${file(./resource/Role.yml)}\n")
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    assert _diagnostics(tmp_path) == [
        (7, "warning", "variables", "${file(config/iam.yml)}: no such file; value left unknown"),
        (13, "warning", "variables",
         "${file(./resource/Role.yml)}: no such file; value left unknown")]


def test_statements_and_resources_known_only_at_deploy_time_are_a_note(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  iam:\n    role:\n      statements: ${ssm:/app/statements}\n"
        "functions:\n  f:\n    handler: h.f\n"
        "resources:\n  Resources:\n    Queue: ${ssm:/app/queue}\n")
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    assert _diagnostics(tmp_path) == [
        (7, "note", "input", "statements: its value comes from ${ssm:/app/statements}, known "
         "only at deploy time; not modelled"),
        (13, "note", "input", "resource Queue: its value comes from ${ssm:/app/queue}, known "
         "only at deploy time; not modelled")]


def test_sources_that_wait_for_the_answer_are_not_asynchronous(tmp_path):
    # Alexa and the IoT pre-provisioning hook invoke synchronously: no DLQ can apply
    result = _service(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n"
        "  skill:\n    handler: h.f\n    events:\n      - alexaSkill: amzn1.ask.skill.1\n"
        "  home:\n    handler: h.f\n    events:\n      - alexaSmartHome: amzn1.ask.skill.2\n"
        "  hook:\n    handler: h.f\n    events:\n"
        "      - iotFleetProvisioning:\n          templateBody: {}\n"
        "          provisioningRoleArn: arn:aws:iam::123456789012:role/p\n"
        "  nightly:\n    handler: h.f\n    events:\n      - sns: alerts\n")
    asynchronous = {name.split("#")[1]: [t.asynchronous for t in f.triggers]
                    for name, f in result.app.functions.items()}
    assert asynchronous == {"skill": [False], "home": [False], "hook": [False],
                            "nightly": [True]}
    assert [f.message.split("'")[1] for f in result.findings if f.rule_id == "FG-MON-007"] \
        == ["nightly"]


def test_serverless_lift_queue_worker_is_a_function(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "plugins:\n  - serverless-lift\n"
        "constructs:\n"
        "  jobs:\n    type: queue\n    worker:\n      handler: worker.run\n      timeout: 30\n"
        "  uploads:\n    type: storage\n"
        "functions:\n  api:\n    handler: worker.run\n"
        "    environment:\n      QUEUE_URL: ${construct:jobs.queueUrl}\n")
    (tmp_path / "worker.py").write_text("def run(event, context):\n    return None\n")
    result = scan(str(tmp_path))
    worker = result.app.functions["serverless.yml#jobsWorker"]
    assert (worker.location.line, worker.timeout_s, worker.source_file) == (10, 30, "worker.py")
    assert [(t.kind, t.location.line) for t in worker.triggers] == [("sqs", 10)]
    assert sorted(result.app.functions) == ["serverless.yml#api", "serverless.yml#jobsWorker"]
    assert result.diagnostics == []  # ${construct:...} is known at deploy time: no warning


_LIFT_PUBLISHER = (
    "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
    "plugins:\n  - serverless-lift\n{lift}"
    "constructs:\n  jobs:\n    type: queue\n    worker:\n      handler: app.work\n"
    "functions:\n  publish:\n    handler: app.publish\n"
    "    environment:\n      QUEUE_URL: ${{construct:jobs.queueUrl}}\n")
_LIFT_CODE = (
    "import os\n\nimport boto3\n\nsqs = boto3.client('sqs')\n\n\n"
    "def publish(event, context):\n"
    "    sqs.send_message(QueueUrl=os.environ['QUEUE_URL'], MessageBody='job')\n\n\n"
    "def work(event, context):\n    return None\n")


def test_serverless_lift_grants_every_function_sending_to_its_queues(tmp_path):
    # Lift adds sqs:SendMessage and sqs:ChangeMessageVisibility on each queue construct's
    # queue to the provider's statements: the publisher's call is allowed (no FG-PERM-103)
    (tmp_path / "serverless.yml").write_text(_LIFT_PUBLISHER.format(lift=""))
    (tmp_path / "app.py").write_text(_LIFT_CODE)
    result = scan(str(tmp_path))
    role = result.app.roles["serverless.yml#IamRoleLambdaExecution"]
    assert [(s.actions, s.resources, s.location.line) for s in role.statements] == [
        (("sqs:SendMessage", "sqs:ChangeMessageVisibility"),
         (Ref("serverless.yml#jobsQueue", "Arn"),), 8)]  # the queue Lift deploys
    assert {f.role for f in result.app.functions.values()} == {
        "serverless.yml#IamRoleLambdaExecution"}
    assert not [f for f in result.findings if f.rule_id == "FG-PERM-103"]
    # the worker holds the grant too, but only the publisher's code sends: no loop
    assert not [f for f in result.findings if f.rule_id == "FG-WALLET-004"]


def test_serverless_lift_without_automatic_permissions_grants_nothing(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        _LIFT_PUBLISHER.format(lift="lift:\n  automaticPermissions: false\n"))
    (tmp_path / "app.py").write_text(_LIFT_CODE)
    result = scan(str(tmp_path))
    assert result.app.roles["serverless.yml#IamRoleLambdaExecution"].statements == []
    assert [f.message.split("'")[1] for f in result.findings
            if f.rule_id == "FG-PERM-103"] == ["publish"]


def test_serverless_lift_worker_may_name_a_function(tmp_path):
    # `worker: <function>` subscribes that function to the queue; maxConcurrency is the
    # SQS event's maximum concurrency
    result = _service(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "plugins:\n  - serverless-lift\n"
        "constructs:\n  jobs:\n    type: queue\n    worker: consume\n"
        "    maxConcurrency: 5\n"
        "functions:\n  consume:\n    handler: h.f\n")
    assert sorted(result.app.functions) == ["serverless.yml#consume"]
    triggers = result.app.functions["serverless.yml#consume"].triggers
    assert [(t.kind, t.max_concurrency, t.location.line) for t in triggers] == [("sqs", 5, 10)]
    assert result.diagnostics == []
    assert not [f for f in result.findings if f.rule_id == "FG-WALLET-005"]


def test_constructs_without_the_lift_plugin_add_no_function(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "constructs:\n  jobs:\n    type: queue\n    worker:\n      handler: worker.run\n")
    assert scan(str(tmp_path)).app.functions == {}


def test_a_section_read_from_a_file_may_refer_to_itself_through_self(tmp_path):
    # `custom: ${file(common.yml):custom}` whose values use ${self:custom.<key>}: the
    # framework resolves them lazily, key by key; no cycle
    (tmp_path / "common.yml").write_text(
        "custom:\n  domains:\n    dev: api-dev.example.com\n"
        "  domain: ${self:custom.domains.${sls:stage}}\n  table: orders-${sls:stage}\n")
    result = _service(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  environment:\n    DOMAIN: ${self:custom.domain}\n    TABLE: ${self:custom.table}\n"
        "custom: ${file(common.yml):custom}\n"
        "functions:\n  f:\n    handler: h.f\n")
    assert result.diagnostics == []
    env = result.app.functions["serverless.yml#f"].environment
    assert (env["DOMAIN"].value, env["TABLE"].value) == ("api-dev.example.com", "orders-dev")


def test_a_real_cycle_through_a_file_section_is_still_reported(tmp_path):
    (tmp_path / "common.yml").write_text("custom:\n  a: ${self:custom.a}\n")
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  environment:\n    A: ${self:custom.a}\n"
        "custom: ${file(common.yml):custom}\n")
    # reported where the value that names itself is written
    assert [(d.file, d.line, d.message) for d in scan(str(tmp_path)).diagnostics] == [
        ("common.yml", 2, "variable cycle: self:custom.a -> self:custom.a; value left unknown")]


def test_a_missing_file_used_many_times_is_reported_once(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  environment:\n    ENV: ${file(./config.${sls:stage}.json):ENVIRONMENT}\n"
        "    KEY: ${file(./config.${sls:stage}.json):REQUIRE_API_KEY}\n"
        "    OTHER: ${file(./other.json):X}\n")
    assert [(d.line, d.message) for d in scan(str(tmp_path)).diagnostics] == [
        (6, "${file(./config.dev.json)}: no such file; value left unknown"),
        (8, "${file(./other.json)}: no such file; value left unknown")]


V4_PROVIDER = (
    "service: s\nframeworkVersion: '4'\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
    "  iam:\n    role:\n{mode}      statements:\n        - Effect: Allow\n"
    "          Action: sqs:SendMessage\n          Resource: '*'\n"
    "      managedPolicies:\n        - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\n")


def _roles(tmp_path, text):
    (tmp_path / "serverless.yml").write_text(text)
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    app = scan(str(tmp_path)).app
    out = {}
    for function in app.functions.values():
        role = app.roles[function.role]
        out[function.id.split("#")[1]] = (
            role.id.split("#")[1], sorted({a for s in role.statements for a in s.actions}),
            [str(arn).rsplit("/", 1)[-1] for arn in role.managed_policy_arns])
    return out, sorted(r.split("#")[1] for r in app.roles)


def test_v4_function_iam_role_statements_make_a_role_of_its_own(tmp_path):
    # framework v4: functions.<name>.iam.role.statements/managedPolicies, provider
    # statements merged only with iam.inheritStatements: true
    roles, all_roles = _roles(tmp_path, V4_PROVIDER.format(mode="") + (
        "functions:\n"
        "  reader:\n    handler: h.f\n    iam:\n      role:\n        statements:\n"
        "          - Effect: Allow\n            Action: dynamodb:GetItem\n"
        "            Resource: arn:aws:dynamodb:us-east-1:123456789012:table/t\n"
        "  tracer:\n    handler: h.f\n    iam:\n      inheritStatements: true\n"
        "      role:\n        managedPolicies:\n"
        "          - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"
        "  other:\n    handler: h.f\n"))
    assert roles["reader"] == ("ReaderIamRoleLambdaExecution", ["dynamodb:GetItem"], [])
    assert roles["tracer"][0] == "TracerIamRoleLambdaExecution"
    assert "sqs:SendMessage" in roles["tracer"][1] and "s3:Get*" in roles["tracer"][1]
    assert roles["tracer"][2] == ["AmazonS3ReadOnlyAccess"]
    assert roles["other"][0] == "IamRoleLambdaExecution"
    assert "sqs:SendMessage" in roles["other"][1] and "xray:PutTraceSegments" in roles["other"][1]
    assert roles["other"][2] == ["AWSXRayDaemonWriteAccess"]


def test_v4_per_function_mode_gives_every_function_its_role(tmp_path):
    roles, all_roles = _roles(tmp_path, V4_PROVIDER.format(mode="      mode: perFunction\n") + (
        "functions:\n"
        "  list:\n    handler: h.f\n"
        "  get:\n    handler: h.f\n    iam:\n      inheritStatements: false\n"))
    assert all_roles == ["GetIamRoleLambdaExecution", "ListIamRoleLambdaExecution"]
    assert "sqs:SendMessage" in roles["list"][1]
    assert roles["list"][2] == roles["get"][2] == ["AWSXRayDaemonWriteAccess"]
    # without the provider's statements: the managed policies (always inherited) remain
    assert "sqs:SendMessage" not in roles["get"][1]
    assert "xray:PutTraceSegments" in roles["get"][1]


def test_a_provider_role_given_by_arn_is_used_by_every_function(tmp_path):
    roles, all_roles = _roles(tmp_path, (
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  iam:\n    role: arn:aws:iam::123456789012:role/shared\n"
        "functions:\n  f:\n    handler: h.f\n    iam:\n      role:\n        statements:\n"
        "          - Effect: Allow\n            Action: s3:GetObject\n            Resource: '*'\n"))
    assert all_roles == ["IamRoleLambdaExecution"] and roles["f"][1] == []


def test_a_shared_file_above_the_scanned_folder_is_refused_once_with_the_way_out(tmp_path):
    service = tmp_path / "services" / "events"
    service.mkdir(parents=True)
    (tmp_path / "common.yml").write_text("provider:\n  stage: dev\n  runtime: nodejs20.x\n")
    (service / "serverless.yml").write_text(
        "service: events\nprovider:\n  name: aws\n"
        "  stage: ${file(../../common.yml):provider.stage}\n"
        "  runtime: ${file(../../common.yml):provider.runtime}\n")
    assert [(d.line, d.message) for d in scan(str(service)).diagnostics] == [
        (4, "${file(../../common.yml)} refused: the path leaves the scanned folder; value "
         "left unknown (scan a folder that holds it, such as the repository's root, to read "
         "it)")]
    assert scan(str(tmp_path)).diagnostics == []


def test_an_authorizer_left_empty_on_this_stage_protects_nothing(tmp_path):
    # `${self:custom.auth.${sls:stage}, ''}`: aws_iam on prod, none on dev
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "custom:\n  auth:\n    prod: aws_iam\n"
        "functions:\n  f:\n    handler: h.f\n    events:\n"
        "      - http:\n          path: state\n          method: get\n"
        "          authorizer: ${self:custom.auth.${sls:stage}, ''}\n"
        "      - httpApi:\n          path: /state\n          method: get\n"
        "          authorizer: ${self:custom.auth.${sls:stage}, ''}\n"
        "      - websocket:\n          route: $connect\n          authorizer: ''\n")
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    from faasguard.analysis.facts import Options

    dev = scan(str(tmp_path), Options(stage="dev"))
    assert [r.authorizer for r in dev.app.routes] == [None, None, None]
    assert [f.rule_id for f in dev.findings].count("FG-AUTH-002") == 3  # REST, HTTP, $connect
    prod = scan(str(tmp_path), Options(stage="prod"))
    assert [r.authorizer.kind if r.authorizer else None for r in prod.app.routes] == \
        ["iam", "iam", None]


def test_a_container_image_function_has_no_runtime_and_no_missing_handler(tmp_path):
    # the provider's runtime is not applied to an image (no FG-TP-005 for its version)
    result = _service(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs16.x\n"
        "  ecr:\n    images:\n      app:\n        path: ./\n"
        "functions:\n  a:\n    image:\n      name: app\n      command: [app.handler]\n"
        "  b:\n    image: app\n    runtime: python3.12\n"
        "  c:\n    handler: h.f\n    events:\n      - http:\n")
    assert sorted((d.line, d.level, d.message) for d in result.diagnostics) == [
        (14, "note", "function 'b': its code is in a container image (app), which the scan "
         "does not read; its code was not analysed"),
        (20, "warning", "http event settings are not understood (empty); ignored")]
    assert {f.id.split("#")[1]: f.runtime for f in result.app.functions.values()} == {
        "a": None, "b": "python3.12", "c": "nodejs16.x"}
    assert [f.message.split("'")[1] for f in result.findings if f.rule_id == "FG-TP-005"] \
        == ["c"]


def test_serverless_compose_passes_its_params_to_each_service(tmp_path):
    api = tmp_path / "services" / "api"
    api.mkdir(parents=True)
    (tmp_path / "serverless-compose.yml").write_text(
        "services:\n  db:\n    path: services/db\n"
        "  api:\n    path: services/api\n    params:\n"
        "      tableName: ${db.tableName}\n      region: eu-west-1\n")
    (api / "serverless.yml").write_text(
        "service: api\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  region: ${param:region}\n  environment:\n    TABLE: ${param:tableName}\n"
        "    AGAIN: ${param:tableName}\n    OTHER: ${param:other}\n"
        "    MORE: ${param:other}\n"
        "functions:\n  f:\n    handler: h.f\n")
    (api / "h.js").write_text("exports.f = async () => 1;\n")
    result = scan(str(tmp_path))
    env = result.app.functions["services/api/serverless.yml#f"].environment
    assert env["TABLE"].value == Unknown("compose:${db.tableName}")  # another service's output
    assert result.app.functions["services/api/serverless.yml#f"].name == "api-dev-f"
    # a parameter neither compose nor the service defines: said once
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (9, "${param:other} is not defined for stage 'dev' (nor in default); value left "
         "unknown")]


def test_the_log_retention_plugin_sets_every_function_s_retention(tmp_path):
    result = _service(
        tmp_path,
        "service: s\nplugins:\n  - serverless-plugin-log-retention\n"
        "custom:\n  logRetentionInDays: 30\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  a:\n    handler: h.f\n  b:\n    handler: h.f\n    logRetentionInDays: 7\n")
    assert {f.id.split("#")[1]: f.log_retention_days
            for f in result.app.functions.values()} == {"a": 30, "b": 7}
    assert "FG-MON-004" not in {f.rule_id for f in result.findings}
    # without the plugin, custom.logRetentionInDays means nothing
    (tmp_path / "serverless.yml").write_text(
        "service: s\ncustom:\n  logRetentionInDays: 30\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  a:\n    handler: h.f\n")
    assert scan(str(tmp_path)).app.functions["serverless.yml#a"].log_retention_days is None


ALERTS = (
    "service: s\nplugins:\n  - serverless-plugin-aws-alerts\n"
    "custom:\n  alerts:\n{stages}    alarms:\n      - functionErrors\n      - functionThrottles\n"
    "provider:\n  name: aws\n  runtime: nodejs20.x\n"
    "functions:\n  a:\n    handler: h.f\n"
    "  b:\n    handler: h.f\n    alarms:\n"
    "      - name: functionThrottles\n        enabled: false\n")


def _mon006(tmp_path, text, **options):
    (tmp_path / "serverless.yml").write_text(text)
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    from faasguard.analysis.facts import Options

    result = scan(str(tmp_path), Options(**options))
    return result, [f.properties["functions"] for f in result.findings
                    if f.rule_id == "FG-MON-006"]


def test_the_aws_alerts_plugin_s_alarms_watch_every_function(tmp_path):
    result, unwatched = _mon006(tmp_path, ALERTS.format(stages=""))
    assert sorted((a.id.split("#")[1], a.metric) for a in result.app.alarms) == [
        ("a:functionErrors", "Errors"), ("a:functionThrottles", "Throttles"),
        ("b:functionErrors", "Errors")]
    assert unwatched == [["b"]]  # b turned its throttles alarm off


def test_the_aws_alerts_plugin_only_deploys_to_its_stages(tmp_path):
    text = ALERTS.format(stages="    stages:\n      - production\n")
    assert _mon006(tmp_path, text)[1] == [["a", "b"]]  # the scan's stage: dev
    assert _mon006(tmp_path, text, stage="production")[1] == [["b"]]


def test_the_api_gateway_throttling_plugin_throttles_the_stage_and_routes(tmp_path):
    result = _service(
        tmp_path,
        "service: s\nplugins:\n  - serverless-api-gateway-throttling\n"
        "custom:\n  apiGatewayThrottling:\n    maxRequestsPerSecond: 100\n"
        "    maxConcurrentRequests: 50\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  f:\n    handler: h.f\n    events:\n"
        "      - http:\n          path: a\n          method: get\n"
        "      - http:\n          path: b\n          method: get\n"
        "          throttling:\n            maxRequestsPerSecond: 10\n"
        "      - http:\n          path: c\n          method: get\n"
        "          throttling:\n            disabled: true\n"
        "      - httpApi: GET /d\n")
    assert {a.kind: (a.throttling.rate, a.throttling.burst)
            for a in result.app.apis.values()} == {"rest": (100, 50), "http": (100, 50)}
    routes = {r.path: r.throttling for r in result.app.routes}
    assert routes["/a"] is None and routes["/d"] is None  # the stage's
    # disabled: the method's limits are -1, the stage's do not apply: no limit of its own
    assert (routes["/c"].rate, routes["/c"].burst) == (None, None)
    assert (routes["/b"].rate, routes["/b"].burst) == (10, 50)
    # the stages are throttled: no API-wide FG-WALLET-002 (a disabled route is the rule's
    # own business)
    assert not {f.subject for f in result.findings if f.rule_id == "FG-WALLET-002"} & \
        {"api:ApiGatewayRestApi", "api:HttpApi"}


def test_the_tracing_plugin_s_provider_tracing_true_traces_every_function(tmp_path):
    text = ("service: s\n{plugins}provider:\n  name: aws\n  runtime: nodejs20.x\n"
            "  tracing: true\n"
            "functions:\n  a:\n    handler: h.f\n  b:\n    handler: h.f\n    tracing: false\n")
    traced = _service(tmp_path, text.format(plugins="plugins:\n  - serverless-plugin-tracing\n"))
    assert {f.id.split("#")[1]: f.tracing for f in traced.app.functions.values()} == {
        "a": "Active", "b": None}
    plain = _service(tmp_path, text.format(plugins=""))  # not the framework's own syntax
    assert {f.tracing for f in plain.app.functions.values()} == {None}


def test_a_global_disabled_is_no_setting_of_the_throttling_plugin(tmp_path):
    # the plugin documents only the two limits: `disabled` under custom leaves the stage
    # at its defaults (the account's limits: no throttle of the service's) and the
    # routes' own settings still apply
    result = _service(
        tmp_path,
        "service: s\nplugins:\n  - serverless-api-gateway-throttling\n"
        "custom:\n  apiGatewayThrottling:\n    disabled: true\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  f:\n    handler: h.f\n    events:\n"
        "      - http:\n          path: a\n          method: get\n"
        "      - http:\n          path: b\n          method: get\n"
        "          throttling:\n            maxRequestsPerSecond: 10\n")
    assert [a.throttling for a in result.app.apis.values()] == [None]
    routes = {r.path: r.throttling for r in result.app.routes}
    assert routes["/a"] is None
    assert (routes["/b"].rate, routes["/b"].burst) == (10, 5000)


def test_throttling_plugin_zero_stage_limits_are_its_defaults(tmp_path):
    result = _service(
        tmp_path,
        "service: s\nplugins:\n  - serverless-api-gateway-throttling\n"
        "custom:\n  apiGatewayThrottling:\n    maxRequestsPerSecond: 0\n"
        "    maxConcurrentRequests: 20\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  f:\n    handler: h.f\n    events:\n      - httpApi: GET /a\n")
    (api,) = result.app.apis.values()
    assert (api.throttling.rate, api.throttling.burst) == (10_000, 20)


def test_the_functions_base_path_plugin_puts_its_folder_before_each_handler(tmp_path):
    # serverless-functions-base-path: custom.functionsBasePath + handler (a leading `/` of
    # the handler is only a separator, as the plugin's path join reads it)
    (tmp_path / "src" / "fns").mkdir(parents=True)
    (tmp_path / "src" / "fns" / "users.js").write_text("exports.get = async () => 1;\n")
    (tmp_path / "src" / "fns" / "orders.py").write_text("def list_all(event, context):\n"
                                                        "    return 1\n")
    text = ("service: s\n{plugins}custom:\n  functionsBasePath: src/fns\n"
            "provider:\n  name: aws\n  runtime: nodejs20.x\n"
            "functions:\n  users:\n    handler: /users.get\n"
            "  orders:\n    handler: orders.list_all\n    runtime: python3.12\n")
    (tmp_path / "serverless.yml").write_text(
        text.format(plugins="plugins:\n  - serverless-functions-base-path\n"))
    result = scan(str(tmp_path))
    functions = result.app.functions
    assert functions["serverless.yml#users"].handler == "src/fns/users.get"
    assert functions["serverless.yml#users"].source_file == "src/fns/users.js"
    assert functions["serverless.yml#orders"].source_file == "src/fns/orders.py"
    assert not result.diagnostics
    # without the plugin the folder is not added: the handlers are not found
    (tmp_path / "serverless.yml").write_text(text.format(plugins=""))
    result = scan(str(tmp_path))
    assert result.app.functions["serverless.yml#users"].source_file is None
    assert sorted(d.code for d in result.diagnostics) == ["handler", "handler"]


def test_rest_authorizers_get_the_frameworks_default_identity_source(tmp_path):
    # the framework fills in `method.request.header.Authorization` for an `http` event's
    # authoriser without identitySource, but for a REQUEST one whose cache is off
    result = _service(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "functions:\n  check:\n    handler: h.f\n  f:\n    handler: h.f\n    events:\n"
        "      - http: {path: a, method: post, authorizer: {name: check, type: request}}\n"
        "      - http: {path: b, method: post, authorizer: {name: check, type: request,"
        " resultTtlInSeconds: 0}}\n"
        "      - http: {path: c, method: post, authorizer: {name: check, type: request,"
        " identitySource: method.request.header.X-Key}}\n"
        "      - http: {path: d, method: post, authorizer: {arn: 'arn:aws:cognito-idp:"
        "us-east-1:123456789012:userpool/us-east-1_abc'}}\n")
    sources = {r.path: r.authorizer.identity_sources for r in result.app.routes
               if r.authorizer is not None}
    assert sources == {"/a": ("method.request.header.Authorization",), "/b": (),
                       "/c": ("method.request.header.X-Key",),
                       "/d": ("method.request.header.Authorization",)}
    flagged = {f.location.line for f in result.findings
               if f.rule_id == "FG-AUTH-005" and "no identity source" in f.message}
    assert flagged == {12}  # only the uncached REQUEST authoriser names no identity source


def test_the_associate_waf_plugin_protects_the_rest_api(tmp_path):
    text = ("service: s\n{plugins}custom:\n  associateWaf:\n    name: edge-acl\n"
            "    version: V2\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
            "functions:\n  f:\n    handler: h.f\n    events:\n      - http: GET a\n")
    result = _service(tmp_path, text.format(plugins="plugins:\n  - serverless-associate-waf\n"))
    (api,) = result.app.apis.values()
    assert api.properties["waf_web_acl"] == "edge-acl"
    result = _service(tmp_path, text.format(plugins=""))  # not deployed without the plugin
    (api,) = result.app.apis.values()
    assert "waf_web_acl" not in api.properties
