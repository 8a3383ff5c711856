"""Terraform loader: HCL2 folders (with local modules) into the App model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from faasguard.loaders.terraform import load_tree
from faasguard.loaders.terraform.hcl import parse_tf
from faasguard.loaders.terraform.module import Module, Tree
from faasguard.model import CODE_ELSEWHERE, App, Ref, Statement, Unknown
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "terraform"


def _load(folder: str):  # type: ignore[no-untyped-def]
    root = FIXTURES / folder
    files = [os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
             for d, _dirs, names in os.walk(root) for f in names if f.endswith(".tf")]
    return load_tree(str(root), files)


@pytest.fixture(scope="module")
def module_app():  # type: ignore[no-untyped-def]
    return _load("module_app")


def test_function_settings_variables_tfvars_locals(module_app) -> None:  # type: ignore[no-untyped-def]
    fn = module_app.functions["main.tf#aws_lambda_function.api"]
    assert fn.format == "terraform"
    assert (fn.location.file, fn.location.line) == ("main.tf", 44)
    assert fn.name == "shop-dev-api"  # local built from a variable default
    assert fn.memory_mb == 512  # terraform.tfvars wins over the default 128
    assert fn.runtime == "python3.12" and fn.timeout_s == 30
    assert fn.environment["TABLE"].value == Ref("main.tf#aws_dynamodb_table.orders")
    assert fn.environment["TABLE"].location.line == 54


def test_archive_file_gives_code_dir_and_url(module_app) -> None:  # type: ignore[no-untyped-def]
    fn = module_app.functions["main.tf#aws_lambda_function.api"]
    assert fn.code_dir == "code"
    assert fn.url is not None and fn.url.auth_type == "NONE"
    assert fn.url.location.line == 61


def test_role_policy_document_and_managed_attachment(module_app) -> None:  # type: ignore[no-untyped-def]
    fn = module_app.functions["main.tf#aws_lambda_function.api"]
    role = module_app.roles[fn.role]
    assert role.id == "main.tf#aws_iam_role.api"
    assert role.assume_services == ("lambda.amazonaws.com",)
    actions = {a for s in role.statements for a in s.actions}
    assert "dynamodb:GetItem" in actions  # aws_iam_policy_document via aws_iam_role_policy
    assert "logs:CreateLogStream" in actions  # the AWS managed policy, expanded
    get_item = next(s for s in role.statements if "dynamodb:GetItem" in s.actions)
    assert get_item.resources == (Ref("main.tf#aws_dynamodb_table.orders", "Arn"),)
    assert get_item.location is not None and get_item.location.line == 22


def test_local_module_resources_and_inputs(module_app) -> None:  # type: ignore[no-untyped-def]
    worker = module_app.functions["modules/worker/main.tf#module.worker.aws_lambda_function.worker"]
    assert worker.location.file == "modules/worker/main.tf"
    queue = module_app.resources["modules/worker/main.tf#module.worker.aws_sqs_queue.jobs"]
    assert queue.name == "shop-dev-jobs"  # module input from the caller's local
    assert queue.encryption is None
    trigger, = worker.triggers
    assert trigger.kind == "sqs" and trigger.source.target == queue.id
    role = module_app.roles[worker.role]
    assert any("sqs:*" in s.actions for s in role.statements)  # inline_policy block


def test_module_folder_is_not_a_root_of_its_own(module_app) -> None:  # type: ignore[no-untyped-def]
    assert not any(key.startswith("modules/worker/main.tf#aws_") for key in module_app.functions)
    assert {f.path for f in module_app.files} == {"main.tf", "variables.tf",
                                                  "modules/worker/main.tf"}


def test_remote_module_is_a_warning(module_app) -> None:  # type: ignore[no-untyped-def]
    notes = [d for d in module_app.diagnostics if "not a local path" in d.message]
    assert "never fetched" in notes[0].message and "terraform init" in notes[0].message
    assert len(notes) == 1 and notes[0].file == "main.tf" and notes[0].line == 74


def test_broken_file_is_a_diagnostic_and_others_load() -> None:
    app = _load("broken")
    assert list(app.functions) == ["main.tf#aws_lambda_function.ok"]
    error, = [d for d in app.diagnostics if d.level == "error"]
    assert error.file == "bad.tf" and error.line == 2 and "not valid HCL2" in error.message


def test_unknown_values_stay_unknown() -> None:
    blocks = parse_tf('locals {\n  a = data.aws_region.current.name\n  b = "x-${local.a}"\n'
                      '  c = local.c\n  d = count.index\n}\n', "x.tf")
    module = Module(Tree(".", "*.tf", lambda _f: []), ".", blocks)
    assert isinstance(module.local("a"), Unknown)
    assert module.local("b") == "x-${data.aws_region.current.name}"
    assert isinstance(module.local("c"), Unknown)  # a cycle, not a crash
    assert isinstance(module.local("d"), Unknown)


def test_scan_reads_terraform_and_reports_at_tf_lines() -> None:
    result = scan(str(FIXTURES / "module_app"))
    by_rule = {f.rule_id: f for f in result.findings}
    assert "FG-AUTH-002" in by_rule or any(f.location.file == "main.tf"
                                           for f in result.findings)
    assert all(not f.location.file.endswith("*.tf") for f in result.findings)
    assert all("FgTf" not in f.message for f in result.findings)


def test_literals_document_for_template_secrets() -> None:
    from faasguard.loaders.terraform.literals import document

    data = document(str(FIXTURES / "module_app"), "main.tf")
    fn = data["resource"]["aws_lambda_function"]["api"]
    assert fn["handler"] == "app.handler" and fn.line_of("handler") == 47
    assert isinstance(fn["memory_size"], Unknown)  # var.memory: not known from one file
    assert "environment" in fn and fn["environment"]["variables"].line == 53


def test_secret_in_a_tf_file_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_secretsmanager_secret" "db" {}\n'
        'resource "aws_secretsmanager_secret_version" "db" {\n'
        '  secret_id     = aws_secretsmanager_secret.db.id\n'
        '  secret_string = "correct-horse-battery-staple"\n'
        '}\n'
        'resource "aws_secretsmanager_secret_version" "ok" {\n'
        '  secret_id     = aws_secretsmanager_secret.db.id\n'
        '  secret_string = var.db_password\n'
        '}\n')
    found = [f for f in scan(str(tmp_path)).findings if f.rule_id == "FG-DATA-002"]
    assert [(f.location.file, f.location.line) for f in found] == [("main.tf", 4)]


def test_terraform_0_11_interpolations_and_block_maps_are_read() -> None:
    app = load_tree(str(FIXTURES / "legacy" / "read"), ["main.tf"])
    fn = app.functions["main.tf#aws_lambda_function.fn"]
    assert fn.role == "main.tf#aws_iam_role.fn"  # role = "${aws_iam_role.fn.arn}"
    assert fn.name == "fn-legacy"
    assert fn.environment["ENV"].value == "legacy"  # variables { ... } as a block
    assert fn.environment["ENV"].location.line == 19
    role = app.roles[fn.role]
    assert role.assume_services == ("lambda.amazonaws.com",)  # file("${path.module}/...")
    assert not app.diagnostics


def test_terraform_0_11_syntax_hcl2_cannot_read_is_an_error_with_a_hint() -> None:
    app = load_tree(str(FIXTURES / "legacy" / "unreadable"), ["main.tf"])
    error, = app.diagnostics
    assert (error.file, error.line, error.level) == ("main.tf", 4, "error")
    assert "0.12upgrade" in error.message
    assert not app.functions


def test_for_each_and_count_give_one_element_per_instance() -> None:
    app = load_tree(str(FIXTURES / "instances"), ["main.tf"])
    api = app.functions['main.tf#aws_lambda_function.fn["api"]']
    worker = app.functions['main.tf#aws_lambda_function.fn["worker"]']
    assert (api.name, api.handler) == ("svc-api", "api.handler")
    assert (worker.name, worker.handler) == ("svc-worker", "worker.handler")
    assert api.url is not None and api.url.auth_type == "AWS_IAM"
    assert worker.url is not None and worker.url.auth_type == "NONE"
    queues = {k: r for k, r in app.resources.items() if r.kind == "queue"}
    assert set(queues) == {"main.tf#aws_sqs_queue.q[0]", "main.tf#aws_sqs_queue.q[1]"}
    assert queues["main.tf#aws_sqs_queue.q[0]"].encryption is not None
    assert queues["main.tf#aws_sqs_queue.q[1]"].encryption is None
    trigger, = worker.triggers
    assert trigger.kind == "sqs" and trigger.source.target == "main.tf#aws_sqs_queue.q[1]"
    assert not api.triggers


def test_image_and_s3_code_locations(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "img" {\n  image_uri = "1.dkr.ecr/x:1"\n}\n'
        'resource "aws_lambda_function" "zip" {\n  s3_bucket = "b"\n  s3_key = "k.zip"\n'
        '  reserved_concurrent_executions = -1\n}\n')
    app = load_tree(str(tmp_path), ["main.tf"])
    image = app.functions["main.tf#aws_lambda_function.img"]
    assert image.properties["code_ImageUri"] == "1.dkr.ecr/x:1"
    archive = app.functions["main.tf#aws_lambda_function.zip"]
    assert archive.properties["code_S3Key"] == "k.zip"
    assert archive.reserved_concurrency is None  # -1: not reserved


def test_a_loader_bug_is_an_internal_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    import faasguard.loaders.terraform as terraform

    def broken(*_args: object) -> None:
        raise KeyError("boom")

    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    monkeypatch.setattr(terraform, "_load_root", broken)
    app = _load("broken")
    internal = [d for d in app.diagnostics if d.code == "internal"]
    assert len(internal) == 1 and "KeyError" in internal[0].message
    assert internal[0].file == "main.tf"


def test_unreadable_policy_is_a_warning_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "iam.tf").write_text(
        'resource "aws_iam_role" "r" {\n'
        '  assume_role_policy = <<POLICY\n'
        '{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",\n'
        '  "Principal": {"Service": "lambda.amazonaws.com"}}]}\n'
        'POLICY\n'
        '  inline_policy {\n'
        '    name   = "p"\n'
        '    policy = "{ not json"\n'
        '  }\n'
        '}\n')
    app = load_tree(str(tmp_path), ["iam.tf"])
    role, = app.roles.values()
    assert role.assume_services == ("lambda.amazonaws.com",)  # heredoc JSON
    warning, = app.diagnostics
    assert (warning.file, warning.line, warning.level) == ("iam.tf", 8, "warning")
    assert "cannot be read statically" in warning.message


@pytest.fixture(scope="module")
def dynamic_app() -> App:
    return _load("dynamic")


def _statements(app: App, role: str) -> list[Statement]:
    return app.roles[f"main.tf#aws_iam_role.{role}"].statements


def test_dynamic_blocks_expand_per_known_element(dynamic_app: App) -> None:
    worker = _statements(dynamic_app, "worker")
    assert [(s.sid, s.actions, s.resources) for s in worker] == [
        (None, ("logs:CreateLogStream", "logs:PutLogEvents"), ("arn:aws:logs:*:*:*",)),
        (None, ("dynamodb:GetItem", "dynamodb:PutItem"),  # a list: one per element
         ("arn:aws:dynamodb:us-east-1:123456789012:table/orders",)),
        (None, ("sqs:SendMessage",), ("arn:aws:sqs:us-east-1:123456789012:jobs",)),
        ("ReadRaw", ("s3:GetObject",), ("arn:aws:s3:::media-raw/*",)),  # a map, `iterator`
        ("ReadLogs", ("s3:GetObject",), ("arn:aws:s3:::media-logs/*",))]
    # a nested dynamic block sees the outer iterator; `for_each = []` makes nothing
    assert [s.conditions for s in worker[3:]] == [
        {}, {"Bool": {"aws:SecureTransport": ["true"]}}]
    assert not any("iam:PassRole" in s.actions for s in worker)
    assert [s.location.line for s in worker if s.location] == [27, 34, 34, 43, 43]


def test_dynamic_blocks_of_resources(dynamic_app: App) -> None:
    worker = dynamic_app.functions["main.tf#aws_lambda_function.worker"]
    assert {k: v.value for k, v in worker.environment.items()} == {"STAGE": "prod",
                                                                   "TABLE": "orders"}
    assert worker.tracing is None  # for_each = var.tracing ? [...] : [] with tracing false
    assert worker.url is not None and worker.url.cors == {
        "AllowOrigins": ["https://shop.example.com"], "AllowMethods": ["GET"]}


def test_dynamic_block_with_unknown_for_each_is_kept_once_unknown(dynamic_app: App) -> None:
    statement, = _statements(dynamic_app, "partner")
    action, = statement.actions
    assert isinstance(action, Unknown) and statement.resources == ("*",)
    partner = dynamic_app.functions["main.tf#aws_lambda_function.partner"]
    assert partner.tracing == "Active"  # the block as written, not "no tracing"
    notes = sorted((d.line, d.message) for d in dynamic_app.diagnostics
                   if "for_each cannot be known" in d.message)
    assert [line for line, _ in notes] == [69, 127]  # once each, in main.tf
    assert "var.partner_grants" in notes[0][1] and "statement.value unknown" in notes[0][1]
    rules = {(f.rule_id, f.location.line) for f in scan(str(FIXTURES / "dynamic")).findings}
    assert not {r for r, _ in rules if r.startswith("FG-PERM")}  # unknown actions: no claim
    assert ("FG-MON-001", 98) in rules and ("FG-MON-001", 120) not in rules


def test_dynamic_block_edge_cases_are_no_crash() -> None:
    blocks = parse_tf('data "aws_iam_policy_document" "x" {\n'
                      '  dynamic "statement" {\n    for_each = "not-a-collection"\n'
                      '    content {\n      actions = [statement.key]\n    }\n  }\n'
                      '  dynamic "statement" {\n    for_each = [1]\n  }\n'
                      '  dynamic "statement" {\n    for_each = { a = "s3:GetObject" }\n'
                      '    iterator = grant\n    content {\n'
                      '      actions = [grant.value, statement.value]\n    }\n  }\n}\n', "x.tf")
    tree = Tree(".", "*.tf", lambda _f: [])
    module = Module(tree, ".", blocks)
    expanded = module.nested(blocks[0], "statement")
    assert len(expanded) == 2  # the block without content generates nothing
    unknown, mapped = (module.attr(b, "actions") for b in expanded)
    assert isinstance(unknown[0], Unknown)
    assert mapped[0] == "s3:GetObject" and isinstance(mapped[1], Unknown)
    assert [line for _f, line, _m in tree.notes] == [2, 8]


def test_remote_module_is_read_from_the_copy_terraform_init_installed() -> None:
    app = load_tree(str(FIXTURES / "remote_modules"), ["main.tf"])  # as discovery finds it
    fn, = app.functions.values()
    assert fn.id == ".terraform/modules/api/main.tf#module.api.aws_lambda_function.this"
    assert (fn.name, fn.timeout_s) == ("orders-api", 900)  # the caller's inputs
    alarm, = app.alarms  # a remote module of the remote module (key api.alarms)
    assert alarm.location.file == ".terraform/modules/api.alarms/main.tf"
    assert app.resources["main.tf#aws_sqs_queue.orders"].encryption == "kms:alias/orders"
    warnings = {(d.file, d.line): d.message for d in app.diagnostics}
    assert set(warnings) == {("main.tf", 8), ("main.tf", 12), ("main.tf", 16),
                             (".terraform/modules/modules.json", None)}
    assert "'git::https://example.com/acme/jobs.git?ref=v1.2.0' is not a local path" in \
        warnings[("main.tf", 8)] and "never fetched" in warnings[("main.tf", 12)]
    assert "'../outside_copy' is outside the scanned folder" in \
        warnings[(".terraform/modules/modules.json", None)]


def test_installed_module_copy_leaving_the_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    root = tmp_path / "project"
    (root / ".terraform" / "modules").mkdir(parents=True)
    (root / ".terraform" / "modules" / "linked").symlink_to(outside)
    (root / ".terraform" / "modules" / "modules.json").write_text(
        '{"Modules": [{"Key": "linked", "Dir": ".terraform/modules/linked"},'
        ' {"Key": "absolute", "Dir": "/etc"}, {"Key": "odd"}, "junk"]}')
    (root / "main.tf").write_text('module "linked" {\n  source = "acme/q/aws"\n}\n'
                                  'module "absolute" {\n  source = "acme/abs/aws"\n}\n')
    app = load_tree(str(root), ["main.tf"])
    assert not app.resources
    assert sum("outside the scanned folder" in d.message for d in app.diagnostics) == 2
    (root / ".terraform" / "modules" / "modules.json").write_text("{not json")
    broken = load_tree(str(root), ["main.tf"])
    assert any(d.file == ".terraform/modules/modules.json" and "not JSON" in d.message
               for d in broken.diagnostics)


def test_scan_reads_the_installed_copy_once() -> None:
    result = scan(str(FIXTURES / "remote_modules"))
    assert {f.location.file for f in result.findings} == {".terraform/modules/api/main.tf"}
    assert not [d for d in result.diagnostics if d.code == "internal" or d.level == "error"]


def test_dynamic_block_keys_of_lists_sets_and_maps() -> None:
    text = "".join(f'  dynamic "statement" {{\n    for_each = {each}\n'
                   '    content {\n      sid = statement.key\n    }\n  }\n'
                   for each in ('["a", "b"]', 'toset(["a", "b"])', '{ x = "a" }'))
    blocks = parse_tf(f'data "aws_iam_policy_document" "x" {{\n{text}}}\n', "x.tf")
    module = Module(Tree(".", "*.tf", lambda _f: []), ".", blocks)
    assert [module.attr(b, "sid") for b in module.nested(blocks[0], "statement")] == [
        0, 1, "a", "b", "x"]


def test_dynamic_bucket_notifications_are_triggers(dynamic_app: App) -> None:
    worker = dynamic_app.functions["main.tf#aws_lambda_function.worker"]
    s3 = [t for t in worker.triggers if t.kind == "s3"]
    assert [t.source for t in s3] == [Ref("notifications.tf#aws_s3_bucket.media")] * 2
    assert [t.properties["filter"]["S3Key"]["Rules"] for t in s3] == [
        [{"Name": "prefix", "Value": "raw/"}], [{"Name": "prefix", "Value": "thumbs/"}]]


def test_for_expressions_are_evaluated_where_known() -> None:
    blocks = parse_tf(
        'variable "rules" {\n  default = {\n'
        '    read  = { actions = ["s3:GetObject"], on = true }\n'
        '    write = { actions = ["s3:PutObject"], on = false }\n  }\n}\n'
        'variable "unknown" {}\nlocals {\n'
        '  enabled = { for k, v in var.rules : k => v.actions if v.on }\n'
        '  upper   = [for i, s in ["a", "b"] : "${i}:${upper(s)}"]\n'
        '  grouped = { for k, v in var.rules : tostring(v.on) => k... }\n'
        '  opaque  = [for s in var.unknown : s]\n'
        '  unsure  = [for k, v in var.rules : k if v.on == var.unknown]\n}\n'
        'data "aws_iam_policy_document" "x" {\n  dynamic "statement" {\n'
        '    for_each = local.enabled\n    content {\n      sid     = statement.key\n'
        '      actions = statement.value\n    }\n  }\n}\n', "x.tf")
    module = Module(Tree(".", "*.tf", lambda _f: []), ".", blocks)
    assert module.local("enabled") == {"read": ["s3:GetObject"]}
    assert module.local("upper") == ["0:A", "1:B"]
    assert all(isinstance(module.local(n), Unknown) for n in ("grouped", "opaque", "unsure"))
    statement, = module.nested(blocks[-1], "statement")
    assert (module.attr(statement, "sid"), module.attr(statement, "actions")) == (
        "read", ["s3:GetObject"])


_SVC = 'modules/fn/main.tf#module.svc["{}"].aws_lambda_function.fn'


@pytest.fixture(scope="module")
def instances_app():  # type: ignore[no-untyped-def]
    return _load("module_instances")


def test_module_for_each_loads_one_instance_per_key(instances_app) -> None:  # type: ignore[no-untyped-def]
    api = instances_app.functions[_SVC.format("api")]
    worker = instances_app.functions[_SVC.format("worker")]
    assert len(instances_app.functions) == 2
    assert (api.name, api.handler) == ("shop-api", "api.handler")  # each.key, each.value.x
    assert (worker.name, worker.handler) == ("shop-worker", "worker.handler")
    assert api.url is not None and api.url.auth_type == "NONE"
    assert worker.url is not None and worker.url.auth_type == "AWS_IAM"
    assert api.location.file == "modules/fn/main.tf" and api.location.line == 13
    assert instances_app.roles[api.role].id == \
        'modules/fn/main.tf#module.svc["api"].aws_iam_role.fn'
    assert api.role != worker.role


def test_module_count_loads_one_instance_per_index(instances_app) -> None:  # type: ignore[no-untyped-def]
    queues = {k: r for k, r in instances_app.resources.items() if r.kind == "queue"}
    first = queues["modules/queue/main.tf#module.queue[0].aws_sqs_queue.q"]
    second = queues["modules/queue/main.tf#module.queue[1].aws_sqs_queue.q"]
    assert (first.name, second.name) == ("jobs-0", "jobs-1")  # count.index in an input
    assert first.encryption is not None and second.encryption is None
    assert not any("module.disabled" in k for k in queues)  # count = 0: no instance


def test_module_with_unknown_count_is_read_once_with_a_note(instances_app) -> None:  # type: ignore[no-untyped-def]
    zone = instances_app.resources["modules/queue/main.tf#module.per_zone.aws_sqs_queue.q"]
    assert "count.index" in str(zone.name)  # the index stays unknown, not 0
    note, = [d for d in instances_app.diagnostics if "module per_zone" in d.message]
    assert (note.file, note.line, note.level) == ("main.tf", 31, "warning")
    assert "cannot be known statically" in note.message
    assert not any("module svc" in d.message or "module queue" in d.message
                   for d in instances_app.diagnostics)


def test_references_to_module_instance_outputs(instances_app) -> None:  # type: ignore[no-untyped-def]
    worker = instances_app.functions[_SVC.format("worker")]
    api = instances_app.functions[_SVC.format("api")]
    trigger, = worker.triggers  # module.queue[1].arn -> module.svc["worker"].function_arn
    assert trigger.kind == "sqs"
    assert trigger.source == Ref("modules/queue/main.tf#module.queue[1].aws_sqs_queue.q", "Arn")
    assert not api.triggers
    # module.queue[5] and module.svc (no key) name no instance: nothing is linked
    unlinked = [d for d in instances_app.diagnostics if d.code == "unlinked"]
    assert [d.line for d in unlinked] == [43]


def test_module_output_traversals_in_a_scope() -> None:
    blocks = parse_tf('module "m" {\n  source = "./m"\n  count = 2\n  tag = "t${count.index}"\n}\n'
                      'module "k" {\n  source = "./m"\n  for_each = toset(["a"])\n'
                      '  tag = each.value\n}\nmodule "one" {\n  source = "./m"\n  tag = "x"\n}\n',
                      "main.tf")
    child = parse_tf('variable "tag" {}\noutput "tag" {\n  value = var.tag\n}\n', "m/main.tf")
    module = Module(Tree(".", "*.tf", lambda _f: child), ".", blocks)
    assert module.lookup("module", ["m", 1, "tag"]) == ("t1", 3)
    assert module.lookup("module", ["k", "a", "tag"]) == ("a", 3)
    assert module.lookup("module", ["one", "tag"]) == ("x", 2)
    assert module.lookup("module", ["one", 0, "tag"]) == ("x", 3)  # like a resource's [0]
    for parts in (["m", "tag"], ["m", 2, "tag"], ["k", "b", "tag"], ["nope", "tag"]):
        assert isinstance(module.lookup("module", parts)[0], Unknown), parts


def test_instances_of_an_installed_module_read_its_nested_copies(tmp_path: Path) -> None:
    modules = tmp_path / ".terraform" / "modules"
    for key, text in (("svc", 'variable "name" {}\nmodule "inner" {\n  source = "acme/q/aws"\n'
                              '  name = var.name\n}\n'),
                      ("svc.inner", 'variable "name" {}\nresource "aws_sqs_queue" "q" {\n'
                                    '  name = var.name\n}\n')):
        (modules / key).mkdir(parents=True)
        (modules / key / "main.tf").write_text(text)
    (modules / "modules.json").write_text(  # keys name module calls, never instances
        '{"Modules": [{"Key": "svc", "Dir": ".terraform/modules/svc"},'
        ' {"Key": "svc.inner", "Dir": ".terraform/modules/svc.inner"}]}')
    (tmp_path / "main.tf").write_text('module "svc" {\n  source = "acme/svc/aws"\n'
                                      '  for_each = toset(["a", "b"])\n  name = each.key\n}\n')
    app = load_tree(str(tmp_path), ["main.tf"])
    names = {k.split("#")[1]: r.name for k, r in app.resources.items()}
    assert names == {'module.svc["a"].module.inner.aws_sqs_queue.q': "a",
                     'module.svc["b"].module.inner.aws_sqs_queue.q': "b"}
    assert not app.diagnostics


def test_code_dir_of_a_zip_uploaded_to_s3(tmp_path: Path) -> None:
    # archive_file -> aws_s3_object(source = its output) -> the function's s3_key: the
    # function's code is the archived folder, whether s3_key refers to the object or
    # repeats its key; an object uploading some other file gives no code folder
    (tmp_path / "main.tf").write_text('''
data "archive_file" "pkg" {
  type        = "zip"
  source_dir  = "${path.module}/handlers"
  output_path = "${path.module}/build/handlers.zip"
}
resource "aws_s3_bucket" "code" {}
resource "aws_s3_object" "pkg" {
  bucket = aws_s3_bucket.code.id
  key    = "handlers.zip"
  source = data.archive_file.pkg.output_path
}
resource "aws_s3_bucket_object" "other" {
  bucket = aws_s3_bucket.code.id
  key    = "prebuilt.zip"
  source = "dist/prebuilt.zip"
}
resource "aws_lambda_function" "by_ref" {
  s3_bucket = aws_s3_bucket.code.id
  s3_key    = aws_s3_object.pkg.key
  handler   = "app.main"
  runtime   = "nodejs20.x"
}
resource "aws_lambda_function" "by_key" {
  s3_bucket = aws_s3_bucket.code.id
  s3_key    = "handlers.zip"
  handler   = "app.main"
  runtime   = "nodejs20.x"
}
resource "aws_lambda_function" "prebuilt" {
  s3_bucket = aws_s3_bucket.code.id
  s3_key    = aws_s3_bucket_object.other.key
  handler   = "app.main"
  runtime   = "nodejs20.x"
}
''')
    app = load_tree(str(tmp_path), ["main.tf"])
    code = {k.split(".")[-1]: f.code_dir for k, f in app.functions.items()}
    assert code == {"by_ref": "handlers", "by_key": "handlers", "prebuilt": None}
    elsewhere = {k.split(".")[-1] for k, f in app.functions.items()
                 if CODE_ELSEWHERE in f.properties}
    assert elsewhere == {"prebuilt"}  # only its code is in S3 alone


def test_json_string_policies_keep_their_tf_lines(tmp_path: Path) -> None:
    # a heredoc's statements are on the heredoc's own lines; a quoted JSON string's on
    # the attribute's line (not line 1 of the JSON text)
    (tmp_path / "main.tf").write_text('''resource "aws_iam_role" "fn" {
  assume_role_policy = "{}"
}
resource "aws_iam_policy" "heredoc" {
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sqs:SendMessage",
      "Resource": "*"
    }
  ]
}
EOT
}
resource "aws_iam_role_policy_attachment" "heredoc" {
  role       = aws_iam_role.fn.name
  policy_arn = aws_iam_policy.heredoc.arn
}
resource "aws_iam_role_policy" "quoted" {
  role   = aws_iam_role.fn.id
  policy = POLICY
}
'''.replace("POLICY", json.dumps(json.dumps({"Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))))
    app = load_tree(str(tmp_path), ["main.tf"])
    lines = {s.actions: (s.location.file, s.location.line)
             for s in app.roles["main.tf#aws_iam_role.fn"].statements if s.location}
    assert lines == {("sqs:SendMessage",): ("main.tf", 9), ("s3:GetObject",): ("main.tf", 24)}


_SPEC = """openapi: 3.0.1
paths:
  /orders:
    post:
      x-amazon-apigateway-integration:
        uri: ${handler_uri}
        httpMethod: POST
        type: AWS_PROXY
      x-note: "cost $${price}"
