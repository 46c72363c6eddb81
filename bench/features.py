#!/usr/bin/env python3
"""Process managers' features against their plain form (issue 30), side by side in one run.

Run it through `make bench-features`: a release unitify beside a user manager.
- log cap: a job that writes LINES lines as fast as it can (`yes | head`, 60-byte lines) to its
  --log-file, capped (`--log-max 20M --log-keep 2`, the writer left in the job rotating) against
  uncapped (`--log-max none`: systemd's append: straight to the file); the job's run time from
  `unitify run --wait` (start to end), ROUNDS rounds interleaved, medians. Goal: capped within
  1.10× of uncapped.
- formation: `unitify up -m web=20` on a one-line Procfile against `unitify up` on a Procfile of
  20 lines, each then taken down untimed; ROUNDS rounds interleaved.

Writes the report (Markdown) to stdout and to bench/out/features.md. Not a test.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(argv, cwd=None):
    began = time.perf_counter()
    subprocess.run(argv, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unitify", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lines", type=int, default=2_000_000)
    args = parser.parse_args()
    binary = os.path.abspath(args.unitify)
    scratch = tempfile.mkdtemp(prefix="bench-features-")
    log = os.path.join(scratch, "flood.log")
    writer = f"yes 'a line of sixty bytes, written as fast as the job can write' | head -n {args.lines}"
    contenders = {"uncapped (append:)": ["--log-max", "none"], "capped (20M, 2 kept)": ["--log-max", "20M", "--log-keep", "2"]}
    times = {label: [] for label in contenders}
    for round_ in range(args.rounds):
        order = list(contenders.items())
        if round_ % 2:
            order.reverse()
        for label, options in order:
            for path in [log, log + ".1", log + ".2"]:
                if os.path.exists(path):
                    os.unlink(path)
            times[label].append(timed([binary, "run", "--wait", "--quiet", "--name", "bench-flood", "--log-file", log, *options, "--", "sh", "-c", writer]))
            subprocess.run([binary, "remove", "bench-flood"], capture_output=True)
    megabytes = args.lines * 60 / 1e6

    apps = {}
    for label, text in [("up -m web=20", "web: exec sleep 1000\n"), ("20 lines", "".join(f"web{n}: exec sleep 1000\n" for n in range(1, 21)))]:
        directory = os.path.join(scratch, "one" if label.startswith("up") else "twenty")
        os.makedirs(directory)
        with open(os.path.join(directory, "Procfile"), "w") as file:
            file.write(text)
        apps[label] = directory
    formation = {label: [] for label in apps}
    for round_ in range(args.rounds):
        order = list(apps.items())
        if round_ % 2:
            order.reverse()
        for label, directory in order:
            extra = ["-m", "web=20"] if label.startswith("up") else []
            formation[label].append(timed([binary, "up", "--app", "benchapp", *extra], cwd=directory))
            subprocess.run([binary, "down", "--app", "benchapp"], cwd=directory, capture_output=True)

    base = statistics.median(times["uncapped (append:)"])
    lines = [f"A job writing {args.lines:,} lines ({megabytes:.0f} MB) to its --log-file as fast as it can, start to end (`run --wait`), {args.rounds} rounds interleaved:", "",
             "| | median | min–max | vs uncapped |", "|---|---|---|---|"]
    for label, values in times.items():
        lines.append(f"| {label} | {statistics.median(values):.2f} s | {min(values):.2f}–{max(values):.2f} s | {statistics.median(values) / base:.2f}× |")
    first = statistics.median(formation["20 lines"])
    lines += ["", f"`up` of 20 jobs, {args.rounds} rounds interleaved:", "", "| | median | min–max | vs 20 lines |", "|---|---|---|---|"]
    for label, values in formation.items():
        lines.append(f"| {label} | {statistics.median(values) * 1e3:.0f} ms | {min(values) * 1e3:.0f}–{max(values) * 1e3:.0f} ms | {statistics.median(values) / first:.2f}× |")
    report = "\n".join(lines) + "\n"
    print(report)
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", "features.md"), "w") as file:
        file.write(report)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
