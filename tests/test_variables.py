"""The serverless.yml `${...}` resolver: sources, fallbacks, nesting, files, cycles, bounds."""

import os
import textwrap
from pathlib import Path

import pytest

from faasguard.loaders.documents import LDict, load_file, parse
from faasguard.loaders.variables import VariableResolver, VariableSettings
from faasguard.model import Unknown

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"


def resolve(text, root=None, **settings):
    """Resolve a YAML text; returns (resolved data, resolver)."""
    doc = parse(textwrap.dedent(text))
    base = str(root or FIXTURES)
    resolver = VariableResolver(doc.data, VariableSettings(root=base, base_dir=base, **settings))
    return resolver.resolve(), resolver


def messages(resolver):
    return [p.message for p in resolver.problems]


def test_self_references_keep_types_and_embed_in_strings():
    data, resolver = resolve("""
        service: orders
        custom:
          memory: 512
          enabled: true
          tags: {team: payments}
          list: [a, b, c]
          name: "${self:service}-${sls:stage}-table"
          size: ${self:custom.memory}
          flag: ${self:custom.enabled}
          tagsCopy: ${self:custom.tags}
          second: ${self:custom.list.1}
          third: ${self:custom.list[2]}
          text: "mem=${self:custom.memory} on=${self:custom.enabled}"
    """)
    custom = data["custom"]
    assert custom["name"] == "orders-dev-table"
    assert custom["size"] == 512 and isinstance(custom["size"], int)
    assert custom["flag"] is True
    assert custom["tagsCopy"] == {"team": "payments"}
    assert isinstance(custom["tagsCopy"], LDict)
    assert (custom["second"], custom["third"]) == ("b", "c")
    assert custom["text"] == "mem=512 on=true"
    assert resolver.problems == []


def test_whole_config_reference_with_empty_self_address_is_a_cycle():
    data, resolver = resolve("""
        service: s
        copy: ${self:}
    """)
    assert isinstance(data["copy"], Unknown)
    assert any("cycle" in m for m in messages(resolver))


def test_fallbacks_nested_and_literal():
    data, resolver = resolve("""
        custom:
          b: from-b
          quoted: ${self:custom.nope, 'fallback, with comma'}
          chain: ${self:custom.nope, ${self:custom.alsoNope}, 'c'}
          second: ${self:custom.nope, ${self:custom.b}}
          number: ${self:custom.nope, 10}
          doubleQuoted: ${self:custom.nope, "dq"}
          nullValue: ~
          fromNull: ${self:custom.nullValue, 'was-null'}
    """)
    custom = data["custom"]
    assert custom["quoted"] == "fallback, with comma"
    assert custom["chain"] == "c"
    assert custom["second"] == "from-b"
    assert custom["number"] == 10
    assert custom["doubleQuoted"] == "dq"
    assert custom["fromNull"] == "was-null"
    assert resolver.problems == []


def test_nested_variable_in_address():
    data, _ = resolve("""
        provider:
          stage: prod
        custom:
          prod: {memory: 2048}
          dev: {memory: 128}
          memory: ${self:custom.${opt:stage}.memory}
          viaSls: ${self:custom.${sls:stage}.memory}
    """)
    assert data["custom"]["memory"] == 2048
    assert data["custom"]["viaSls"] == 2048


@pytest.mark.parametrize("given, provider, expected", [
    ({"stage": "staging"}, "stage: prod", "staging"),
    ({}, "stage: prod", "prod"),
    ({}, "stage: ${opt:stage, 'qa'}", "qa"),
    ({"stage": "live"}, "stage: ${opt:stage, 'qa'}", "live"),
    ({}, "runtime: python3.12", "dev"),
])
def test_stage_from_user_then_file_then_dev(given, provider, expected):
    data, resolver = resolve(f"""
        provider:
          {provider}
        custom:
          opt: ${{opt:stage}}
          sls: ${{sls:stage}}
    """, **given)
    assert resolver.stage == expected
    assert data["custom"] == {"opt": expected, "sls": expected}


def test_region_from_user_then_file_then_default():
    _, resolver = resolve("provider:\n  region: eu-west-1\n")
    assert resolver.region == "eu-west-1"
    _, resolver = resolve("provider:\n  region: eu-west-1\n", region="ap-south-1")
    assert resolver.region == "ap-south-1"
    data, resolver = resolve("custom:\n  r: ${opt:region}\n  a: ${aws:region}\n")
    assert resolver.region == "us-east-1"
    assert data["custom"] == {"r": "us-east-1", "a": "us-east-1"}