"""


def test_openapi_body_from_a_template_file(tmp_path: Path) -> None:
    # templatefile() and the template_file data source fill ${name} from their vars; a
    # YAML/JSON text body is read as the API's definition (its routes, linked through the
    # integration uri to the function); a template with directives stays unknown
    (tmp_path / "api.yaml").write_text(_SPEC)
    (tmp_path / "looped.yaml").write_text(_SPEC + "%{ for p in paths }${p}%{ endfor }\n")
    (tmp_path / "main.tf").write_text('''
resource "aws_lambda_function" "orders" {
  handler = "index.handler"
  runtime = "nodejs20.x"
}
resource "aws_api_gateway_rest_api" "by_function" {
  body = templatefile("${path.module}/api.yaml", {
    handler_uri = aws_lambda_function.orders.invoke_arn
  })
}
data "template_file" "spec" {
  template = file("api.yaml")
  vars = {
    handler_uri = aws_lambda_function.orders.invoke_arn
  }
}
resource "aws_api_gateway_rest_api" "by_data_source" {
  body = data.template_file.spec.rendered
}
resource "aws_api_gateway_rest_api" "directives" {
  body = templatefile("looped.yaml", { handler_uri = "x", paths = [] })
}
''')
    app = load_tree(str(tmp_path), ["main.tf"])
    routes = sorted((r.api.split(".")[-1], r.method, r.path, r.function) for r in app.routes)
    fn = "main.tf#aws_lambda_function.orders"
    assert routes == [("by_data_source", "POST", "/orders", fn),
                      ("by_function", "POST", "/orders", fn)]
    assert [d.line for d in app.diagnostics if "not a mapping" in d.message] == [21]


def test_inline_archive_data_source_queue_and_string_unreserved(tmp_path: Path) -> None:
    # an archive_file of inline `source` blocks: a note, not 'handler not found'; an event
    # source mapping on a queue read by a data source is an SQS trigger; "-1" (a string)
    # is Terraform's "unreserved" as -1 is
    (tmp_path / "main.tf").write_text('''
data "archive_file" "inline" {
  type        = "zip"
  output_path = "inline.zip"
  source {
    content  = "exports.handler = async () => ({})"
    filename = "index.js"
  }
}
data "aws_sqs_queue" "jobs" {
  name = "jobs-${var.stage}"
}
variable "stage" {
  default = "prod"
}
resource "aws_lambda_function" "worker" {
  filename                       = data.archive_file.inline.output_path
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  reserved_concurrent_executions = "-1"
}
resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = data.aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.arn
}
''')
    result = scan(str(tmp_path))
    fn = result.app.functions["main.tf#aws_lambda_function.worker"]
    assert fn.reserved_concurrency is None
    trigger, = fn.triggers
    assert trigger.kind == "sqs" and str(trigger.source).endswith(":jobs-prod")
    assert [(d.level, d.code) for d in result.diagnostics] == [("note", "handler")]
    assert "written inline in an archive_file" in result.diagnostics[0].message


@pytest.mark.parametrize("text, line, message", [
    ('resource "aws_sqs_queue" "q" {\n  name = "q\n}\n', 2,
     "the file ends inside an unclosed string, bracket, brace or heredoc"),
    ('locals {\n  a = [1, 2\n}\n', 3, "unexpected '}' (column 1)"),
    ('locals {\n  a = @\n}\n', 2, "unexpected '@' (column 7)"),
])
def test_syntax_errors_are_said_in_words(tmp_path: Path, text: str, line: int,
                                         message: str) -> None:
    # the parser's complaint without its token names (Token('$END', '') and the like)
    (tmp_path / "bad.tf").write_text(text)
    error, = load_tree(str(tmp_path), ["bad.tf"]).diagnostics
    assert (error.line, error.message) == (line, f"not valid HCL2: {message}")


def test_a_prebuilt_package_without_its_sources_is_a_note(tmp_path: Path) -> None:
    # filename = a zip no archive_file of the scan makes: when the handler's file is not
    # there to read, its code is in the package (a note), not a handler 'not found'; when
    # it is (a script zips it), resolution reads it
    (tmp_path / "main.tf").write_text('''
resource "aws_lambda_function" "built" {
  filename = "dist/built.zip"
  handler  = "service.main"
  runtime  = "python3.12"
}
resource "aws_lambda_function" "zipped" {
  filename = "zipped.zip"
  handler  = "index.handler"
  runtime  = "nodejs22.x"
}
''')
    (tmp_path / "index.js").write_text("exports.handler = async () => ({});\n")
    result = scan(str(tmp_path))
    assert [(d.level, d.code) for d in result.diagnostics] == [("note", "handler")]
    assert "in the package 'dist/built.zip', built outside Terraform" in \
        result.diagnostics[0].message
    assert result.app.functions["main.tf#aws_lambda_function.zipped"].source_file == "index.js"


def test_a_function_behind_a_load_balancer_target_group(tmp_path: Path) -> None:
    # aws_lb_target_group (target_type lambda) + its attachment: an alb trigger of the
    # function (an HTTP entry point); an instance target group attaches no function
    (tmp_path / "main.tf").write_text('''
resource "aws_lb_target_group" "fn" {
  name        = "fn"
  target_type = "lambda"
}
resource "aws_lb_target_group_attachment" "fn" {
  target_group_arn = aws_lb_target_group.fn.arn
  target_id        = aws_lambda_function.web.arn
}
resource "aws_alb_target_group" "hosts" {
  target_type = "instance"
}
resource "aws_alb_target_group_attachment" "host" {
  target_group_arn = aws_alb_target_group.hosts.arn
  target_id        = aws_lambda_function.other.arn
}
resource "aws_lambda_function" "web" {
  handler = "index.handler"
  runtime = "nodejs22.x"
}
resource "aws_lambda_function" "other" {
  handler = "index.handler"
  runtime = "nodejs22.x"
}
''')
    app = load_tree(str(tmp_path), ["main.tf"])
    web = app.functions["main.tf#aws_lambda_function.web"]
    trigger, = web.triggers
    assert trigger.kind == "alb" and trigger.source == Ref("main.tf#aws_lb_target_group.fn")
    assert (trigger.location.file, trigger.location.line) == ("main.tf", 6)
    assert app.functions["main.tf#aws_lambda_function.other"].triggers == []


def test_listener_rules_give_the_paths_and_methods_of_an_alb_trigger(tmp_path: Path) -> None:
    # aws_lb_listener_rule: a forward action (direct, or through a forward block) to a
    # Lambda target group with path and method conditions -> the trigger's paths/methods
    (tmp_path / "main.tf").write_text('''
resource "aws_lb_target_group" "api" {
  target_type = "lambda"
}
resource "aws_lb_target_group_attachment" "api" {
  target_group_arn = aws_lb_target_group.api.arn
  target_id        = aws_lambda_function.api.arn
}
resource "aws_lb_listener_rule" "reports" {
  listener_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x/y/z"
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
  condition {
    path_pattern {
      values = ["/reports/*"]
    }
  }
  condition {
    http_request_method {
      values = ["GET"]
    }
  }
}
resource "aws_alb_listener_rule" "orders" {
  listener_arn = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/x/y/z"
  action {
    type = "forward"
    forward {
      target_group {
        arn = aws_lb_target_group.api.arn
      }
    }
  }
  condition {
    path_pattern {
      values = ["/orders"]
    }
  }
}
resource "aws_lambda_function" "api" {
  handler = "index.handler"
  runtime = "nodejs22.x"
}
''')
    app = load_tree(str(tmp_path), ["main.tf"])
    trigger, = app.functions["main.tf#aws_lambda_function.api"].triggers
    assert trigger.kind == "alb"
    assert sorted(trigger.properties["path"]) == ["/orders", "/reports/*"]
    assert trigger.properties["method"] == ["GET"]


def test_paths_are_relative_to_the_working_directory_across_modules(tmp_path: Path) -> None:
    # Terraform resolves relative paths against its working directory (the root module's
    # folder) and path.module is a module's folder relative to it: a source folder passed
    # into a local module keeps pointing where the caller meant
    (tmp_path / "infra" / "modules" / "fn").mkdir(parents=True)
    (tmp_path / "infra" / "main.tf").write_text('''
module "api" {
  source     = "./modules/fn"
  source_dir = "${path.module}/src/api"
}
module "worker" {
  source     = "./modules/fn"
  source_dir = "src/worker"
}
''')
    (tmp_path / "infra" / "modules" / "fn" / "main.tf").write_text('''
variable "source_dir" {}
data "archive_file" "code" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = "${path.module}/build/code.zip"
}
data "archive_file" "extra" {
  type        = "zip"
  source_dir  = "${path.module}/extra"
  output_path = "${path.module}/build/extra.zip"
}
resource "aws_lambda_function" "fn" {
  filename = data.archive_file.code.output_path
  handler  = "index.handler"
  runtime  = "nodejs22.x"
}
resource "aws_lambda_function" "extra" {
  filename = data.archive_file.extra.output_path
  handler  = "index.handler"
  runtime  = "nodejs22.x"
}
''')
    app = load_tree(str(tmp_path), ["infra/main.tf", "infra/modules/fn/main.tf"])
    code = {f.id.split("#")[1]: f.code_dir for f in app.functions.values()}
    assert code == {
        "module.api.aws_lambda_function.fn": "infra/src/api",
        "module.api.aws_lambda_function.extra": "infra/modules/fn/extra",
        "module.worker.aws_lambda_function.fn": "infra/src/worker",
        "module.worker.aws_lambda_function.extra": "infra/modules/fn/extra",
    }


def test_for_each_archives_and_a_for_each_over_a_resource(tmp_path: Path) -> None:
    # data.archive_file.x[each.key] is that key's archive; for_each = aws_lambda_function.fn
    # iterates its instances, each.value.<attribute> referring to each
    for key in ("users", "orders"):
        (tmp_path / "src" / key).mkdir(parents=True)
        (tmp_path / "src" / key / "index.js").write_text("exports.handler = async () => 1;\n")
    (tmp_path / "main.tf").write_text('''
locals {
  functions = { users = 256, orders = 512 }
}
data "archive_file" "fn" {
  for_each    = local.functions
  type        = "zip"
  source_dir  = "${path.module}/src/${each.key}"
  output_path = "${path.module}/build/${each.key}.zip"
}
resource "aws_lambda_function" "fn" {
  for_each    = local.functions
  filename    = data.archive_file.fn[each.key].output_path
  handler     = "index.handler"
  memory_size = each.value
  runtime     = "nodejs22.x"
}
resource "aws_lambda_function_url" "fn" {
  for_each           = aws_lambda_function.fn
  function_name      = each.value.function_name
  authorization_type = each.key == "users" ? "NONE" : "AWS_IAM"
}
''')
    app = load_tree(str(tmp_path), ["main.tf"])
    fns = {k.split('"')[1]: f for k, f in app.functions.items()}
    assert {k: f.code_dir for k, f in fns.items()} == {"users": "src/users",
                                                         "orders": "src/orders"}
    assert {k: f.url.auth_type if f.url else None for k, f in fns.items()} == {
        "users": "NONE", "orders": "AWS_IAM"}
    assert not app.diagnostics


def test_inline_archive_of_files_read_with_file_is_that_folder(tmp_path: Path) -> None:
    # `source { content = file("src/index.js"), filename = "index.js" }` packages a file
    # of the repository under its own name: its folder is the function's code, analysed
    # like a source_dir's (it is not code written inline that the scan cannot read)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.js").write_text(
        'exports.handler = async (event) => require("child_process")'
        '.execSync("ls " + event.queryStringParameters.d);\n')
    (tmp_path / "main.tf").write_text('''
data "archive_file" "zip" {
  type        = "zip"
  output_path = "build/fn.zip"
  source {
    content  = file("${path.module}/src/index.js")
    filename = "index.js"
  }
}
resource "aws_lambda_function" "fn" {
  filename = data.archive_file.zip.output_path
  handler  = "index.handler"
  runtime  = "nodejs20.x"
}
''')
    result = scan(str(tmp_path))
    fn = result.app.functions["main.tf#aws_lambda_function.fn"]
    assert (fn.code_dir, fn.source_file) == ("src", "src/index.js")
    assert not result.diagnostics


# ------------------------------------------------------------------ keys known at apply time

_PICKS = '''
variable "env" {
  type = string
}
variable "region" {
  type = string
  validation {
    condition     = contains(["eu", "us"], var.region)
    error_message = "eu or us."
  }
}
locals {
  auth   = { prod = "AWS_IAM", dev = "NONE" }
  size   = { eu = 128, us = 256, ap = 512 }
  levels = ["INFO", "DEBUG"]
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/f"
  filename      = "f.zip"
  environment {
    variables = {
      INDEXED   = local.auth[var.env]
      LOOKUP    = lookup(local.auth, var.env, "CUSTOM")
      NARROWED  = local.size[var.region]
      COMPARED  = var.env == "dev" ? "NONE" : "AWS_IAM"
      LISTED    = local.levels[var.env]
      KNOWN_KEY = local.auth["prod"]
    }
  }
}
'''


def test_a_key_known_only_at_apply_time_picks_one_of_the_elements(tmp_path):
    """`local.auth[var.env]` with no value for env is not the whole map (as a splat) nor
    an unknown without choices: it is one of the map's values, the variable deciding."""
    (tmp_path / "main.tf").write_text(_PICKS)
    env = load_tree(str(tmp_path), ["main.tf"]).functions[
        "main.tf#aws_lambda_function.f"].environment
    values = {name: var.value for name, var in env.items()}
    assert values == {
        "INDEXED": Unknown("var.env", ("AWS_IAM", "NONE")),
        "LOOKUP": Unknown("var.env", ("AWS_IAM", "NONE", "CUSTOM")),  # a missing key too
        "NARROWED": Unknown("var.region", (128, 256)),  # what the validation allows
        "COMPARED": Unknown("conditional on var.env", ("NONE", "AWS_IAM")),
        "LISTED": Unknown("var.env", ("INFO", "DEBUG")),
        "KNOWN_KEY": "AWS_IAM",
    }
    given = load_tree(str(tmp_path), ["main.tf"], variables={"env": "dev", "region": "us"})
    values = {name: var.value for name, var in given.functions[
        "main.tf#aws_lambda_function.f"].environment.items()}
    assert (values["INDEXED"], values["LOOKUP"], values["NARROWED"], values["COMPARED"]) == \
        ("NONE", "NONE", 256, "NONE")
