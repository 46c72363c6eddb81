#!/usr/bin/env python3
"""The log cap's work, apart from the machine's load (issue 30): CPU time, not only wall time.

`python3 bench/capped-cpu.py --unitify BIN [--rounds N] [--lines N]`: the job of
bench/features.py (`yes | head`, 60-byte lines) with its output appended to a file, run
directly (no manager): plain, and through `BIN write-log 20M 2` (the cap's writer left behind,
as systemd runs it). This process is the subreaper of both (PR_SET_CHILD_SUBREAPER), so the
writer, which leaves its parent, is reaped here and its CPU time counted with the job's
(getrusage of the children). Rounds interleaved, medians. Not a test.
"""

import argparse
import ctypes
import os
import resource
import statistics
import subprocess
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unitify", required=True)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--lines", type=int, default=2_000_000)
    args = parser.parse_args()
    ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    job = f"yes 'a line of sixty bytes, written as fast as the job can write' | head -n {args.lines}"
    contenders = {"plain (append)": ["sh", "-c", job],
                  "capped (20M, 2 kept)": [os.path.abspath(args.unitify), "write-log", str(20 << 20), "2", "/bin/sh", "--", "sh", "-c", job]}
    wall = {label: [] for label in contenders}
    cpu = {label: [] for label in contenders}
    scratch = tempfile.mkdtemp(prefix="bench-capped-")
    for round_ in range(args.rounds):
        order = list(contenders.items())
        if round_ % 2:
            order.reverse()
        for label, argv in order:
            for name in os.listdir(scratch):
                os.unlink(os.path.join(scratch, name))
            log = os.open(os.path.join(scratch, "flood.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            subprocess.Popen(argv, stdout=log, stderr=log)
            os.close(log)
            while True:  # the job, and the writer once it has ended too
                try:
                    os.wait4(-1, 0)
                except ChildProcessError:
                    break
            wall[label].append(time.perf_counter() - began)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[label].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    for name in os.listdir(scratch):
        os.unlink(os.path.join(scratch, name))
    os.rmdir(scratch)
    base_wall, base_cpu = statistics.median(wall["plain (append)"]), statistics.median(cpu["plain (append)"])
    print(f"{args.lines:,} lines, {args.rounds} rounds interleaved, medians:\n")
    print("| | wall | CPU (user+sys, the writer's too) | wall vs plain | CPU vs plain |\n|---|---|---|---|---|")
    for label in contenders:
        w, c = statistics.median(wall[label]), statistics.median(cpu[label])
        print(f"| {label} | {w:.3f} s | {c:.3f} s | {w / base_wall:.2f}× | {c / base_cpu:.2f}× |")


if __name__ == "__main__":
    main()
