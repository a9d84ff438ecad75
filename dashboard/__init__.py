"""The leadership pages, on top of every other app: the cockpit (home), the overview, task and
unit pages, the final evaluation (终期评估), what changed this quarter, the audit trail; and the
commands that load the plan and the demo, seed scale data and run the benchmark. No models."""