@pytest.mark.parametrize("given, expected", [
    ({}, {"stage": "test", "region": "eu-west-3", "sls": "dev", "aws": "us-east-1"}),
    ({"stage": "prod", "region": "eu-north-1"},
     {"stage": "prod", "region": "eu-north-1", "sls": "prod", "aws": "eu-north-1"}),
])
def test_opt_is_the_command_line_option_only_else_the_fallback(given, expected):
    # ${sls:stage} is the framework's ${opt:stage, self:provider.stage, "dev"}: without
    # --stage, ${opt:stage, x} is x (not the stage the service deploys to)
    data, resolver = resolve("""
        custom:
          fallback: test
          stage: ${opt:stage, self:custom.fallback}
          region: ${opt:region, 'eu-west-3'}
          sls: ${sls:stage}
          aws: ${aws:region}
    """, **given)
    assert {k: v for k, v in data["custom"].items() if k != "fallback"} == expected
    assert resolver.problems == []


def test_provider_stage_and_region_not_written_are_the_defaults():
    # `${opt:stage, self:provider.stage}` with no provider.stage (a common starter)
    data, resolver = resolve("""
        custom:
          table: orders-${opt:stage, self:provider.stage}
          arn: arn:aws:dynamodb:${opt:region, self:provider.region}:*:table/t
    """)
    assert data["custom"] == {"table": "orders-dev",
                              "arn": "arn:aws:dynamodb:us-east-1:*:table/t"}
    assert resolver.problems == []
    data, _ = resolve("custom:\n  table: orders-${self:provider.stage}\n", stage="qa")
    assert data["custom"] == {"table": "orders-qa"}


def test_remote_and_deploy_time_sources_are_unknown_never_fetched():
    data, resolver = resolve("""
        custom:
          ssm: ${ssm:/app/db-password}
          ssmRaw: ${ssm(raw):/app/secret}
          cf: ${cf:other-stack.QueueUrl}
          cfRegion: ${cf(us-east-1):other-stack.QueueUrl}
          s3: ${s3:bucket/key}
          account: ${aws:accountId}
          instance: ${sls:instanceId}
          ssmWithFallback: ${ssm:/app/x, 'plain'}
          arn: "arn:aws:sqs:${aws:region}:${aws:accountId}:queue"
    """)
    custom = data["custom"]
    assert custom["ssm"] == Unknown("ssm:/app/db-password")
    assert custom["ssmRaw"] == Unknown("ssm(raw):/app/secret")
    assert custom["cf"] == Unknown("cf:other-stack.QueueUrl")
    assert custom["cfRegion"] == Unknown("cf(us-east-1):other-stack.QueueUrl")
    assert custom["s3"] == Unknown("s3:bucket/key")
    assert custom["account"] == Unknown("aws:accountId")
    assert custom["instance"] == Unknown("sls:instanceId")
    assert custom["ssmWithFallback"] == Unknown("ssm:/app/x")
    assert custom["arn"] == "arn:aws:sqs:us-east-1:${aws:accountId}:queue"
    assert resolver.problems == []


def test_env_only_when_the_user_opts_in():
    text = """
        custom:
          home: ${env:APP_HOME}
          withFallback: ${env:NOT_SET, 'fb'}
    """
    data, _ = resolve(text)
    assert data["custom"]["home"] == Unknown("env:APP_HOME")
    assert data["custom"]["withFallback"] == Unknown("env:NOT_SET")
    data, _ = resolve(text, env={"APP_HOME": "/srv/app"})
    assert data["custom"] == {"home": "/srv/app", "withFallback": "fb"}


def test_params_by_stage_then_default_v3_and_v4_forms():
    v3 = """
        provider: {stage: prod}
        params:
          prod: {domain: shop.example.com}
          default: {domain: dev.example.com, memory: 512}
        custom:
          domain: ${param:domain}
          memory: ${param:memory}
          missing: ${param:nope}
    """
    data, resolver = resolve(v3)
    assert data["custom"]["domain"] == "shop.example.com"
    assert data["custom"]["memory"] == 512
    assert data["custom"]["missing"] == Unknown("param:nope")
    assert any("param:nope" in m and "'prod'" in m for m in messages(resolver))
    v4 = """
        stages:
          default: {params: {domain: dev.example.com}}
          qa: {params: {domain: qa.example.com}}
        custom:
          domain: ${param:domain}
    """
    assert resolve(v4, stage="qa")[0]["custom"]["domain"] == "qa.example.com"
    assert resolve(v4)[0]["custom"]["domain"] == "dev.example.com"
    assert resolve(v4, params={"domain": "cli.example.com"})[0]["custom"]["domain"] == \
        "cli.example.com"


