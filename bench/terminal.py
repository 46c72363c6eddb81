#!/usr/bin/env python3
"""A --tty job's terminal against tmux and dtach (issue 28), side by side in one run.

Run it through `make bench-terminal`: a release unitify, beside a user manager (a private one with
journald's rate limit off). Each contender holds a terminal running the same program; a client
attached to it runs in a pseudo-terminal of this script's, which types and reads:
- keystroke to echo: a key written to the client until the terminal's echo of it comes back
  through the client (`cat` reads; the terminal echoes), KEYS keys, median and 95th percentile;
- throughput: `cat` of a 100 MB text file (100-byte lines) while a client is attached, from the
  moment the program starts reading to the moment the client has shown the end mark; ROUNDS
  rounds, interleaved; for unitify every line also goes to the journal;
- memory: the resident set (VmRSS) and proportional set (Pss) of what holds the terminal (the
  holder; tmux's server; dtach's master) after the throughput rounds;
- start: `unitify run --tty` against `unitify run` (both `--check 0`), ROUNDS×3 each, interleaved.

Writes the report (Markdown) to stdout and to bench/out/terminal.md. Not a test.
"""

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = b"THE-END-OF-THE-FILE"


def log(*words):
    print("bench:", *words, file=__import__("sys").stderr, flush=True)


