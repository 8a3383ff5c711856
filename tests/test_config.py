"""Configuration: .faasguard.yml and [tool.faasguard], validation naming the key."""

from __future__ import annotations

import pytest
from pipeline_support import run_cli

from faasguard.config import ConfigError, find_config, load_config


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


FULL = """\
version: 1
rules:
  enable: [auth, FG-DATA-001]
  disable: [FG-AUTH-003]
severity:
  FG-DATA-001: critical
  auth: medium
exclude: ["tests/*", legacy]
ignore:
  - {rule: FG-AUTH-001, path: "public/*", reason: webhook with signed payloads}
stage: prod
region: eu-west-1
budget: "$25"
fail-on: high
max-file-size: 2048
thresholds:
  http-timeout: 29
  log-retention-min-days: 30
  log_retention_max_days: 400
openapi: [api/openapi.yml]
taint:
  sinks: [{call: mylib.run_query, category: sql}]
"""


def test_full_yaml_config(tmp_path):
    config = load_config(write(tmp_path, ".faasguard.yml", FULL))
    assert config.enable == ["auth", "FG-DATA-001"]
    assert config.disable == ["FG-AUTH-003"]
    assert config.exclude == ["tests/*", "legacy"]
    assert config.stage == "prod" and config.region == "eu-west-1"
    assert config.budget == 25.0 and config.fail_on == "high"
    assert config.max_file_size == 2048
    assert (config.http_timeout, config.log_retention_min_days,
            config.log_retention_max_days) == (29, 30, 400)
    assert config.openapi == [str(tmp_path / "api" / "openapi.yml")]  # the file's folder's
    assert config.taint == {"sinks": [{"call": "mylib.run_query", "category": "sql"}]}
    assert config.ignore[0].matches("FG-AUTH-001", "public/template.yaml")
    assert not config.ignore[0].matches("FG-AUTH-001", "private/template.yaml")
    assert not config.ignore[0].matches("FG-DATA-001", "public/template.yaml")


def test_rule_selection_id_beats_threat_and_disable_beats_enable(tmp_path):
    config = load_config(write(tmp_path, ".faasguard.yml", FULL))
    assert config.rule_enabled("FG-AUTH-001")  # threat enabled
    assert not config.rule_enabled("FG-AUTH-003")  # id disabled inside an enabled threat
    assert config.rule_enabled("FG-DATA-001")  # id enabled
    assert not config.rule_enabled("FG-PERM-001")  # enable list given, not in it
    only_disable = load_config(write(tmp_path, "b.yml", "rules:\n  disable: [auth]\n"))
    assert only_disable.rule_enabled("FG-PERM-001")
    assert not only_disable.rule_enabled("FG-AUTH-001")
    mixed = load_config(write(tmp_path, "c.yml",
                              "rules:\n  disable: [auth]\n  enable: [FG-AUTH-002]\n"))
    assert mixed.rule_enabled("FG-AUTH-002") and not mixed.rule_enabled("FG-AUTH-001")


def test_severity_override_rule_before_threat(tmp_path):
    config = load_config(write(tmp_path, ".faasguard.yml", FULL))
    assert config.severity_for("FG-DATA-001", "data", "high") == "critical"
    assert config.severity_for("FG-AUTH-001", "auth", "high") == "medium"
    assert config.severity_for("FG-PERM-001", "permissions", "critical") == "critical"


def test_pyproject_table(tmp_path):
    path = write(tmp_path, "pyproject.toml",
                 '[project]\nname = "x"\n\n[tool.faasguard]\nfail-on = "critical"\n'
                 'exclude = ["vendor/*"]\n[tool.faasguard.rules]\ndisable = ["wallet"]\n')
    config = load_config(path)
    assert config.fail_on == "critical" and config.exclude == ["vendor/*"]
    assert config.disable == ["wallet"]


def test_find_config_prefers_yaml_then_pyproject_with_table(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "pyproject.toml").write_text('[project]\nname = "no table"\n')
    assert find_config([str(first), str(second)]) is None
    (second / "pyproject.toml").write_text("[tool.faasguard]\nstage = 'x'\n")
    assert find_config([str(first), str(second)]) == str(second / "pyproject.toml")
    (first / ".faasguard.yml").write_text("stage: y\n")
    assert find_config([str(first), str(second)]) == str(first / ".faasguard.yml")


