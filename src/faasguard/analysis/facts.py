"""The facts analyses derive from the App, handed to every rule with the options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Options:
    """Settings rules read (from the config file and the command line)."""

    stage: str | None = None  # None: each file's own default stage
    region: str | None = None
    budget_usd_per_day: float | None = None
    http_timeout_threshold_s: int = 60
    log_retention_min_days: int = 7
    log_retention_max_days: int | None = None
    openapi_files: list[str] = field(default_factory=list)
    account_concurrency: int = 1000  # the account's Lambda concurrency quota (cost model)
    excludes: list[str] = field(default_factory=list)  # globs; see scan.python_sources
    # the paths the user named, relative to the root ("." the root itself): spec files are
    # looked for there only (analysis.openapi); None: the whole root
    scanned: list[str] | None = None
    trusted_accounts: list[str] = field(default_factory=list)  # layer publishers you trust
    today: str | None = None  # ISO date runtime deprecation is judged at (None: today)
    runtime_warning_days: int = 90  # report runtimes this close to deprecation (low)
    osv_db: str | None = None  # OSV advisory database (folder or zip); None: not checked
    jobs: int | None = None  # processes for the per-handler analyses; None: every CPU
    #: Deployment parameter values (`--param`, config `parameters:`): CloudFormation
    #: Parameters, Terraform root variables, serverless.yml `${param:...}` (the loaders)
    parameters: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Facts:
    """Derived facts, filled by the analyses; each analysis owns one attribute.

    `flows`: taint flows per function id (analysis.taint); `aws_calls`: AWS API calls per
    function id (analysis.awscalls); `cost`: worst-case cost model (analysis.cost);
    `endpoints`: endpoint inventory (analysis.endpoints); `code`: per source file facts
    from the handler code analysis (secrets, TLS off, logging of sensitive data, ...).
    """

    options: Options = field(default_factory=Options)
    flows: dict[str, list[Any]] = field(default_factory=dict)
    aws_calls: dict[str, list[Any]] = field(default_factory=dict)
    cost: Any = None
    endpoints: list[Any] = field(default_factory=list)
    openapi: list[Any] = field(default_factory=list)  # OpenAPI specs read (analysis.openapi)
    code: dict[str, Any] = field(default_factory=dict)
    python_modules: Any = None  # parsed Python files, shared (analysis.taint.modules.ModuleCache)
    dependencies: Any = None  # dependencies and advisories per function (analysis.dependencies)
    js_modules: Any = None  # parsed JS/TS files, shared (analysis.js.parse.JsModuleCache)
    jwt_decodes: list[Any] = field(default_factory=list)  # tokens decoded (analysis.js.jwt)
    #: Values several rules derive the same way, computed on first use and shared for the
    #: scan (e.g. "leastpriv.needs": IAM needs per function id); keys are "<module>.<what>".
    memo: dict[str, Any] = field(default_factory=dict)
