"""Rate-limit and budget algorithms: pure steps over a small integer state, and their Lua twins.

Each algorithm is a pure function ``step(state, now_us, cost) -> Step`` over a tuple of
integers (times in integer microseconds, so every store and the Redis Lua script compute
exactly the same thing), plus the same computation written in Lua for Redis, where it runs
atomically on the server. The stores (``faasguard.runtime.stores``) make the
read-step-write atomic; the algorithms know nothing about storage.

- :class:`SlidingWindow` is a *sliding-window counter*: the count of the current fixed
  window plus the previous window's count weighted by how much of it still overlaps the
  sliding window. O(1) state per key (three integers), exact at window boundaries and a
  close approximation in between (it assumes the previous window's hits were spread evenly).
- :class:`Gcra` is the Generic Cell Rate Algorithm: one "theoretical arrival time" per key;
  it admits bursts up to ``burst`` and then exactly one request every ``window/limit``.
- :class:`BudgetWindows` counts invocations in the current UTC hour and UTC day (calendar
  windows, as a money budget is), all-or-nothing across both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Protocol

US = 1_000_000
"""Microseconds per second: every time in a state is an integer number of microseconds."""

State = tuple[int, ...]

SCOPES = ("rate", "hour", "day", "budget")
"""Decision scopes, indexed by the code the Lua scripts return."""


class Decision(NamedTuple):
    """The outcome of one limiter or budget check.

    ``remaining`` is how many more units the key may spend right now; ``retry_after_s`` is
    0 when allowed, else the wait before the same request would be allowed. ``scope`` says
    which limit decided ("rate", "hour" or "day"); ``degraded`` is True when the store was
    unavailable and the limiter failed open (the request was admitted without a count).
    (A NamedTuple rather than a dataclass: one is made per request, and cheaply.)
    """

    allowed: bool
    remaining: int
    retry_after_s: float
    scope: str = "rate"
    degraded: bool = False


class Step(NamedTuple):
    """What a store must do after one step: write ``state`` (unless None) for ``ttl_s``."""

    state: State | None
    decision: Decision
    ttl_s: float


class Algorithm(Protocol):
    """What the stores need from an algorithm."""

    @property
    def name(self) -> str:
        """A short name, unique per algorithm (the Redis store caches scripts by it)."""
        ...

    @property
    def lua(self) -> str:
        """The Lua twin of :meth:`step`, run atomically by the Redis store."""
        ...

    def lua_args(self) -> list[int]:
        """The algorithm's parameters, passed to its Lua script after ``now_us`` and ``cost``."""
        ...

    def step(self, state: State | None, now_us: int, cost: int) -> Step:
        """Decide one request of ``cost`` units at ``now_us`` given the key's stored state."""
        ...


def _denied(remaining: int, retry_us: int, scope: str = "rate") -> Decision:
    return Decision(False, max(0, remaining), retry_us / US, scope)


def _allowed(remaining: int, scope: str = "rate") -> Decision:
    return Decision(True, max(0, remaining), 0.0, scope)


# Shared Lua prelude: KEYS[1] holds the state as space-separated integers.
# ARGV[1] = now_us, ARGV[2] = cost, ARGV[3...] = the algorithm's lua_args().
# Scripts return {allowed (0/1), remaining, retry_us, scope code}.
_LUA_PRELUDE = """
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local function fdiv(a, b)
  local q = math.floor(a / b)
  if q * b > a then q = q - 1 elseif (q + 1) * b <= a then q = q + 1 end
  return q
end
local state = {}
local raw = redis.call('GET', KEYS[1])
if raw then for v in string.gmatch(raw, '%S+') do state[#state + 1] = tonumber(v) end end
local function save(values, ttl_us)
  local parts = {}
  for i, v in ipairs(values) do parts[i] = string.format('%.0f', v) end
  redis.call('SET', KEYS[1], table.concat(parts, ' '), 'PX', math.max(1, math.ceil(ttl_us / 1000)))
end
"""


