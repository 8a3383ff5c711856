"""`faasguard cost PATH...`: the worst-case spend an attacker can force, per function."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from faasguard.commands.endpoints import add_common_arguments, load
from faasguard.model import Location, clashing_names, located_name

HELP = "worst-case cost an attacker can force, per function and for the app"
EPILOG = """\
examples:
  faasguard cost .
  faasguard cost . --budget 50 --format json
  faasguard cost . --account-concurrency 3000

The model: requests priced by entry point (REST/HTTP/websocket API, ALB, function URL)
plus GB-seconds (memory x timeout x architecture), bounded by reserved concurrency, API
throttling (a route's own setting replaces its stage's; -1 throttles nothing), 10
requests/s per environment and the account's concurrency; first-tier us-east-1 list
prices from faasguard's versioned price table. A function a route without an
authoriser feeds (through a queue, stream or topic) is exposed; where the route's
authoriser is a parameter with an authenticating default and no AllowedValues (NONE only
a value the setting accepts), it is not counted and marked * (`exposed_if` in JSON).
exit codes: 0 done (or within --budget), 1 worst case above --budget, 2 usage error."""


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return int(text)


def _budget(text: str) -> float:
    from faasguard.config import parse_budget

    return parse_budget(text, argparse.ArgumentTypeError)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `faasguard cost`."""
    parser.epilog = EPILOG
    add_common_arguments(parser)
    parser.add_argument("--budget", type=_budget, metavar="USD_PER_DAY",
                        help="compare the worst case with this daily budget and propose caps")
    parser.add_argument("--account-concurrency", type=_positive_int, metavar="N",
                        help="the account's Lambda concurrency quota (default 1000)")


def cost_report(model: Any, budget: float | None) -> dict[str, Any]:
    """The cost model (and, with a budget, the caps that fit) as a JSON-ready mapping."""
    from faasguard.analysis.cost import propose_caps
    from faasguard.model import logical_id

    data: dict[str, Any] = model.as_dict()
    if budget is not None:
        data["budget_usd_per_day"] = budget
        data["over_budget"] = model.total_usd_per_day > budget
        data["proposals"] = [
            {"function": logical_id(p.function), "reserved_concurrency": p.reserved_concurrency,
             "throttle_rps": p.throttle_rps, "usd_per_day": round(p.usd_per_day, 2),
             "fits": p.fits, "location": _where(model.functions[p.function].location)}
            for p in propose_caps(model, budget)] if data["over_budget"] else []
    return data


def _where(location: Any) -> dict[str, Any]:
    return {"file": location.file, "line": location.line}


def _label(entry: dict[str, Any], clashing: set[str]) -> str:
    """A function's name in the text (`located_name`, of an entry of the JSON)."""
    where = Location(entry["location"]["file"], entry["location"]["line"])
    return located_name(str(entry["function"]), where, clashing)


def _money(value: float) -> str:
    return f"${value:,.2f}"


def render_text(data: dict[str, Any]) -> str:
    """The cost table, the app total and, with a budget, the proposed caps."""
    header = ("FUNCTION", "ENTRY", "EXPOSED", "MEMORY", "TIMEOUT", "ARCH", "CONCURRENCY",
              "REQ/S", "PER HOUR", "PER DAY")
    rows = [header]
    clashing = clashing_names(f["function"] for f in data["functions"])
    for f in sorted(data["functions"], key=lambda f: -f["usd_per_day"]):
        # a mark where a deployment passing NONE would expose it (the notes below)
        exposed = (", ".join(f["exposure"]) or "no") + ("*" if f.get("exposed_if") else "")
        rows.append((_label(f, clashing), f["entry"], exposed,
                     f"{f['memory_mb']} MB", f"{f['timeout_s']} s", f["architecture"],
                     f"{f['concurrency']} ({f['concurrency_source']})",
                     f"{f['request_rate']:,.0f} ({f['rate_source']})",
                     _money(f["usd_per_hour"]), _money(f["usd_per_day"])))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(header))]
    lines = [f"Worst-case cost, {data['region']} prices of {data['prices_version']}; account "
             f"concurrency {data['account_concurrency']} (unreserved pool "
             f"{data['unreserved_pool']}).", ""]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    lines += ["", f"App worst case (exposed functions, sharing the account's concurrency): "
              f"{_money(data['total_usd_per_hour'])}/hour, "
              f"{_money(data['total_usd_per_day'])}/day."]
    undecided = [f for f in data["functions"] if f.get("exposed_if")]
    if undecided:
        lines.append("* authenticated as the template writes it, exposed (and not counted "
                     "above) only on a deployment that passes NONE:")
        lines += [f"  {_label(f, clashing)}: {', '.join(f['exposed_if'])}" for f in undecided]
    if "budget_usd_per_day" in data:
        if not data["over_budget"]:
            lines.append(f"Within the budget of {_money(data['budget_usd_per_day'])}/day.")
        else:
            lines.append(f"ABOVE the budget of {_money(data['budget_usd_per_day'])}/day. "
                         "Caps that fit (budget shared equally by exposed functions):")
            for p in data["proposals"]:
                caps = f"reserved concurrency {p['reserved_concurrency']}"
                if p["throttle_rps"] is not None:
                    caps += f", API throttle {p['throttle_rps']:g} requests/s"
                note = "" if p["fits"] else "  (still above its share: lower timeout/memory)"
                if p["fits"] and p["throttle_rps"] is not None and p["throttle_rps"] < 1:
                    note = "  (or lower the timeout/memory)"
                lines.append(f"  {_label(p, clashing)}: {caps} -> {_money(p['usd_per_day'])}/day"
                             f"{note}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the cost table; exit 1 when a budget is given and exceeded."""
    from faasguard.analysis.cost import analyse_cost

    loaded = load(args)
    if loaded is None:
        return 2
    app, facts = loaded
    analyse_cost(app, facts)
    data = cost_report(facts.cost, facts.options.budget_usd_per_day)
    if args.format == "json":
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(data))
    return 1 if data.get("over_budget") else 0
