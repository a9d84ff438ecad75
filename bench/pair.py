"""The driver of bench/before_after: two versions of the site, each a ``manage.py benchmark
--lockstep`` process on its own database, asked for one page request at a time, A and B in
turn (A B, then B A, so that neither always goes first), each timed by its own process's CPU
time. Prints every page's median per side in each of the benchmark's three modes, the ratio of
the medians (B/A, the figure the no-slower rule reads) and the median of the run-by-run ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

MODES = ("live", "after", "cached")


class Side:
    def __init__(self, directory, database, projects):
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{database}")
        self.log = open(f"{database}.log", "w")  # noqa: SIM115 - its log (logins), kept open
        self.process = subprocess.Popen(
            [".venv/bin/python", "manage.py", "benchmark", "--sizes", str(projects),
             "--lockstep", "--clock", "cpu"],
            cwd=directory, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            stderr=self.log,
        )  # fmt: skip
        self.pages = json.loads(self.answer())

    def answer(self) -> str:
        while line := self.process.stdout.readline():
            if line.startswith("@@ "):
                return line[3:].strip()
        sys.exit(f"the benchmark in {self.process.args} ended without answering")

    def ask(self, verb, index, mode) -> str:
        self.process.stdin.write(f"{verb} {index} {mode}\n")
        self.process.stdin.flush()
        return self.answer()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--out")
    parser.add_argument("--pages", help="Only the pages whose names hold one of these "
                        "comma-separated words (default: every page).")  # fmt: skip
    parser.add_argument("a_dir")
    parser.add_argument("a_db")
    parser.add_argument("b_dir")
    parser.add_argument("b_db")
    parser.add_argument("projects", type=int)
    args = parser.parse_args()
    a = Side(args.a_dir, args.a_db, args.projects)
    b = Side(args.b_dir, args.b_db, args.projects)
    if a.pages != b.pages:
        sys.exit(f"the two sides time different pages: {a.pages} / {b.pages}")
    times = {}
    print(f"{args.runs} runs a page, mode and side, A and B alternating; CPU ms")
    print(f"{'page':<38}" + "".join(f"{m + ' A':>9}{m + ' B':>9}{'B/A':>6}{'pair':>6}"
                                    for m in MODES))  # fmt: skip
    for index, name in enumerate(a.pages):
        if args.pages and not any(word in name for word in args.pages.split(",")):
            continue
        row = f"{name:<38}"
        for mode in MODES:
            a.ask("warm", index, mode)
            b.ask("warm", index, mode)
            runs = {"A": [], "B": []}
            for run in range(args.runs):
                order = (("A", a), ("B", b)) if run % 2 == 0 else (("B", b), ("A", a))
                for key, side in order:
                    runs[key].append(float(side.ask("time", index, mode)))
            times[f"{name}|{mode}"] = runs
            median_a, median_b = statistics.median(runs["A"]), statistics.median(runs["B"])
            pair = statistics.median(y / x for x, y in zip(runs["A"], runs["B"], strict=True))
            row += f"{median_a:>9.1f}{median_b:>9.1f}{median_b / median_a:>6.2f}{pair:>6.2f}"
        print(row, flush=True)
    for side in (a, b):
        side.process.stdin.close()
        side.process.wait()
        side.log.close()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(times, out)


if __name__ == "__main__":
    main()