def test_unknown_source_is_a_warning_and_unknown():
    data, resolver = resolve("custom:\n  x: ${vaultish:secret/path}\n")
    assert data["custom"]["x"] == Unknown("vaultish:secret/path")
    assert resolver.problems[0].line == 2
    assert "unknown variable source 'vaultish'" in resolver.problems[0].message


def test_cloudformation_sub_placeholders_are_left_alone():
    data, resolver = resolve("""
        resources:
          Resources:
            P:
              Properties:
                Arn: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/${Bucket.Arn}/${!Literal}"
    """)
    props = data["resources"]["Resources"]["P"]["Properties"]
    assert props["Arn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${Bucket.Arn}/${!Literal}"}
    assert resolver.problems == []


@pytest.mark.parametrize("text, chain", [
    ("a: ${self:b}\nb: ${self:a}\n", "self:a -> self:b -> self:a"),
    ("a: ${self:a}\n", "self:a -> self:a"),
    ("a: ${self:b}\nb: ${self:c}\nc: x-${self:a}\n", "self:a -> self:b -> self:c -> self:a"),
    ("a: ${self:a.b}\n", "self:a -> self:a"),
])
def test_cycles_are_reported_with_their_chain(text, chain):
    data, resolver = resolve(text)
    assert isinstance(data["a"], Unknown)
    assert [p.message for p in resolver.problems] == [
        f"variable cycle: {chain}; value left unknown"]
    assert resolver.problems[0].line == 1


def test_cycle_through_stage_default_falls_back_to_dev():
    data, resolver = resolve("provider:\n  stage: ${self:provider.stage}\n")
    assert resolver.stage == "dev"
    assert any("cycle" in m for m in messages(resolver))


def test_substitution_bomb_is_bounded():
    lines = [f"b{i}: " + "".join(f"${{self:b{i + 1}}}" for _ in range(8)) for i in range(9)]
    lines.append("b9: " + "x" * 40)
    data, resolver = resolve("\n".join(lines) + "\n")
    assert isinstance(data["b0"], Unknown)
    assert data["b8"] == "x" * 320
    assert sum("substitution bomb" in m for m in messages(resolver)) >= 1


def test_total_substitutions_are_bounded():
    body = "\n".join(f"k{i}: ${{self:base}}" for i in range(50))
    data, resolver = resolve("base: v\n" + body + "\n", max_substitutions=20)
    assert data["k0"] == "v"
    assert isinstance(data["k49"], Unknown)
    assert sum("substitutions" in m for m in messages(resolver)) == 1


def test_deep_reference_chains_are_bounded():
    chain = "\n".join(f"c{i}: ${{self:c{i + 1}}}" for i in range(60)) + "\nc60: end\n"
    data, resolver = resolve(chain)
    assert isinstance(data["c0"], Unknown)
    assert data["c59"] == "end"
    assert any("nested more than" in m for m in messages(resolver))


def test_lines_are_kept_through_resolution():
    data, _ = resolve("""
        custom:
          base:
            A: 1
            B: two
        provider:
          environment: ${self:custom.base}
    """)
    env = data["provider"]["environment"]
    assert isinstance(env, LDict)
    assert env.line_of("A") == 4 and env.line_of("B") == 5
    assert data["custom"].line_of("base") == 3


def test_file_source_reads_yaml_and_json_inside_the_project():
    root = str(FIXTURES)
    doc = load_file(str(FIXTURES / "variables" / "serverless.yml"))
    resolver = VariableResolver(doc.data, VariableSettings(
        root=root, base_dir=str(FIXTURES / "variables")))
    data = resolver.resolve()
    env = data["provider"]["environment"]
    assert env == {"DB_HOST": "db.internal", "SERVICE_STAGE": "vars-qa"}
    # values from another file keep their own lines there, numbered past the main file's
    env_file = str(FIXTURES / "variables" / "conf" / "env.yml")
    assert resolver.place(env.line_of("DB_HOST")) == (env_file, 1)
    assert resolver.place(env.line_of("SERVICE_STAGE")) == (env_file, 2)
    assert resolver.place(data.line_of("custom")) == (None, data.line_of("custom"))
    custom = data["custom"]
    assert custom["limits"] == {"memory": 256, "timeout": 20}
    assert custom["fromYaml"] == "db.qa.internal"
    assert custom["missingFile"] == "no-file"
    assert custom["missingKey"] == 5432
    assert custom["escape"] == Unknown("file(../../../../../etc/hostname.yml)")
    assert custom["code"] == Unknown("file(./conf/config.js)")
    assert custom["broken"] == Unknown("file(./conf/broken.yml)")
    by_line = {p.line: p.message for p in resolver.problems}
    assert "refused: the path leaves the scanned folder" in by_line[11]
    assert "../../../../../etc/hostname.yml" in by_line[11]
    assert "code is never run" in by_line[12]
    assert "invalid YAML/JSON" in by_line[13]
    assert len(resolver.problems) == 3


