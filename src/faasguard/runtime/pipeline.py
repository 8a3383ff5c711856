"""The guard: a decorator that runs every invocation through the security pipeline.

    normalise -> inspect + validate -> authenticate -> rate limit -> budget -> handler
        (every decision is one security event in the audit log)

`@guard()` with no arguments already inspects every input in block mode and logs every
decision; each keyword argument switches one more protection on (see `GuardConfig` and
docs/runtime.md). A refusal is an HTTP response for HTTP sources (400, 401/403, 429,
503; generic bodies that leak nothing) and a typed exception for the others
(`InvalidEvent`, `InputRejected`, `AuthError`, `RateLimited`, `BudgetExceeded`,
`StoreUnavailable`). The handler's own exceptions propagate unchanged.

The verified claims reach the handler two ways: `faasguard.runtime.current().claims`
(every source, sync or async) and, for HTTP events, `event["requestContext"]["faasguard"]`
= {"claims": ..., "principal": ...}. A pydantic `model=` instance is
`current().model` (a list of instances, one per record, for batch sources).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import update_wrapper
from typing import TYPE_CHECKING, Any

from faasguard.runtime.audit import AuditLog
from faasguard.runtime.batch import ITEM_ID_PATH, item_id, record_index, split_batch, with_failures
from faasguard.runtime.config import GuardConfig, load_config
from faasguard.runtime.errors import GuardError, InputRejected, InvalidEvent
from faasguard.runtime.events import DIRECT, EVENTBRIDGE, SCHEDULE, EventView, normalize
from faasguard.runtime.inspect import Hit, Inspector
from faasguard.runtime.redact import Redactor
from faasguard.runtime.responses import error_response, looks_http, source_hint
from faasguard.runtime.sandbox import make_sandbox
from faasguard.runtime.validation import make_validator

if TYPE_CHECKING:
    from faasguard.runtime.limits import LimitExceeded

Handler = Callable[[Any, Any], Any]

_BODY_LESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


class GuardState:
    """What the guard learnt about the running invocation (see `current()`).

    `view` the normalised event, `claims` the verified claims ({} without auth),
    `principal` who is calling, `model` the pydantic instance(s), `hits` the detector
    hits, `rejected` the indexes of records refused with `batch_failures=True`.
    """

    __slots__ = ("view", "claims", "principal", "model", "hits", "rejected")

    def __init__(self, view: EventView) -> None:
        self.view = view
        self.claims: dict[str, Any] = {}
        self.principal: str | None = view.principal
        self.model: Any = None
        self.hits: list[Hit] = []
        self.rejected: list[int] = []  # with batch_failures: indexes of refused records


_current: ContextVar[GuardState | None] = ContextVar("faasguard_state", default=None)
# The Lambda request id of the invocation being admitted (context.aws_request_id), so that
# every security event can be joined with the function's own log lines.
_invocation_id: ContextVar[str | None] = ContextVar("faasguard_invocation", default=None)


def current() -> GuardState | None:
    """The state of the guarded invocation running in this context (None outside one)."""
    return _current.get()


class _Refusal(Exception):
    """Internal: the pipeline refused the event; `exc` is raised for non-HTTP sources."""

    def __init__(self, status: int, exc: Exception, headers: dict[str, str] | None = None):
        super().__init__(status)
        self.status = status
        self.exc = exc
        self.headers = headers or {}


class Guard:
    """The pipeline of one guarded handler, built once per cold start."""

    def __init__(self, handler: Handler, config: GuardConfig) -> None:
        self.handler = handler
        self.config = config
        self.modes = config.modes()
        self.inspector = Inspector(self.modes, config.id_fields, config.max_body_bytes,
                                   config.max_depth, config.max_keys)
        self.validator = make_validator(config.schema, config.model)
        self.redactor = Redactor(config.redact_keys, config.redact_patterns)
        self.audit = self._make_audit(config)
        self.sandbox = make_sandbox(config.sandbox)
        self.authenticator, self._auth_error = self._make_auth(config.auth)
        self.limiter, self.budget, self._limit_errors = self._make_limits(config)

    # --- building ---------------------------------------------------------------------

    def _make_audit(self, config: GuardConfig) -> AuditLog | None:
        sink = config.audit
        if sink is None or sink is False or sink == "off":
            return None
        return AuditLog(None if sink == "stdout" else sink, config.metrics_namespace,
                        config.function_name, config.metrics, config.audit_allow,
                        self.redactor)

    @staticmethod
    def _make_auth(option: Any) -> tuple[Any, type[Exception] | tuple[()]]:
        if option is None:
            return None, ()
        from faasguard.runtime.auth import Authenticator, AuthError

        if hasattr(option, "authenticate"):
            return option, AuthError
        if isinstance(option, Mapping):
            return Authenticator.from_options(option), AuthError
        raise ValueError("auth= takes an Authenticator or a mapping of its options")

    def _make_limits(self, config: GuardConfig) -> tuple[Any, Any, tuple[type[Exception], ...]]:
        if config.rate_limit is None and config.budget is None:
            return None, None, ()
        from faasguard.runtime import limits

        store = config.store
        if isinstance(store, str):
            store = limits.store_from_url(store)
        common = {"fail_open": config.fail_open, "on_store_error": self._store_error}
        limiter = config.rate_limit
        if isinstance(limiter, str):
            from faasguard.runtime.config import parse_rate

            limiter = parse_rate(limiter)
        budget = config.budget
        try:
            if isinstance(limiter, Mapping):
                limiter = limits.RateLimiter(store, **{**dict(limiter), **common})
            if isinstance(budget, Mapping):
                options = {**dict(budget), **common}
                budget = limits.InvocationBudget.from_usd(store, **options) \
                    if "usd_per_day" in options else limits.InvocationBudget(store, **options)
        except TypeError as exc:  # a missing or unknown key in the mapping
            raise ValueError(f"bad rate_limit= or budget= options: {exc}") from None
        for name, value, method in (("rate_limit", limiter, "hit"), ("budget", budget, "consume")):
            if value is None:
                continue
            if not hasattr(value, method):
                raise ValueError(f"{name}= takes a mapping of options or an object with "
                                 f".{method}(), not {value!r}")
            if getattr(value, "on_store_error", 0) is None:
                value.on_store_error = self._store_error
        return limiter, budget, (limits.StoreUnavailable,)

    # --- the pipeline -----------------------------------------------------------------

    def admit(self, event: Any, context: Any = None
              ) -> tuple[GuardState | None, dict[str, Any] | None]:
        """Run every check; `(state, None)` to call the handler, `(None, response)` to
        answer an HTTP request now. Raises the typed exception for non-HTTP refusals."""
        _invocation_id.set(getattr(context, "aws_request_id", None))
        view: EventView | None = None
        try:
            view = self._normalize(event)
            state = GuardState(view)
            self._inspect(state)
            if self.authenticator is not None:
                self._authenticate(state, event)
            if self.limiter is not None or self.budget is not None:
                self._limit(state)
        except _Refusal as refusal:
            # A malformed HTTP event let through in report mode has a DIRECT view.
            http = (view is not None and view.is_http) or looks_http(event)
            if not http:
                raise refusal.exc from None
            return None, error_response(event, refusal.status, refusal.headers)
        if self.audit is not None:
            view = state.view
            self.audit.allow(view.request_id, view.source, view.client_ip, state.principal,
                             _invocation_id.get())
        return state, None

    def _normalize(self, event: Any) -> EventView:
        try:
            return normalize(event)
        except InvalidEvent as exc:
            mode = self.modes["invalid_event"]
            if mode != "off":
                self._emit("block" if mode == "block" else "report", None, event=event,
                           detector="invalid_event", reason=exc.reason, location=exc.detail,
                           metric="blocked" if mode == "block" else "reported",
                           dimension="invalid_event", status=400 if mode == "block" else None)
            if mode == "block":
                raise _Refusal(400, exc) from None
            return EventView(source=DIRECT, raw=event)

    def _inspect(self, state: GuardState) -> None:
        view = state.view
        hits = self.inspector.inspect(view)
        if self.validator is not None and self.modes["schema"] != "off":
            hits.extend(self._validate(state))
        if not hits:
            return
        state.hits = hits
        blocking = [h for h in hits if h.mode == "block"]
        for hit in hits:
            if hit.mode == "report":
                self._emit("report", view, detector=hit.detector, location=hit.location,
                           reason="input", metric="reported", dimension=hit.detector,
                           evidence={"sample": hit.sample} if hit.sample else None)
        if blocking and self.config.batch_failures and view.source in ITEM_ID_PATH:
            by_record: dict[int, list[Hit]] = {}
            for hit in blocking:
                index = record_index(hit.location)
                if index is None:
                    break
                by_record.setdefault(index, []).append(hit)
            else:
                self._refuse_records(state, by_record)
                return
        if blocking:
            first = blocking[0]
            self._emit("block", view, detector=first.detector, location=first.location,
                       reason="input", status=400, metric="blocked", dimension=first.detector,
                       hits=[{"detector": h.detector, "location": h.location} for h in blocking],
                       evidence={"sample": first.sample} if first.sample else None)
            raise _Refusal(400, InputRejected(first.detector, first.location))

    def _refuse_records(self, state: GuardState, by_record: dict[int, list[Hit]]) -> None:
        """batch_failures: one block event per refused record, the rest go on."""
        view = state.view
        for index, hits in sorted(by_record.items()):
            first = hits[0]
            self._emit("block", view, detector=first.detector, location=first.location,
                       reason="input", metric="blocked", dimension=first.detector,
                       record_id=item_id(view, index),
                       hits=[{"detector": h.detector, "location": h.location} for h in hits],
                       evidence={"sample": first.sample} if first.sample else None)
        state.rejected = sorted(by_record)
        if isinstance(state.model, list):  # keep models aligned with the records passed on
            state.model = [m for i, m in enumerate(state.model) if i not in by_record]

    def _validate(self, state: GuardState) -> list[Hit]:
        assert self.validator is not None
        view, mode = state.view, self.modes["schema"]
        targets: list[tuple[str, Any]]
        if view.records:
            targets = [(f"records[{r.index}]", r.body) for r in view.records]
        elif view.is_http:
            if view.body is None and (view.method or "").upper() in _BODY_LESS:
                return []
            targets = [("body", view.body)]
        elif view.source in (EVENTBRIDGE, SCHEDULE):
            targets = [("detail", view.body)]
        else:
            targets = [("event", view.raw)]
        hits: list[Hit] = []
        models: list[Any] = []
        for where, data in targets:
            value, error = self.validator.validate(data)
            if error is not None:
                hits.append(Hit("schema", where, mode, error))
            models.append(value)
        if self.validator.kind == "model":
            state.model = models if view.records else models[0]
        return hits

    def _authenticate(self, state: GuardState, event: Any) -> None:
        view = state.view
        try:
            claims = self.authenticator.authenticate(view.headers, view.method, view.path)
        except self._auth_error as exc:
            reason = str(getattr(exc, "reason", "auth_failed"))
            status = int(getattr(exc, "status", 401))
            self._emit("block", view, detector="auth", reason=reason, status=status,
                       metric="auth_failed", dimension=reason)
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 \
                else {}
            raise _Refusal(status, exc, headers) from None
        state.claims = dict(claims)
        state.principal = str(claims.get("sub")) if claims.get("sub") is not None \
            else view.principal
        ctx = event.get("requestContext") if isinstance(event, dict) else None
        if view.is_http and isinstance(ctx, dict):
            ctx["faasguard"] = {"claims": state.claims, "principal": state.principal}

    def _limit(self, state: GuardState) -> None:
        view = state.view
        try:
            if self.limiter is not None:
                key = self._client_key(state)
                decision = self.limiter.hit(key)
                if not decision.allowed:
                    from faasguard.runtime.limits import RateLimited

                    raise self._over_limit(view, 429, "rate_limit", "rate_limited",
                                           RateLimited(decision.retry_after_s, decision.scope))
            if self.budget is not None:
                decision = self.budget.consume()
                if not decision.allowed:
                    from faasguard.runtime.limits import BudgetExceeded

                    raise self._over_limit(view, 503, "budget", "budget_exceeded",
                                           BudgetExceeded(decision.scope, decision.retry_after_s))
        except self._limit_errors as exc:  # the store failed and the limiter fails closed
            self._emit("block", view, detector="limit_store", reason="store_unavailable",
                       status=503)
            raise _Refusal(503, exc) from None

    def _over_limit(self, view: EventView, status: int, detector: str, reason: str,
                    exceeded: LimitExceeded) -> _Refusal:
        """Audit a limit's refusal (`reason` is also the metric) and build the refusal."""
        self._emit("block", view, detector=detector, reason=reason, status=status,
                   metric=reason, dimension=exceeded.scope,
                   retry_after_s=round(exceeded.retry_after_s, 3))
        return _Refusal(status, exceeded, {"Retry-After": exceeded.retry_after_header})

    def _client_key(self, state: GuardState) -> str:
        view, how = state.view, self.config.rate_limit_key
        if not view.is_http:
            return f"source:{view.source}"
        if how == "sub" and state.principal:
            return f"sub:{state.principal}"
        if how == "api_key":
            api_key = view.api_key or view.headers.get("x-api-key")
            if api_key:
                import hashlib

                return "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:32]
        return f"ip:{view.client_ip or 'unknown'}"

    def _store_error(self, exc: Exception) -> None:
        # Loud on purpose: limits are not being counted while this happens.
        self._emit("error", None, detector="limit_store", reason="store_unavailable",
                   metric="store_error", dimension="store",
                   fail_open=self.config.fail_open, error=type(exc).__name__)

    def _emit(self, decision: str, view: EventView | None, event: Any = None,
              **fields: Any) -> None:
        if self.audit is None:
            return
        fields.setdefault("aws_request_id", _invocation_id.get())
        if view is not None:
            client: dict[str, Any] = {"ip": view.client_ip} if view.client_ip else {}
            fields.setdefault("principal", view.principal)
            self.audit.emit(decision, request_id=view.request_id, source=view.source,
                            client=client or None, **fields)
        else:
            self.audit.emit(decision, source=source_hint(event), **fields)

    # --- calling the handler ------------------------------------------------------------

    def run(self, state: GuardState, event: Any, context: Any) -> Any:
        """Call the handler with the state and sandbox of this invocation in place."""
        if not state.rejected:
            return self._call(state, event, context)
        kept, failures = split_batch(state.view, state.rejected, event)
        result = self._call(state, kept, context) if kept is not None else None
        return with_failures(result, failures)

    async def run_async(self, state: GuardState, event: Any, context: Any) -> Any:
        """`run` for a coroutine handler."""
        if not state.rejected:
            return await self._call_async(state, event, context)
        kept, failures = split_batch(state.view, state.rejected, event)
        result = await self._call_async(state, kept, context) if kept is not None else None
        return with_failures(result, failures)

    def _call(self, state: GuardState, event: Any, context: Any) -> Any:
        token = _current.set(state)
        try:
            if self.sandbox is None:
                return self.handler(event, context)
            with self.sandbox.active():
                return self.handler(event, context)
        finally:
            _current.reset(token)

    async def _call_async(self, state: GuardState, event: Any, context: Any) -> Any:
        token = _current.set(state)
        try:
            if self.sandbox is None:
                return await self.handler(event, context)
            with self.sandbox.active():
                return await self.handler(event, context)
        finally:
            _current.reset(token)


