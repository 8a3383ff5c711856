"""The dependency analysis and rules FG-TP-101..103 on one service of many functions that
share a requirements file (prints, asserts nothing).

Writes, in a temporary folder, one serverless.yml of FUNCTIONS functions (default 2,000)
built by serverless-python-requirements with `noDeploy: [boto3]`, and beside it a
requirements.txt of 301 requirements (boto3, 150 ranges, 150 pins); loads it
(`load_path`), then runs `analyse_dependencies` and the three rules RUNS times (default
1). Compare revisions by instructions, the loading alone (RUNS 0) against loading and
one run, each revision's package on PYTHONPATH:

    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no \\
        python3 benchmarks/bench_dependency_rules.py [FUNCTIONS [RUNS]]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from faasguard.analysis.dependencies import analyse_dependencies
from faasguard.analysis.facts import Facts, Options
from faasguard.loaders import LoadContext, load_path
from faasguard.rules import dependencies as rules


def write_service(root: Path, functions: int) -> None:
    """The service: its serverless.yml, requirements.txt and one handler per function."""
    lines = ["service: deps-bench", "provider:", "  name: aws", "  runtime: python3.12",
             "plugins:", "  - serverless-python-requirements", "custom:",
             "  pythonRequirements:", "    noDeploy:", "      - boto3", "functions:"]
    (root / "src").mkdir()
    for index in range(functions):
        lines += [f"  f{index}:", f"    handler: src/f{index}.handler"]
        (root / "src" / f"f{index}.py").write_text("def handler(event, context):\n"
                                                  "    return 1\n")
    (root / "serverless.yml").write_text("\n".join(lines) + "\n")
    requirements = ["boto3>=1.34", *(f"fgbench-range{i}>={i % 5}.0" for i in range(150)),
                    *(f"fgbench-pin{i}=={i % 5}.0.1" for i in range(150))]
    (root / "requirements.txt").write_text("\n".join(requirements) + "\n")


def main() -> None:
    functions = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    with tempfile.TemporaryDirectory() as tmp:
        write_service(Path(tmp), functions)
        app = load_path(LoadContext(root=tmp, file="serverless.yml"))
        diagnostics = list(app.diagnostics)
        findings = 0
        for _ in range(runs):
            facts = Facts(options=Options())
            analyse_dependencies(app, facts)
            findings = sum(len(list(rule(app, facts))) for rule in (
                rules.vulnerable_dependency, rules.unpinned_dependency, rules.check_not_run))
            app.diagnostics[:] = diagnostics
        print(f"{len(app.functions)} functions, {runs} run(s), {findings} findings")


if __name__ == "__main__":
    main()