def test_file_escapes_by_absolute_path_and_symlink_are_refused(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "secret.yml"
    outside.write_text("password: hunter2\n")
    (project / "inside.yml").write_text("ok: yes-inside\n")
    os.symlink(outside, project / "link.yml")
    data, resolver = resolve(f"""
        a: ${{file({outside}):password}}
        b: ${{file(./link.yml):password}}
        c: ${{file(./inside.yml):ok}}
    """, root=project)
    assert data["a"] == Unknown(f"file({outside})")
    assert data["b"] == Unknown("file(./link.yml)")
    assert data["c"] == "yes-inside"
    refused = [p for p in resolver.problems if "refused" in p.message]
    assert [p.line for p in refused] == [2, 3]
    assert str(outside) in refused[0].message and "./link.yml" in refused[1].message
    assert "hunter2" not in repr(data)


def test_variable_syntax_errors_stay_text():
    data, resolver = resolve("a: '${self:b'\nb: x\n")
    assert data["a"] == "${self:b"
    assert resolver.problems == []


def test_str_to_bool():
    data, resolver = resolve("""
        custom:
          flag: "true"
          a: ${strToBool(${self:custom.flag})}
          b: ${strToBool(0)}
          c: ${strToBool(${ssm:/flag})}
          d: ${strToBool(maybe)}
    """)
    custom = data["custom"]
    assert (custom["a"], custom["b"]) == (True, False)
    assert isinstance(custom["c"], Unknown) and isinstance(custom["d"], Unknown)
    assert [p.line for p in resolver.problems] == [7]


def test_unknown_parts_make_a_reference_unknown_without_warnings():
    data, resolver = resolve("""
        custom:
          fromSsm: ${ssm:/config}
          byEnv: ${self:custom.${env:WHICH}.memory}
          through: ${self:custom.fromSsm.memory}
          nul: "${file(./a\\0b.yml)}"
    """)
    custom = data["custom"]
    assert isinstance(custom["byEnv"], Unknown)
    assert custom["through"] == Unknown("ssm:/config")
    assert isinstance(custom["nul"], Unknown)
    assert [p.line for p in resolver.problems] == [6]


def test_variable_bomb_through_lists_is_bounded():
    levels = ["    l0: [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        levels.append(f"    l{i}: [" + ", ".join([f"\"${{self:custom.l{i - 1}}}\""] * 10) + "]")
    text = "custom:\n" + "\n".join(levels) + "\nprovider:\n  environment:\n" \
        "    BOMB: ${self:custom.l8}\n    SMALL: ${self:custom.l1}\n"
    doc = parse(text)
    resolver = VariableResolver(doc.data, VariableSettings(root=str(FIXTURES),
                                                           base_dir=str(FIXTURES)))
    data = resolver.resolve()
    env = data["provider"]["environment"]
    assert expanded(env["BOMB"]) <= resolver.settings.max_nodes  # 10**9 if not bounded
    assert any("variable bomb" in m for m in messages(resolver))
    assert len(env["SMALL"]) == 10 and env["SMALL"][0] == ["x"] * 10


def test_serverless_load_of_a_variable_bomb_finishes(tmp_path):
    from faasguard.loaders import LoadContext, load_path

    levels = ["  l0: [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        levels.append(f"  l{i}: [" + ", ".join([f"\"${{self:custom.l{i - 1}}}\""] * 10) + "]")
    (tmp_path / "serverless.yml").write_text(
        "service: bomb\nprovider:\n  name: aws\ncustom:\n" + "\n".join(levels) +
        "\nfunctions:\n  f:\n    handler: h.f\n    environment:\n      X: ${self:custom.l8}\n")
    app = load_path(LoadContext(root=str(tmp_path), file="serverless.yml"))
    assert expanded(app.functions["serverless.yml#f"].environment["X"].value) <= 10**6
    assert any("variable bomb" in d.message for d in app.diagnostics)


def expanded(value):
    """The number of values in `value` written out in full."""
    if isinstance(value, dict):
        return 1 + sum(expanded(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(expanded(v) for v in value)
    return 1


def test_total_characters_produced_are_bounded():
    body = "\n".join(f"k{i}: x${{self:base}}" for i in range(30))
    data, resolver = resolve("base: " + "y" * 1000 + "\n" + body + "\n", max_total_length=10_000)
    assert data["k0"] == "x" + "y" * 1000
    assert isinstance(data["k29"], Unknown)
    assert sum("characters in all" in m for m in messages(resolver)) == 1