@dataclass(frozen=True)
class SlidingWindow:
    """Sliding-window counter: at most ``limit`` units per ``window_s`` seconds.

    State: (start of the current fixed window in µs, count in it, count in the previous one).
    """

    limit: int
    window_s: float
    name: str = "sliding"

    @property
    def window_us(self) -> int:
        """The window length in whole microseconds."""
        return max(1, round(self.window_s * US))

    def lua_args(self) -> list[int]:
        return [self.limit, self.window_us]

    def step(self, state: State | None, now_us: int, cost: int) -> Step:
        limit, w = self.limit, self.window_us
        start = now_us - now_us % w
        curr = prev = 0
        if state is not None:
            s_start, s_curr, s_prev = state
            if s_start > start:  # another host's clock is ahead: join its window
                start, curr, prev = s_start, s_curr, s_prev
            elif s_start == start:
                curr, prev = s_curr, s_prev
            elif s_start == start - w:
                prev = s_curr
        elapsed = max(0, now_us - start)
        estimate = float(prev) * float(w - elapsed) / float(w) + float(curr)
        if estimate + cost <= limit:
            remaining = math.floor(limit - estimate - cost)
            return Step((start, curr + cost, prev), _allowed(remaining), (2 * w - elapsed) / US)
        if curr + cost <= limit and prev > 0:
            # The previous window's weight decays linearly: wait until enough has slid out.
            retry = math.ceil((estimate + cost - limit) * float(w) / float(prev))
        elif curr == 0:
            retry = w - elapsed
        else:
            # Only the next window can admit it, once this window's count has slid out enough.
            retry = (w - elapsed) + math.ceil(float(w) * (1.0 - float(limit - cost) / float(curr)))
        return Step(None, _denied(math.floor(limit - estimate), retry), 0.0)

    lua = _LUA_PRELUDE + """
local limit = tonumber(ARGV[3])
local w = tonumber(ARGV[4])
local start = fdiv(now, w) * w
local curr, prev = 0, 0
if #state == 3 then
  if state[1] > start then start, curr, prev = state[1], state[2], state[3]
  elseif state[1] == start then curr, prev = state[2], state[3]
  elseif state[1] == start - w then prev = state[2] end
end
local elapsed = math.max(0, now - start)
local estimate = prev * (w - elapsed) / w + curr
if estimate + cost <= limit then
  save({start, curr + cost, prev}, 2 * w - elapsed)
  return {1, math.max(0, math.floor(limit - estimate - cost)), 0, 0}
end
local retry
if curr + cost <= limit and prev > 0 then
  retry = math.ceil((estimate + cost - limit) * w / prev)
elseif curr == 0 then
  retry = w - elapsed
else
  retry = (w - elapsed) + math.ceil(w * (1.0 - (limit - cost) / curr))
end
return {0, math.max(0, math.floor(limit - estimate)), retry, 0}
"""


