"""What several rules share (env definitions, code facts by kind, escalation paths per
role, expansions of alike roles, wildcards per statement) gives each rule what it would
work out alone, whatever rule asks first."""

from __future__ import annotations

from faasguard.analysis.code_facts import CodeFact, FileFacts
from faasguard.analysis.facts import Facts
from faasguard.model import App, EnvVar, Function, Location, Role, Statement
from faasguard.rules.codefindings import code_findings
from faasguard.rules.envvars import env_definitions
from faasguard.rules.iam_tables import escalations, role_paths, wildcards
from faasguard.rules.leastpriv import _granted_by


def _app() -> App:
    app = App(root=".")
    shared = EnvVar("API_URL", "http://x", Location("s.yml", 5))
    for name, own_line in (("b", 12), ("a", 9)):
        function = Function(f"s.yml#{name}", Location("s.yml", own_line), "serverless",
                            name=name, runtime="python3.12", handler="h.handler")
        function.environment = {"API_URL": shared,
                                "OWN": EnvVar("OWN", "1", Location("s.yml", own_line + 1))}
        app.functions[function.id] = function
    return app


def test_env_definitions_once_per_scan_same_as_alone():
    app, facts = _app(), Facts()
    alone = [(d.var.name, d.var.location.line, [f.id for f in d.functions])
             for d in env_definitions(app)]
    assert alone == [("API_URL", 5, ["s.yml#a", "s.yml#b"]), ("OWN", 10, ["s.yml#a"]),
                     ("OWN", 13, ["s.yml#b"])]
    first = env_definitions(app, facts)
    assert [(d.var.name, d.var.location.line, [f.id for f in d.functions])
            for d in first] == alone
    assert env_definitions(app, facts) is first  # the second rule reads the first's


def test_code_findings_by_kind_keep_file_then_line_order():
    facts = Facts()
    facts.code["b.py"] = FileFacts("b.py", [CodeFact("secret", 9, "key", "k2"),
                                            CodeFact("tls-off", 3, "verify=False", "t1"),
                                            CodeFact("secret", 2, "token", "k1")])
    facts.code["a.py"] = FileFacts("a.py", [CodeFact("secret", 4, "pw", "k3")])
    facts.code["not-facts"] = object()
    secrets = [(f.location.file, f.location.line, f.subject)
               for f in code_findings(facts, "secret", "FG-DATA-003", "Secret", "secret")]
    assert secrets == [("b.py", 2, "secret:k1"), ("b.py", 9, "secret:k2"),
                       ("a.py", 4, "secret:k3")]
    tls = list(code_findings(facts, "tls-off", "FG-TP-004", "TLS off", "tls"))
    assert [(f.rule_id, f.message, f.location.line) for f in tls] == \
        [("FG-TP-004", "TLS off: verify=False.", 3)]
    assert list(code_findings(facts, "http-url", "FG-TP-003", "HTTP", "http")) == []


def _role(role_id: str, *statements: Statement) -> Role:
    return Role(role_id, Location("t.yml", 1), list(statements))


def test_wildcards_of_a_statement():
    assert wildcards(("*",)) == (True, ())
    assert wildcards((" *:* ",)) == (True, ())
    assert wildcards(("s3:*", "iam:*", "dynamodb:GetItem", "s3:Get*")) == (False, ("iam", "s3"))
    assert wildcards(("dynamodb:GetItem",)) == (False, ())
    assert wildcards(({"Ref": "Action"}, "sqs:*")) == (False, ("sqs",))  # unhashable entry


def test_escalation_paths_shared_by_the_rules_that_ask():
    chain = (Statement("Allow", actions=("iam:PassRole",), resources=("*",)),
             Statement("Allow", actions=("lambda:CreateFunction", "lambda:InvokeFunction"),
                       resources=("*",)))
    plain = _role("plain", *chain)
    starred = _role("starred", Statement("Allow", actions=("*",), resources=("*",)), *chain)
    memo: dict[str, object] = {}
    assert [p.id for p, _ in escalations(plain, memo)] == ["passrole-lambda-invoke"]
    assert role_paths(plain, memo) is escalations(plain, memo)  # worked out once
    # a statement granting every action is left out of escalations, not of role_paths
    assert [p.id for p, _ in escalations(starred, memo)] == \
        [p.id for p, _ in escalations(starred)] == ["passrole-lambda-invoke"]
    assert all(s.actions != ("*",) for _, found in escalations(starred, memo) for s in found)
    assert role_paths(starred, memo) == role_paths(starred)


