"""serverless-lift constructs beyond the queue: webhooks (a public route, protected by an
authoriser function unless `insecure: true`), storage buckets, single-table databases and
static websites, with the permissions Lift gives every function and construct extensions."""

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"
FILE = "serverless.yml#"


def _result():
    return scan(str(FIXTURES / "lift"))


def _findings(result):
    return {(f.rule_id, str(f.location)) for f in result.findings}


def test_a_webhook_is_a_public_route_on_its_own_http_api():
    app = _result().app
    routes = {r.path: r for r in app.routes}
    stripe, github = routes["/stripe"], routes["/github"]
    assert (stripe.api, stripe.api_kind, stripe.method, str(stripe.location)) == \
        (FILE + "stripeHttpApi", "http", "POST", "serverless.yml:15")
    assert stripe.authorizer is not None and stripe.authorizer.kind == "lambda-request"
    assert stripe.authorizer.identity_sources == ("$request.header.Authorization",)
    assert github.api == FILE + "githubHttpApi" and github.function is None
    assert github.authorizer is None or github.authorizer.kind == "none"  # insecure: true
    assert app.apis[FILE + "stripeHttpApi"].throttling is None


def test_the_webhook_authorizer_is_a_function_of_the_service():
    authorizer = _result().app.functions[FILE + "stripeAuthorizer"]
    assert str(authorizer.location) == "serverless.yml:18"
    assert (authorizer.source_file, authorizer.handler_name) == ("handler.py", "check_signature")


def test_rules_see_the_insecure_webhook_and_not_the_protected_one():
    found = _findings(_result())
    assert ("FG-AUTH-002", "serverless.yml:20") in found  # github: insecure
    assert ("FG-AUTH-002", "serverless.yml:15") not in found  # stripe: authoriser
    assert ("FG-WALLET-002", "serverless.yml:15") in found  # its stage has no throttle


def test_storage_buckets_as_lift_deploys_them():
    resources = _result().app.resources
    avatars, downloads = resources[FILE + "avatarsBucket"], resources[FILE + "downloadsBucket"]
    assert (avatars.kind, avatars.encryption, avatars.public_access_block) == \
        ("bucket", "sse-s3", True)
    assert avatars.properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert (downloads.encryption, downloads.public_access_block) == ("aws-managed", False)
    found = _findings(_result())
    assert ("FG-DATA-009", "serverless.yml:24") not in found  # private by default
    assert ("FG-DATA-009", "serverless.yml:26") in found  # publicPath opens it
    assert ("FG-DATA-009", "serverless.yml:35") in found  # an extension opens it


def test_storage_bucket_policies_refuse_plain_http_and_publish_the_public_path():
    policies = [p for p in _result().app.resource_policies if p.id.startswith(FILE + "downloads")]
    statements = sorted((p.statement.effect, p.statement.actions, p.statement.principals,
                         p.statement.resources[-1]) for p in policies)
    assert statements == [
        ("Allow", ("s3:GetObject",), ("*",), "${downloadsBucket.Arn}/public/*"),
        ("Deny", ("s3:*",), ("*",), "${downloadsBucket.Arn}/*")]
    deny = next(p.statement for p in policies if p.statement.effect == "Deny")
    assert deny.conditions == {"Bool": {"aws:SecureTransport": "false"}}


def test_single_table_database_and_website_bucket():
    resources = _result().app.resources
    table = resources[FILE + "dataTable"]
    assert table.kind == "table" and table.properties["point_in_time_recovery"] is True
    assert table.properties["stream_view_type"] == "NEW_AND_OLD_IMAGES"
    site = resources[FILE + "siteBucket"]
    assert (site.kind, site.public_access_block, str(site.location)) == \
        ("bucket", True, "serverless.yml:32")


def test_every_function_may_use_the_storage_and_the_table():
    role = _result().app.roles[FILE + "IamRoleLambdaExecution"]
    granted = {(s.actions[0], str(s.resources[0])) for s in role.statements}
    assert ("s3:PutObject", "${serverless.yml#avatarsBucket.Arn}") in granted
    assert ("dynamodb:GetItem", "${serverless.yml#dataTable.Arn}") in granted
    table = next(s for s in role.statements if s.actions[0] == "dynamodb:GetItem")
    assert table.resources[1] == "${dataTable.Arn}/index/*"