@pytest.mark.parametrize("text, key, words", [
    ("colour: red\n", "colour", "unknown key"),
    ("stage: prod\nfail_on: severe\n", "fail_on", "severe"),
    ("rules:\n  disable: [FG-NOPE-999]\n", "rules.disable", "FG-NOPE-999"),
    ("rules:\n  skip: [auth]\n", "rules.skip", "unknown key"),
    ("severity:\n  FG-AUTH-001: urgent\n", "severity.FG-AUTH-001", "urgent"),
    ("thresholds:\n  http-timeout: soon\n", "thresholds.http-timeout", "soon"),
    ("thresholds:\n  http-timeout: -3\n", "thresholds.http-timeout", "positive"),
    ("thresholds:\n  log-retention-min-days: 90\n  log-retention-max-days: 30\n",
     "thresholds.log-retention-max-days", "below"),
    ("budget: lots\n", "budget", "lots"),
    ("budget: 0\n", "budget", "positive"),
    ("exclude: 3\n", "exclude", "list of strings"),
    ("ignore:\n  - {rule: FG-AUTH-001, path: x}\n", "ignore[0].reason", "non-empty"),
    ("max-file-size: true\n", "max-file-size", "positive"),
    ("version: 2\n", "version", "unsupported"),
])
def test_bad_values_name_the_key(tmp_path, text, key, words):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, ".faasguard.yml", text))
    message = str(info.value)
    assert f"{key}:" in message and words in message
    assert ".faasguard.yml:" in message


def test_error_carries_the_line(tmp_path):
    with pytest.raises(ConfigError, match=r"\.faasguard\.yml:3: colour: unknown key"):
        load_config(write(tmp_path, ".faasguard.yml", "stage: a\nregion: b\ncolour: red\n"))
    with pytest.raises(ConfigError, match=r"\.faasguard\.yml:2: ignore\[0\]\.reason: "):
        load_config(write(tmp_path, ".faasguard.yml",
                          "stage: a\nignore:\n  - {rule: FG-AUTH-001, path: x}\n"))


@pytest.mark.parametrize("name, text, words", [
    (".faasguard.yml", "stage: [unclosed\n", "invalid YAML"),
    (".faasguard.yml", "- a list\n", "must be a mapping"),
    ("pyproject.toml", "[tool.faasguard\n", "invalid TOML"),
    ("pyproject.toml", "[tool]\nfaasguard = 3\n", "must be a table"),
])
def test_unreadable_config_files(tmp_path, name, text, words):
    with pytest.raises(ConfigError, match=words):
        load_config(write(tmp_path, name, text))


def test_a_pyproject_that_is_not_utf8_is_a_config_error(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_bytes(b"[tool.faasguard]\nstage = '\xff'\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(str(path))


def test_cli_bad_config_exits_2_without_traceback(tmp_path, capsys):
    (tmp_path / ".faasguard.yml").write_text("fail-on: sometimes\n")
    code, out, err = run_cli(capsys, "scan", str(tmp_path))
    assert code == 2
    assert "fail-on" in err and "sometimes" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "scan", str(tmp_path), "--config",
                           str(tmp_path / "missing.yml"))
    assert code == 2 and "missing.yml" in err and "not found" in err


def test_cli_config_fail_on_and_override(tmp_path, capsys):
    (tmp_path / ".faasguard.yml").write_text("fail-on: none\n")
    code, out, _ = run_cli(capsys, "scan", str(tmp_path))
    assert code == 0 and "none" in out


def test_the_readme_example_is_a_valid_config(tmp_path):
    from pipeline_support import REPO

    readme = (REPO / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1]
    example = section.split("```yaml", 1)[1].split("```", 1)[0]
    config = load_config(write(tmp_path, ".faasguard.yml", example))
    assert config.fail_on == "high" and config.ignore and config.enable


def test_options_from_config_and_command_line(tmp_path):
    from faasguard.config import resolve_config, to_options

    (tmp_path / ".faasguard.yml").write_text(FULL)
    config = resolve_config([str(tmp_path)])
    assert config.source == str(tmp_path / ".faasguard.yml")
    options = to_options(config, excludes=["extra/*"])
    assert (options.stage, options.region, options.budget_usd_per_day) == (
        "prod", "eu-west-1", 25.0)
    assert (options.http_timeout_threshold_s, options.log_retention_min_days,
            options.log_retention_max_days) == (29, 30, 400)
    assert options.excludes == ["tests/*", "legacy", "extra/*"]
    assert options.openapi_files == [str(tmp_path / "api" / "openapi.yml")]
    assert options.extra["taint"]["sinks"][0]["category"] == "sql"
    flags = to_options(config, stage="dev", region="us-east-2", budget=3.5)
    assert (flags.stage, flags.region, flags.budget_usd_per_day) == ("dev", "us-east-2", 3.5)
    with pytest.raises(ConfigError, match="not found"):
        resolve_config([str(tmp_path)], str(tmp_path / "nope.yml"))


def test_monitor_section_is_accepted_and_checked(tmp_path):
    """One .faasguard.yml serves the scan and the monitor: its `monitor:` section is the
    monitor's own (read by faasguard.monitor.config), and must be a mapping."""
    good = tmp_path / "good.yml"
    good.write_text("version: 1\nstage: prod\nmonitor:\n  budget: 20\n")
    assert load_config(str(good)).stage == "prod"
    bad = tmp_path / "bad.yml"
    bad.write_text("version: 1\nmonitor: 5\n")
    with pytest.raises(ConfigError, match="monitor"):
        load_config(str(bad))