def test_roles_with_the_same_allow_statements_share_their_expansion():
    def allow(*actions: str) -> Statement:
        return Statement("Allow", actions=actions, resources=("*",))

    by_content: dict[tuple[object, ...], object] = {}
    first = _granted_by(_role("a", allow("dynamodb:GetItem", "dynamodb:PutItem")), by_content)
    second = _granted_by(_role("b", allow("dynamodb:GetItem", "dynamodb:PutItem")), by_content)
    assert first is second and first.names == ["dynamodb:GetItem", "dynamodb:PutItem"]
    denied = _role("c", allow("dynamodb:GetItem", "dynamodb:PutItem"),
                   Statement("Deny", actions=("dynamodb:PutItem",), resources=("*",)))
    assert _granted_by(denied, by_content).names == ["dynamodb:GetItem"]
    assert _granted_by(_role("d", allow("s3:GetObject")), by_content).names == ["s3:GetObject"]


def test_what_the_rules_share_is_freed_with_the_rules():
    """The shared entries are named after modules without rules of their own, which
    `_drop_memo_of` never reaches: they go when the rules are done, the analyses'
    entries stay."""
    from faasguard.scan import run_rules

    app, facts = _app(), Facts()
    app.roles["r"] = _role("r", Statement("Allow", actions=("iam:PassRole",), resources=("*",)))
    facts.code["a.py"] = FileFacts("a.py", [CodeFact("secret", 4, "pw", "k3")])
    facts.memo["analysis.kept"] = {"x": 1}
    found = run_rules(app, facts)
    assert any(f.rule_id == "FG-DATA-003" for f in found)  # the shared entries were made
    assert set(facts.memo) == {"analysis.kept"}


def test_allow_only_roles_share_what_granted_actions_gives_each():
    """Resources, NotResource, conditions and the policy a statement came from narrow
    where an Allow grants, never what: alike roles share one expansion, equal to each
    role's own; a Deny (even conditional) is worked out for its role alone."""
    from faasguard.analysis.privileges import granted_actions
    from faasguard.rules.leastpriv import _granted

    actions = ("s3:Get*", "dynamodb:PutItem")
    roles = [
        _role("plain", Statement("Allow", actions=actions, resources=("*",))),
        _role("scoped", Statement("Allow", actions=actions, resources=("arn:aws:s3:::b/*",))),
        _role("not-res", Statement("Allow", actions=actions, not_resources=("arn:x",))),
        _role("cond", Statement("Allow", actions=actions, resources=("*",),
                                conditions={"Bool": {"aws:SecureTransport": "true"}})),
        _role("managed", Statement("Allow", actions=actions, resources=("*",),
                                   source="managed:arn:aws:iam::aws:policy/X")),
    ]
    by_content: dict[tuple[object, ...], object] = {}
    shared = [_granted_by(role, by_content) for role in roles]
    assert all(found is shared[0] for found in shared)
    assert all(found.names == _granted(granted_actions(role)).names
               for found, role in zip(shared, roles, strict=True))
    conditional_deny = _role("deny-if", *roles[0].statements, Statement(
        "Deny", actions=("s3:GetObject",), resources=("*",), conditions={"Bool": {"x": "y"}}))
    deny = _role("deny", *roles[0].statements,
                 Statement("Deny", actions=("s3:GetObject",), resources=("*",)))
    assert _granted_by(conditional_deny, by_content).names == shared[0].names
    assert "s3:GetObject" not in _granted_by(deny, by_content).names
    assert len(by_content) == 1
    not_action = _role("not-action", Statement("Allow", not_actions=actions, resources=("*",)))
    assert "s3:GetObject" not in _granted_by(not_action, by_content).names
    assert len(by_content) == 2


def test_remediation_chooser_lives_in_the_scans_memo_only():
    import gc
    import inspect

    from faasguard.model import SourceFile
    from faasguard.rules.util import remediation_for

    app, facts = App(root="."), Facts()
    app.files = [SourceFile("main.tf", "terraform"), SourceFile("serverless.yml", "serverless")]
    snippets = {"serverless": "in serverless.yml", "terraform": "in Terraform"}
    assert remediation_for(app, facts, "main.tf", snippets) == "in Terraform"
    assert remediation_for(app, facts, "serverless.yml", snippets) == "in serverless.yml"
    assert len(facts.memo) == 1  # one chooser for the scan
    files = app.files
    del app, facts
    gc.collect()
    # nothing holds the scan's files once its app and facts are gone (but this frame)
    assert all(inspect.isframe(r) for r in gc.get_referrers(files))