SERVICE = ("service: s\n{plugins}provider:\n  name: aws\n  runtime: python3.12\n"
           "{lift}functions:\n  f:\n    handler: h.f\n"
           "constructs:\n  files:\n    type: storage\n  hook:\n    type: webhook\n"
           "    path: /hook\n")


def _service(tmp_path, plugins="plugins:\n  - serverless-lift\n", lift=""):
    (tmp_path / "serverless.yml").write_text(SERVICE.format(plugins=plugins, lift=lift))
    (tmp_path / "h.py").write_text("def f(event, context):\n    return 1\n")
    return scan(str(tmp_path))


def test_no_automatic_permissions_when_lift_is_told_so(tmp_path):
    result = _service(tmp_path, lift="lift:\n  automaticPermissions: false\n")
    assert not result.app.roles["serverless.yml#IamRoleLambdaExecution"].statements
    assert "serverless.yml#filesBucket" in result.app.resources


def test_constructs_without_the_plugin_deploy_nothing(tmp_path):
    result = _service(tmp_path, plugins="")
    assert not result.app.resources and not result.app.routes


def test_a_webhook_neither_secured_nor_insecure_is_a_warning(tmp_path):
    result = _service(tmp_path)
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (13, "webhook construct 'hook' has no authorizer (and is not insecure: true): Lift "
             "refuses to deploy it; its route is taken as unprotected")]
    (route,) = result.app.routes
    assert route.path == "/hook" and (route.authorizer is None or
                                      route.authorizer.kind == "none")


CONSTRUCT_VARIABLES = (
    "service: s\n{plugins}provider:\n  name: aws\n  runtime: python3.12\n"
    "constructs:\n  uploads:\n    type: storage\n"
    "  data:\n    type: database/dynamodb-single-table\n"
    "functions:\n  f:\n    handler: h.f\n    environment:\n"
    "      TABLE: ${{construct:data.tableName}}\n"
    "      STREAM: ${{construct:data.tableStreamArn}}\n"
    "    events:\n      - s3:\n          bucket: ${{construct:uploads.bucketName}}\n"
    "          existing: true\n")


def test_construct_variables_name_the_resources_lift_creates(tmp_path):
    from faasguard.model import Ref, Unknown

    (tmp_path / "serverless.yml").write_text(
        CONSTRUCT_VARIABLES.format(plugins="plugins:\n  - serverless-lift\n"))
    (tmp_path / "h.py").write_text("def f(event, context):\n    return 1\n")
    function = scan(str(tmp_path)).app.functions["serverless.yml#f"]
    assert function.triggers[0].source == Ref("serverless.yml#uploadsBucket")
    assert function.environment["TABLE"].value == Ref("serverless.yml#dataTable")
    assert function.environment["STREAM"].value == Ref("serverless.yml#dataTable", "StreamArn")
    # without the plugin nothing is deployed: the variables stay unknown
    (tmp_path / "serverless.yml").write_text(CONSTRUCT_VARIABLES.format(plugins=""))
    function = scan(str(tmp_path)).app.functions["serverless.yml#f"]
    assert isinstance(function.triggers[0].source, Unknown)


def test_a_webhook_feeds_its_bus_and_the_functions_it_triggers(tmp_path):
    from faasguard.model import Ref

    (tmp_path / "serverless.yml").write_text(
        "service: s\nplugins:\n  - serverless-lift\nprovider:\n  name: aws\n"
        "  runtime: python3.12\nconstructs:\n  github:\n    type: webhook\n    path: /gh\n"
        "    insecure: true\nfunctions:\n  onPush:\n    handler: h.f\n    events:\n"
        "      - eventBridge:\n          eventBus: ${construct:github.busName}\n"
        "          pattern:\n            source: [github]\n")
    (tmp_path / "h.py").write_text("def f(event, context):\n    return 1\n")
    app = scan(str(tmp_path)).app
    bus = app.resources["serverless.yml#githubBus"]
    assert (bus.kind, str(bus.location)) == ("other", "serverless.yml:8")
    (route,) = app.routes
    assert (route.path, route.target) == ("/gh", bus.id)
    (trigger,) = app.functions["serverless.yml#onPush"].triggers
    assert (trigger.kind, trigger.source) == ("eventbridge", Ref(bus.id))