@dataclass(frozen=True)
class Gcra:
    """GCRA: ``limit`` units per ``window_s``, bursts of up to ``burst`` (default ``limit``).

    State: (theoretical arrival time in µs). The emission interval is rounded up to a whole
    microsecond, so the limiter never admits more than ``limit`` per window.
    """

    limit: int
    window_s: float
    burst: int | None = None
    name: str = "gcra"

    @property
    def interval_us(self) -> int:
        """The emission interval (one unit every ``window / limit``), in microseconds."""
        return max(1, math.ceil(self.window_s * US / self.limit))

    @property
    def capacity(self) -> int:
        """The largest burst admitted at once."""
        return self.burst if self.burst is not None else self.limit

    def lua_args(self) -> list[int]:
        return [self.interval_us, self.capacity]

    def step(self, state: State | None, now_us: int, cost: int) -> Step:
        t = self.interval_us
        tau = t * self.capacity
        tat = max(state[0], now_us) if state else now_us
        new_tat = tat + cost * t
        allow_at = new_tat - tau
        if now_us < allow_at:
            return Step(None, _denied((tau - (tat - now_us)) // t, allow_at - now_us), 0.0)
        return Step((new_tat,), _allowed((tau - (new_tat - now_us)) // t), (new_tat - now_us) / US)

    lua = _LUA_PRELUDE + """
local t = tonumber(ARGV[3])
local tau = t * tonumber(ARGV[4])
local tat = now
if #state == 1 and state[1] > now then tat = state[1] end
local new_tat = tat + cost * t
local allow_at = new_tat - tau
if now < allow_at then
  return {0, math.max(0, fdiv(tau - (tat - now), t)), allow_at - now, 0}
end
save({new_tat}, new_tat - now)
return {1, math.max(0, fdiv(tau - (new_tat - now), t)), 0, 0}
"""


HOUR_US = 3600 * US
DAY_US = 86400 * US


@dataclass(frozen=True)
class BudgetWindows:
    """At most ``per_hour`` units per UTC hour and ``per_day`` per UTC day (None: no cap).

    State: (hour index, count in that hour, day index, count in that day). A request is
    counted in both windows or in neither.
    """

    per_hour: int | None
    per_day: int | None
    name: str = "budget"

    def lua_args(self) -> list[int]:
        return [-1 if self.per_hour is None else self.per_hour,
                -1 if self.per_day is None else self.per_day]

    def step(self, state: State | None, now_us: int, cost: int) -> Step:
        hour, day = now_us // HOUR_US, now_us // DAY_US
        h_count = d_count = 0
        if state is not None:
            h_count = state[1] if state[0] == hour else 0
            d_count = state[3] if state[2] == day else 0
        day_end = (day + 1) * DAY_US - now_us
        if self.per_day is not None and d_count + cost > self.per_day:
            return Step(None, _denied(self.per_day - d_count, day_end, "day"), 0.0)
        if self.per_hour is not None and h_count + cost > self.per_hour:
            hour_end = (hour + 1) * HOUR_US - now_us
            return Step(None, _denied(self.per_hour - h_count, hour_end, "hour"), 0.0)
        h_count, d_count = h_count + cost, d_count + cost
        left = [cap - n for cap, n in ((self.per_hour, h_count), (self.per_day, d_count))
                if cap is not None]
        remaining = min(left) if left else 2**31
        return Step((hour, h_count, day, d_count), _allowed(remaining, "budget"), day_end / US)

    lua = _LUA_PRELUDE + """
local per_hour = tonumber(ARGV[3])
local per_day = tonumber(ARGV[4])
local hour_us, day_us = 3600000000, 86400000000
local hour, day = fdiv(now, hour_us), fdiv(now, day_us)
local h, d = 0, 0
if #state == 4 then
  if state[1] == hour then h = state[2] end
  if state[3] == day then d = state[4] end
end
local day_end = (day + 1) * day_us - now
if per_day >= 0 and d + cost > per_day then
  return {0, math.max(0, per_day - d), day_end, 2}
end
if per_hour >= 0 and h + cost > per_hour then
  return {0, math.max(0, per_hour - h), (hour + 1) * hour_us - now, 1}
end
h, d = h + cost, d + cost
local remaining = 2147483648
if per_hour >= 0 then remaining = math.min(remaining, per_hour - h) end
if per_day >= 0 then remaining = math.min(remaining, per_day - d) end
save({hour, h, day, d}, day_end)
return {1, math.max(0, remaining), 0, 3}
"""


def decision_from_reply(reply: list[int]) -> Decision:
    """Turn a Lua script's reply ``{allowed, remaining, retry_us, scope}`` into a Decision."""
    allowed, remaining, retry_us, scope = (int(v) for v in reply)
    return Decision(bool(allowed), remaining, retry_us / US, SCOPES[scope])