def _is_coroutine_function(func: Any) -> bool:
    code = getattr(getattr(func, "__func__", func), "__code__", None)
    return code is not None and bool(code.co_flags & 0x80)  # inspect.CO_COROUTINE


def wrap(handler: Handler, **options: Any) -> Handler:
    """Guard `handler` (a plain function call, for frameworks and handler factories).

    Options are those of `guard`; the returned callable has the handler's signature
    (sync or async) and carries the built pipeline as `.faasguard`.
    """
    config = load_config(options)
    pipeline = Guard(handler, config)
    wrapper: Any
    if _is_coroutine_function(handler):
        async def async_wrapper(event: Any, context: Any = None) -> Any:
            state, response = pipeline.admit(event, context)
            if state is None:
                return response
            return await pipeline.run_async(state, event, context)

        wrapper = async_wrapper
    else:
        def sync_wrapper(event: Any, context: Any = None) -> Any:
            state, response = pipeline.admit(event, context)
            if state is None:
                return response
            return pipeline.run(state, event, context)

        wrapper = sync_wrapper
    update_wrapper(wrapper, handler)
    wrapper.faasguard = pipeline
    return wrapper


def guard(handler: Handler | None = None, **options: Any) -> Any:
    """Protect a Lambda handler: `@guard`, `@guard()` or `@guard(schema=..., auth=...)`.

    With no options: every input inspected in block mode, every decision logged. Options
    (keyword, `FAASGUARD_*` environment variables or a config file; see `GuardConfig`):
    `mode`, `detectors`, `id_fields`, `max_body_bytes`, `max_depth`, `max_keys`, `schema`,
    `model`, `auth`, `rate_limit`, `rate_limit_key`, `budget`, `store`, `fail_open`,
    `sandbox`, `audit`, `audit_allow`, `metrics`, `metrics_namespace`, `redact_keys`,
    `redact_patterns`, `function_name`, `batch_failures`, `config`.

    Raises ValueError at decoration time for a wrong option.
    """
    if handler is not None:
        if not callable(handler):
            raise TypeError("guard() takes options as keyword arguments: @guard(schema=...)")
        return wrap(handler, **options)

    def decorate(func: Handler) -> Handler:
        return wrap(func, **options)

    return decorate


__all__ = ["Guard", "GuardError", "GuardState", "current", "guard", "wrap"]
