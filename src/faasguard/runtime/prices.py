"""AWS Lambda on-demand prices, to turn a money budget into an invocation budget.

Source: the AWS Lambda pricing page (https://aws.amazon.com/lambda/pricing/), region
us-east-1 (N. Virginia), first duration tier (the first 6 billion x86_64 / 7.5 billion
arm64 GB-seconds a month), without the free tier. Recorded 2026-11-29; these rates have
been unchanged since tiered pricing started in 2022. Other regions differ by a few
percent: pass your own :class:`PriceTable` when that matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PriceTable:
    """Lambda prices in USD: per request, and per GB-second for each architecture."""

    region: str
    usd_per_request: float
    usd_per_gb_second: dict[str, float] = field(default_factory=dict)
    source: str = ""
    recorded: str = ""

    def invocation_usd(self, memory_mb: int, duration_ms: float, arch: str = "x86_64") -> float:
        """The price of one invocation of ``duration_ms`` (billed per started ms)."""
        try:
            per_gb_s = self.usd_per_gb_second[arch]
        except KeyError:
            known = ", ".join(sorted(self.usd_per_gb_second))
            raise ValueError(f"unknown architecture {arch!r} (known: {known})") from None
        billed_ms = -(-duration_ms // 1)  # Lambda rounds each invocation up to the next ms
        return self.usd_per_request + memory_mb / 1024 * billed_ms / 1000 * per_gb_s


US_EAST_1 = PriceTable(
    region="us-east-1",
    usd_per_request=0.20 / 1_000_000,
    usd_per_gb_second={"x86_64": 0.0000166667, "arm64": 0.0000133334},
    source="https://aws.amazon.com/lambda/pricing/",
    recorded="2026-11-29",
)
"""The default price table."""