def client(argv, rows=24, columns=80):
    """argv in a pseudo-terminal of ours (a user's terminal): its pid and our end."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    import fcntl
    import struct
    import termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    return pid, fd


def read_until(fd, needle, timeout, seen=b""):
    """Reads fd until `needle` has come (in what came after `seen`); the time it came."""
    deadline = time.perf_counter() + timeout
    data = seen
    while needle not in data:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise SystemExit(f"bench: {needle!r} did not come within {timeout}s; last bytes: {data[-200:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                raise SystemExit(f"bench: the client ended before {needle!r}; last bytes: {data[-200:]!r}")
            data = data[-len(needle):] + chunk if len(data) > 1 << 16 else data + chunk
    return time.perf_counter()


def drain(fd, seconds):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                if not os.read(fd, 1 << 20):
                    return
            except OSError:
                return


def end_client(pid, fd):
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
    drain(fd, 0.2)
    os.close(fd)
    os.waitpid(pid, 0)


class Tmux:
    name = "tmux"

    def __init__(self, scratch):
        self.socket = os.path.join(scratch, "tmux.sock")

    def tmux(self, *args):
        subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], check=True, capture_output=True)

    def start(self, command):
        self.tmux("new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", command)
        self.tmux("set", "-g", "status", "off")

    def attach(self):
        return client(["tmux", "-S", self.socket, "attach", "-t", "bench"])

    def holder(self):
        out = subprocess.run(["pgrep", "-f", f"tmux -S {self.socket} -f /dev/null new-session"], capture_output=True, text=True).stdout.split()
        return int(out[0])

    def stop(self):
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


class Dtach:
    name = "dtach"

    def __init__(self, scratch):
        self.socket = os.path.join(scratch, "dtach.sock")

    def start(self, command):
        subprocess.run(["dtach", "-n", self.socket, "-E", "sh", "-c", command], check=True)

    def attach(self):
        return client(["dtach", "-a", self.socket, "-E", "-r", "none"])

    def holder(self):
        out = subprocess.run(["pgrep", "-f", f"dtach -n {self.socket}"], capture_output=True, text=True).stdout.split()
        return int(out[0])

    def stop(self):
        subprocess.run(["pkill", "-f", f"dtach -n {self.socket}"], capture_output=True)
        time.sleep(0.2)


class Unitify:
    name = "unitify"

    def __init__(self, binary):
        self.binary = binary
        self.job = "bench-tty"

    def start(self, command):
        subprocess.run([self.binary, "run", "--tty", "--check", "0", "--quiet", "--replace", "--name", self.job, "--", "sh", "-c", command],
                       check=True)

    def attach(self):
        return client([self.binary, "attach", self.job])

    def holder(self):
        out = subprocess.run(["pgrep", "-f", f"hold-terminal {self.job} "], capture_output=True, text=True).stdout.split()
        return int(out[0])

    def stop(self):
        subprocess.run([self.binary, "remove", self.job], capture_output=True)


def keystrokes(contender, keys):
    contender.start("stty -icanon; exec cat")
    pid, fd = contender.attach()
    time.sleep(1)
    drain(fd, 0.5)
    samples = []
    letters = b"abcdefghijklmnopqrstuvwxyz"
    for index in range(keys):
        key = letters[index % 26:index % 26 + 1]
        began = time.perf_counter()
        os.write(fd, key)
        came = read_until(fd, key, 10)
        samples.append(came - began)
        if index % 26 == 25:
            os.write(fd, b"\r")
            drain(fd, 0.05)
    end_client(pid, fd)
    contender.stop()
    return samples


def memory(pid):
    values = {}
    for path, keys in ((f"/proc/{pid}/status", ("VmRSS",)), (f"/proc/{pid}/smaps_rollup", ("Pss",))):
        with open(path) as file:
            for line in file:
                key = line.split(":")[0]
                if key in keys:
                    values[key] = int(line.split()[1])
    return values


def throughput(contender, big, gate):
    if os.path.exists(gate):
        os.unlink(gate)
    contender.start(f"while [ ! -e {gate} ]; do sleep 0.01; done; cat {big}; echo {MARK.decode()}; exec sleep 600")
    pid, fd = contender.attach()
    time.sleep(1)
    drain(fd, 0.3)
    open(gate, "w").close()
    began = time.perf_counter()
    came = read_until(fd, MARK, 600)
    held = memory(contender.holder())
    end_client(pid, fd)
    contender.stop()
    return came - began, held


def start_times(binary, rounds):
    samples = {"run": [], "run --tty": []}
    for index in range(rounds):
        order = [("run", []), ("run --tty", ["--tty"])]
        if index % 2:
            order.reverse()
        for label, extra in order:
            name = f"bench-start-{index}-{len(extra)}"
            began = time.perf_counter()
            subprocess.run([binary, "run", "--check", "0", "--quiet", *extra, "--name", name, "--", "sleep", "600"], check=True)
            samples[label].append(time.perf_counter() - began)
            subprocess.run([binary, "remove", name], capture_output=True)
    return samples


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unitify", required=True)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    binary = os.path.abspath(args.unitify)
    for tool in ("tmux", "dtach"):
        if not shutil.which(tool):
            raise SystemExit(f"bench: {tool} is missing (apt-get install {tool}); make bench-terminal installs it")
    scratch = tempfile.mkdtemp(prefix="bench-terminal-")
    big = os.path.join(scratch, "big.txt")
    with open(big, "w") as file:
        line = "x" * 88
        for number in range(args.megabytes * 10_000):
            file.write(f"line {number:08d} {line}\n"[:100])
    gate = os.path.join(scratch, "go")
    contenders = [Tmux(scratch), Dtach(scratch), Unitify(binary)]

    latency = {c.name: [] for c in contenders}
    for round_ in range(args.rounds):
        for contender in contenders[round_ % 3:] + contenders[:round_ % 3]:
            log(f"keys, round {round_ + 1}: {contender.name}")
            latency[contender.name] += keystrokes(contender, args.keys // args.rounds)
    speed = {c.name: [] for c in contenders}
    held = {}
    for round_ in range(args.rounds):
        for contender in contenders[round_ % 3:] + contenders[:round_ % 3]:
            log(f"throughput, round {round_ + 1}: {contender.name}")
            seconds, rss = throughput(contender, big, gate)
            speed[contender.name].append(seconds)
            held[contender.name] = rss
    log("start")
    starts = start_times(binary, args.rounds * 3)

    tmux_latency = statistics.median(latency["tmux"])
    tmux_speed = statistics.median(speed["tmux"])
    lines = [
        f"Keystroke to echo ({len(latency['tmux'])} keys each, through an attached client, `cat` on the terminal):",
        "",
        "| | median | p95 | median vs tmux |",
        "|---|---|---|---|",
    ]
    for name, values in latency.items():
        lines.append(f"| {name} | {statistics.median(values) * 1e6:.0f} µs | {p95(values) * 1e6:.0f} µs | {statistics.median(values) / tmux_latency:.2f}× |")
    lines += ["", f"`cat` of {args.megabytes} MB (100-byte lines) with a client attached ({args.rounds} rounds each, interleaved), and what holds the terminal afterwards:", "",
              "| | median | MB/s | vs tmux | holder RSS | holder Pss |", "|---|---|---|---|---|---|"]
    for name, values in speed.items():
        median = statistics.median(values)
        lines.append(f"| {name} | {median:.2f} s | {args.megabytes / median:.0f} | {median / tmux_speed:.2f}× | "
                     f"{held[name]['VmRSS'] / 1024:.1f} MiB | {held[name]['Pss'] / 1024:.1f} MiB |")
    run_median = statistics.median(starts["run"])
    tty_median = statistics.median(starts["run --tty"])
    lines += ["", f"Start ({len(starts['run'])} each, interleaved, `--check 0`): `run` {run_median * 1e3:.1f} ms, "
              f"`run --tty` {tty_median * 1e3:.1f} ms ({tty_median / run_median:.2f}×)."]
    report = "\n".join(lines) + "\n"
    print(report)
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    with open(os.path.join(HERE, "out", "terminal.md"), "w") as file:
        file.write(report)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
