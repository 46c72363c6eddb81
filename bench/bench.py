#!/usr/bin/env python3
"""unitify against systemd-run, systemctl, journalctl and sd-journal's own loop (issue 7).

Run it through `make bench`, which builds a release unitify and runs this beside a user manager
(a private one with journald's rate limit off, scripts/user-session --no-ratelimit, when none is
reachable). Each comparison runs its contenders interleaved, in rotating order (A B C, B C A,
C A B, ...; with two, A B then B A), after one untimed warm-up round, and reports the median,
min-max and peak RSS of each and the ratio of medians. Every command runs under bench/measure.c,
which times it from vfork to wait4 and reads its peak RSS from wait4's rusage (measured straight
from python, each child would show python's own 17 MiB). Units are started and stopped outside
the timed part.

The fleet part (6, issue 14) boots test hosts of its own (scripts/test-machine, root) and measures
`unitify status --host` against ssh to them; the floor part (7, issue 29) measures every remote
command against `ssh H` and systemd's own tool through slow links (bench/slow-link.py), and status
of 1, 10 and 100 hosts. Neither needs a user manager here, and `make bench-fleet` runs both alone,
outside scripts/user-session's machine-wide lock (`make bench-floor`: the floor part alone).

Writes the report (Markdown) to stdout and to bench/out/results.md, raw samples to
bench/out/results.json. Not a test: CI does not run it.
"""

import argparse
import datetime
import json
import os
import platform
import select
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# What unitify's status reads from GetAll (UnitStatus.init(properties:)); systemctl show gets the same.
STATUS_PROPERTIES = ",".join([
    "Id", "Description", "LoadState", "ActiveState", "SubState", "Result", "MainPID",
    "ActiveEnterTimestamp", "NRestarts", "MemoryCurrent", "CPUUsageNSec", "ExecMainCode",
    "ExecMainStatus", "ExecStart", "WorkingDirectory", "Restart", "RestartUSec", "InvocationID",
    "TriggeredBy", "StandardOutput", "StandardError", "UnitFileState", "Environment", "Transient",
    "FragmentPath",
])

PREFIX = "bench-"
RUN = 0  # numbers every timed command, for unique unit names
MEASURE = None  # bench/measure, built at start


def log(*words):
    print("bench:", *words, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ running commands

class Sample:
    def __init__(self, wall, rss_kib, out=b"", cpu=0.0):
        self.wall = wall        # seconds
        self.rss = rss_kib      # peak resident set size, KiB (ru_maxrss)
        self.out = out
        self.cpu = cpu          # seconds of CPU, the command's and its waited-for children's
        self.outside = None     # seconds of CPU elsewhere meanwhile, when compare() has a meter
        self.window = None      # (start, end) in CLOCK_MONOTONIC ns, set by compare()


def timed(argv, capture=False, ok=(0,)):
    """Runs argv through bench/measure (wall time from its vfork to its wait4, peak RSS from
    wait4's rusage) with stdin and stdout on /dev/null (stdout to a file with capture) and stderr
    to a file. Fails loudly on an unexpected exit status."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out, \
            tempfile.NamedTemporaryFile(prefix="bench-measure-") as report:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1) if capture else (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        pid = os.posix_spawn(MEASURE, [MEASURE, report.name, *argv], os.environ, file_actions=actions)
        os.waitpid(pid, 0)
        wall_ns, rss, status, cpu_ns = (int(x) for x in open(report.name).read().split())
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            err.seek(0)
            raise SystemExit(f"bench: {' '.join(argv)[:300]} exited with {code}: {err.read().decode(errors='replace')[-2000:]}")
        data = b""
        if capture:
            out.seek(0)
            data = out.read()
        return Sample(wall_ns / 1e9, rss, data, cpu_ns / 1e9)


def quiet(argv, ok=(0,)):
    """An untimed helper command; returns its stdout."""
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True)
    if result.returncode not in ok:
        raise SystemExit(f"bench: {' '.join(argv)[:300]} exited with {result.returncode}: {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout


class Contender:
    """One command of a comparison. argv(i) builds the command of run i (unique unit names);
    before() runs untimed just before it, cleanup(i, sample) untimed after the round."""

    def __init__(self, label, argv, cleanup=None, capture=False, ok=(0,), unitify=False, before=None, links=()):
        self.label = label
        self.links = links  # the slow links (slow-link.py's TAGs) its round trips are counted on
        self.argv = argv if callable(argv) else (lambda i, a=argv: a)
        self.before = before
        self.cleanup = cleanup
        self.capture = capture
        self.ok = ok
        self.unitify = unitify
        self.samples = []


def compare(title, contenders, pairs, warmup=1, after_round=None, meter=None):
    """Interleaved rounds in rotating order; the first `warmup` rounds are not recorded.
    meter(), if given, is read before and after each command: CPU seconds spent elsewhere
    (processes the command does not wait for), kept in the sample's `outside`."""
    global RUN
    log(f"{title}: {pairs} rounds of {len(contenders)}")
    for r in range(-warmup, pairs):
        shift = r % len(contenders)
        order = contenders[shift:] + contenders[:shift]
        done = []
        for c in order:
            RUN += 1
            if c.before:
                c.before()
            before = meter() if meter else None
            start = time.monotonic_ns()
            s = timed(c.argv(RUN), capture=c.capture, ok=c.ok)
            s.window = (start, time.monotonic_ns())
            if meter:
                s.outside = meter() - before
            done.append((c, RUN, s))
            if r >= 0:
                c.samples.append(s)
        for c, i, s in done:
            if c.cleanup:
                c.cleanup(i, s)
        if after_round:
            after_round()
    return contenders


# ------------------------------------------------------------------ statistics and report

def med(values):
    return statistics.median(values)


def ms(seconds):
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def mib(kib):
    return f"{kib / 1024:.1f}"


def summary(c):
    walls = [s.wall for s in c.samples]
    rss = [s.rss for s in c.samples]
    row = {"label": c.label, "n": len(walls), "median": med(walls), "min": min(walls), "max": max(walls),
           "rss_median": med(rss), "rss_max": max(rss), "walls": walls, "rss": rss, "cpu": [s.cpu for s in c.samples]}
    row["cpu_median"] = med(row["cpu"])
    if c.samples[0].outside is not None:
        row["outside"] = [s.outside for s in c.samples]
        row["outside_median"] = med(row["outside"])
        row["cpu_total_median"] = med([s.cpu + s.outside for s in c.samples])
    return row


class Report:
    def __init__(self):
        self.lines = []
        self.data = {}
        self.goals = []

    def add(self, *lines):
        self.lines.extend(lines)

    def table(self, key, title, contenders, base=None, note=None, cpu=None):
        """A table of one comparison; ratios are base's median over each row's. With cpu (a
        label for the meter's part), columns of CPU time: the command's and the meter's."""
        rows = [summary(c) for c in contenders]
        self.data[key] = rows
        base_row = next((r for r in rows if r["label"] == base), rows[0]) if base is not False else None
        self.add(f"### {title}", "")
        note = (note + " " if note else "") + f"{rows[0]['n']} timed rounds."
        if note:
            self.add(note, "")
        head = "| command | median ms | min–max ms | peak RSS MiB (median / max) |"
        rule = "|---|---:|---:|---:|"
        if base_row:
            head += f" {base_row['label']} ÷ this |"
            rule += "---:|"
        if cpu:
            head += f" CPU ms: the command / {cpu} / all (medians) |"
            rule += "---:|"
        self.add(head, rule)
        for r in rows:
            line = f"| `{r['label']}` | {ms(r['median'])} | {ms(r['min'])}–{ms(r['max'])} | {mib(r['rss_median'])} / {mib(r['rss_max'])} |"
            if base_row:
                line += " — |" if r is base_row else f" {base_row['median'] / r['median']:.2f}× |"
            if cpu:
                line += f" {ms(r['cpu_median'])} / {ms(r['outside_median'])} / {ms(r['cpu_total_median'])} |"
            self.add(line)
        self.add("")
        return {r["label"]: r for r in rows}

    def goal(self, text, value, limit, met, detail=""):
        self.goals.append({"goal": text, "value": value, "limit": limit, "met": bool(met), "detail": detail})


# ------------------------------------------------------------------ machine

def machine():
    def first(path, key):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    def version(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()[0].strip()
        except (OSError, IndexError):
            return "?"

    mem_kib = int(first("/proc/meminfo", "MemTotal").split()[0])
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "systemd": version(["systemctl", "--version"]),
        "swift": version(["swift", "--version"]) if subprocess.run(["sh", "-c", "command -v swift"], capture_output=True).returncode == 0 else "?",
        "python": platform.python_version(),
        "load": os.getloadavg(),
        "commit": subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip() or "?",
    }


# ------------------------------------------------------------------ units

def unit(name):
    return name if "." in name else name + ".service"


def stop_units(names):
    if names:
        quiet(["systemctl", "--user", "stop", *map(unit, names)], ok=(0, 1, 5))
        quiet(["systemctl", "--user", "reset-failed", *map(unit, names)], ok=(0, 1, 5))


def stop_leftovers():
    """Units of an earlier, interrupted run (only in a long-lived user manager)."""
    quiet(["systemctl", "--user", "stop", PREFIX + "*"], ok=(0, 1, 5))
    quiet(["systemctl", "--user", "reset-failed", PREFIX + "*"], ok=(0, 1, 5))


def kill_pid(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


# ------------------------------------------------------------------ 1. start

def bench_start(args, report):
    U = args.unitify
    started = []

    def stop_unit(i, s):
        started.append(f"{PREFIX}start-{i}")

    def kill_nohup(i, s):
        kill_pid(int(s.out.split()[0]))

    def flush():
        stop_units(started)
        started.clear()

    contenders = compare("start", [
        Contender("unitify run --check 0 -- sleep 300", lambda i: [U, "run", "--check", "0", "--name", f"{PREFIX}start-{i}", "--", "sleep", "300"], stop_unit, unitify=True),
        Contender("systemd-run --user -- sleep 300", lambda i: ["systemd-run", "--user", f"--unit={PREFIX}start-{i}", "--", "sleep", "300"], stop_unit),
        Contender("nohup sleep 300 &", ["sh", "-c", "nohup sleep 300 >/dev/null 2>&1 & echo $!"], kill_nohup, capture=True),
    ] + [Contender(f"{label}: unitify run --check 0 -- sleep 300", lambda i, b=binary: [b, "run", "--check", "0", "--name", f"{PREFIX}start-{i}", "--", "sleep", "300"], stop_unit)
         for label, binary in args.also], args.quick_pairs, after_round=flush)
    rows = report.table("start", "1. Start a job (waits for the start job)", contenders,
                        note="Each run gets its own --name/--unit; units are stopped after each round, outside the timing.")
    u, s = rows[contenders[0].label], rows[contenders[1].label]
    report.goal("start ≤ 1.0× systemd-run", u["median"] / s["median"], 1.0, u["median"] <= s["median"])
    report.goal("start: peak RSS ≤ systemd-run's", u["rss_median"] / s["rss_median"], 1.0, u["rss_median"] <= s["rss_median"])

    contenders = compare("start with settle check", [
        Contender("unitify run -- sleep 300", lambda i: [U, "run", "--name", f"{PREFIX}start-{i}", "--", "sleep", "300"], stop_unit, unitify=True),
        Contender("systemd-run --user -- sleep 300", lambda i: ["systemd-run", "--user", f"--unit={PREFIX}start-{i}", "--", "sleep", "300"], stop_unit),
    ], args.pairs, after_round=flush)
    report.table("start_settle", "1b. Default `unitify run` (500 ms settle check), for reference", contenders,
                 note="The settle check watches the job for 500 ms so that a crash at start is reported; no goal applies.")


# ------------------------------------------------------------------ 1c. an app of 20 jobs

def bench_app(args, report):
    """`unitify up` of a Procfile of N jobs against a shell loop of N `unitify run --persistent`
    and against `systemctl --user enable --now` of N unit files written by hand (written before,
    outside the timing). Every contender starts `sleep 300` N times as enabled persistent units
    with no settle check (--check 0), and everything is removed after each round, untimed."""
    U, n = args.unitify, args.app_jobs
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.environ["HOME"], ".config")
    units_dir = os.path.join(home, "systemd", "user")
    project = tempfile.mkdtemp(prefix="bench-app-")
    app = os.path.basename(project)
    with open(os.path.join(project, "Procfile"), "w") as f:
        f.writelines(f"j{k}: -- sleep 300\n" for k in range(n))

    def names(prefix):
        return [f"{PREFIX}{prefix}-{k}" for k in range(n)]

    def write_units():
        os.makedirs(units_dir, exist_ok=True)
        for name in names("hand"):
            with open(os.path.join(units_dir, name + ".service"), "w") as f:
                f.write("[Unit]\nDescription=sleep 300\n\n[Service]\nType=exec\nExecStart=/bin/sleep 300\n\n"
                        "[Install]\nWantedBy=default.target\n")

    def remove_app(i, s):
        quiet([U, "down", "-f", os.path.join(project, "Procfile")])

    def remove_loop(i, s):
        for name in names("loop"):
            quiet([U, "uninstall", name], ok=(0, 1, 4))

    def remove_hand(i, s):
        quiet(["systemctl", "--user", "disable", "--now", *[u + ".service" for u in names("hand")]], ok=(0, 1, 5))
        for name in names("hand"):
            os.unlink(os.path.join(units_dir, name + ".service"))
        quiet(["systemctl", "--user", "daemon-reload"])

    loop = "; ".join(f"{shlex.quote(U)} run --persistent --check 0 --quiet --name {name} -- sleep 300 || exit 1" for name in names("loop"))
    contenders = compare(f"an app of {n} jobs", [
        Contender(f"unitify up ({n} lines: jK: -- sleep 300)", [U, "up", "--check", "0", "--quiet", "-f", os.path.join(project, "Procfile")], remove_app, unitify=True),
        Contender(f"sh: {n} × unitify run --persistent --check 0", ["sh", "-c", loop], remove_loop),
        Contender(f"systemctl --user enable --now ({n} unit files by hand)", ["systemctl", "--user", "enable", "--now", *[u + ".service" for u in names("hand")]],
                  remove_hand, before=write_units),
    ], args.pairs)
    subprocess.run(["rm", "-rf", project])
    rows = report.table("app", f"1c. An app of {n} jobs: `up` against a loop of `run --persistent` and `systemctl enable --now`", contenders,
                        note=f"Each contender leaves {n} enabled, running persistent `sleep 300` units; all are removed after each round, outside the timing. "
                             f"The app is `{app}`; `--check 0` everywhere (no settle window).")
    u, loop_row = rows[contenders[0].label], rows[contenders[1].label]
    report.goal(f"up of {n} jobs ≤ 1.0× the loop of run --persistent", u["median"] / loop_row["median"], 1.0, u["median"] <= loop_row["median"])


# ------------------------------------------------------------------ 2. status of one unit

def bench_status_one(args, report):
    U = args.unitify
    name = f"{PREFIX}one"
    quiet([U, "run", "--check", "0", "--name", name, "--", "/bin/sh", "-c", "seq 1 20; exec sleep infinity"])
    time.sleep(1.0)  # its 20 lines reach the journal
    contenders = compare("status of one unit", [
        Contender(f"unitify status {name} -n 0", [U, "status", name, "-n", "0"], unitify=True),
        Contender(f"systemctl --user show {name} -p <same {STATUS_PROPERTIES.count(',') + 1}>", ["systemctl", "--user", "show", unit(name), "-p", STATUS_PROPERTIES]),
        Contender(f"unitify status {name}", [U, "status", name]),
        Contender(f"systemctl --user status {name}", ["systemctl", "--user", "status", "--no-pager", unit(name)]),
    ] + [Contender(f"{label}: unitify status {name} -n 0", [binary, "status", name, "-n", "0"]) for label, binary in args.also],
        args.quick_pairs)
    rows = report.table("status_one", "2. Status of one unit", contenders,
                        note="`unitify status NAME` also prints the last 10 log lines, as `systemctl status` does; `-n 0` leaves them out. "
                             "The properties passed to `systemctl show -p` are the " + str(STATUS_PROPERTIES.count(',') + 1) + " that unitify reads.")
    labels = [c.label for c in contenders]
    u0, show, u10, st = (rows[l] for l in labels[:4])
    report.goal("one-unit status ≤ 1.0× systemctl show", u0["median"] / show["median"], 1.0, u0["median"] <= show["median"])
    report.goal("one-unit status with log lines ≤ 1.0× systemctl status (not a stated goal)", u10["median"] / st["median"], 1.0, u10["median"] <= st["median"])
    report.goal("status: peak RSS ≤ systemctl's", max(u0["rss_median"], u10["rss_median"]) / min(show["rss_median"], st["rss_median"]), 1.0,
                max(u0["rss_median"], u10["rss_median"]) <= min(show["rss_median"], st["rss_median"]))
    stop_units([name])


# ------------------------------------------------------------------ 3. status of many

def start_many(U, first, last, parallel=4):
    names = [f"{PREFIX}many-{i:04d}" for i in range(first, last)]
    running = []
    for n in names:
        while len(running) >= parallel:
            p = running.pop(0)
            if p.wait() != 0:
                raise SystemExit(f"bench: starting {PREFIX}many units failed: {p.stderr.read().decode()}")
        running.append(subprocess.Popen([U, "run", "--check", "0", "--quiet", "--name", n, "--", "sleep", "infinity"],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    for p in running:
        if p.wait() != 0:
            raise SystemExit(f"bench: starting {PREFIX}many units failed: {p.stderr.read().decode()}")
    return names


def bench_status_many(args, report):
    U = args.unitify
    names = []
    results = {}
    for count in args.many:
        log(f"starting units up to {count}")
        names += start_many(U, len(names), count)
        lines = quiet([U, "status"]).decode().splitlines()
        if len(lines) != count + 1:
            raise SystemExit(f"bench: unitify status lists {len(lines) - 1} units, expected {count}")
        contenders = compare(f"status of {count}", [
            Contender(f"unitify status", [U, "status"], unitify=True),
            Contender(f"systemctl --user list-units", ["systemctl", "--user", "list-units", "--no-pager"]),
            Contender(f"systemctl --user show -p <same> <{count} units>", ["systemctl", "--user", "show", "-p", STATUS_PROPERTIES, *map(unit, names)]),
        ], args.quick_pairs if count <= 100 else args.pairs)
        results[count] = report.table(f"status_{count}", f"3. Status of {count} managed units", contenders,
                                      note=None if count != args.many[0] else
                                      "`list-units` lists every loaded unit (the manager's own too) with four columns from one `ListUnits` call; "
                                      "`unitify status` shows ten columns per unit and `systemctl show` the same properties as unitify.")
    log("stopping the many units")
    stop_units(names)

    # Growth: the cost per added unit between successive counts.
    counts = args.many
    report.add("#### How the time grows with the count", "",
               "| command | " + " | ".join(f"{c} units ms" for c in counts) + " | " +
               " | ".join(f"ms per unit {a}→{b}" for a, b in zip(counts, counts[1:])) + " |",
               "|---|" + "---:|" * (len(counts) * 2 - 1))
    labels = list(results[counts[0]].keys())
    slopes = {}
    for i, label in enumerate(labels):
        meds = [list(results[c].values())[i]["median"] for c in counts]
        sl = [(meds[k + 1] - meds[k]) / (counts[k + 1] - counts[k]) for k in range(len(counts) - 1)]
        slopes[label] = sl
        report.add(f"| `{label}` | " + " | ".join(ms(m) for m in meds) + " | " + " | ".join(f"{s * 1000:.3f}" for s in sl) + " |")
    report.add("")
    big = counts[-1]
    u, lu = list(results[big].values())[0], list(results[big].values())[1]
    report.goal(f"{big}-unit status ≤ 1.0× list-units", u["median"] / lu["median"], 1.0, u["median"] <= lu["median"])
    us = slopes[labels[0]]
    if len(us) >= 2 and us[0] > 0:
        report.goal("status time grows linearly (per-unit cost of the last step ÷ the first's, 0.5–2)", us[-1] / us[0], 2.0, 0.5 <= us[-1] / us[0] <= 2.0)
    report.goal(f"{big}-unit status: peak RSS ≤ systemctl's", u["rss_median"] / lu["rss_median"], 1.0, u["rss_median"] <= lu["rss_median"])
    report.data["status_growth"] = {"counts": counts, "slopes_s_per_unit": slopes}


# ------------------------------------------------------------------ 4. journal read

def journal_cat(args, *matches, last=None):
    return [args.journal_cat] + (["-n", str(last)] if last is not None else []) + list(matches)


def unitify_matches(name, uid):
    """The match set of UnitLog.addMatches (what unitify journal NAME asks sd-journal for)."""
    u = unit(name)
    m = [f"_SYSTEMD_USER_UNIT={u}", f"_UID={uid}", "+", f"USER_UNIT={u}", f"_UID={uid}", "+",
         f"OBJECT_SYSTEMD_USER_UNIT={u}", f"_UID={uid}"] + ([] if uid == 0 else ["_UID=0"]) + ["+",
         f"COREDUMP_USER_UNIT={u}", f"_UID={uid}"] + ([] if uid == 0 else ["_UID=0"]) + ["+",
         f"SYSLOG_IDENTIFIER={name}", f"_UID={uid}"]
    return m


def fill_journal(args, name, lines):
    """A job of unitify's that prints 1..lines with seq; returns once journald has stored the last line.
    The job stays: a process that exits before journald reads its stream leaves lines without
    _SYSTEMD_USER_UNIT (systemd #2913), which journalctl --user-unit and the C loop would not find."""
    log(f"filling the journal: {name}, {lines} lines")
    start = time.monotonic()
    quiet([args.unitify, "run", "--check", "0", "--name", name, "--", "sh", "-c", f"seq {lines}; exec sleep infinity"])
    # Counted by reading them all from the head: a seek to the tail is what the -n 50 rows measure,
    # not something to trust here.
    count = 0
    while time.monotonic() - start < args.fill_timeout:
        count = quiet(journal_cat(args, f"_SYSTEMD_USER_UNIT={unit(name)}")).count(b"\n")
        if count >= lines:
            break
        time.sleep(0.5 if lines < 100_000 else 2.0)
    if count != lines:
        tail = subprocess.run(["journalctl", "--no-pager", "-n", "8"], capture_output=True, text=True).stdout
        raise SystemExit(f"bench: the journal holds {count} lines of {name} after {args.fill_timeout:g}s, not {lines}: "
                         "did journald drop lines (rate limit on? make bench runs a private one without)? "
                         f"The journal ends with:\n{tail}")
    log(f"{name}: {count} lines stored in {time.monotonic() - start:.1f}s")
    return time.monotonic() - start


def same_output(args, name):
    """unitify, journalctl and the C loop with unitify's matches print the same bytes."""
    U = args.unitify
    a = timed([U, "journal", name, "-n", "all", "-o", "cat"], capture=True).out
    b = timed(["journalctl", "--user-unit", name, "-o", "cat"], capture=True).out
    c = timed(journal_cat(args, *unitify_matches(name, os.getuid())), capture=True).out
    d = timed(journal_cat(args, f"_SYSTEMD_USER_UNIT={unit(name)}"), capture=True).out
    e = timed([args.journal_two_handles, unit(name), str(os.getuid())], capture=True).out
    return {"two_handles_equals_journalctl": e == b, "unitify_lines": a.count(b"\n"), "journalctl_lines": b.count(b"\n"), "c_same_matches_lines": c.count(b"\n"),
            "c_lines": d.count(b"\n"), "unitify_equals_journalctl": a == b, "unitify_equals_c_same_matches": a == c}


def bench_journal(args, report):
    U = args.unitify
    medium, big, small = args.journal_lines
    sizes = [(f"{PREFIX}j{medium}", medium), (f"{PREFIX}j{big}", big), (f"{PREFIX}j{small}", small)]
    fill = {}
    for name, lines in sizes:
        fill[name] = fill_journal(args, name, lines)
    report.data["journal_fill_seconds"] = fill
    uid = os.getuid()
    for name, lines in sizes[:2]:
        check = same_output(args, name)
        report.data[f"journal_check_{name}"] = check
        contenders = compare(f"journal {lines}", [
            Contender(f"unitify journal NAME -n all -o cat", [U, "journal", name, "-n", "all", "-o", "cat"], unitify=True),
            Contender(f"journalctl --user-unit NAME -o cat", ["journalctl", "--user-unit", name, "-o", "cat"]),
            Contender(f"C loop, _SYSTEMD_USER_UNIT=NAME", journal_cat(args, f"_SYSTEMD_USER_UNIT={unit(name)}")),
            Contender(f"C loop, unitify's matches on one handle", journal_cat(args, *unitify_matches(name, uid))),
            Contender(f"C loop, the same matches on two handles", [args.journal_two_handles, unit(name), str(uid)]),
        ], args.pairs)
        rows = report.table(f"journal_{lines}", f"4. Read {lines:,} lines of one unit", contenders, note=(
            f"Output to /dev/null. Lines printed: unitify {check['unitify_lines']:,}, journalctl {check['journalctl_lines']:,}, "
            f"C loop {check['c_lines']:,} (the unit's own output only; the others add the manager's lines about the unit); "
            f"unitify's output is byte-identical to journalctl's: {'yes' if check['unitify_equals_journalctl'] else 'NO'}, "
            f"to the C loop's with the same matches: {'yes' if check['unitify_equals_c_same_matches'] else 'NO'}; "
            f"the two-handle loop's to journalctl's: {'yes' if check['two_handles_equals_journalctl'] else 'NO'}. "
            "\"unitify's matches\" are the groups `unitify journal` gives sd-journal (journalctl's `--user-unit` groups and one for SYSLOG_IDENTIFIER); "
            "\"two handles\" splits them as unitify does: the groups that match the unit's own output on one sd-journal handle, "
            "the manager's and coredumps' on another, merged in time order (bench/journal-two-handles.c)."))
        labels = [c.label for c in contenders]
        u, jc, c = (rows[l] for l in labels[:3])
        report.goal(f"journal read {lines:,}: ≥ 2× faster than journalctl", u["median"] / jc["median"], 0.5, u["median"] <= 0.5 * jc["median"])
        report.goal(f"journal read {lines:,}: ≤ 1.25× the C loop", u["median"] / c["median"], 1.25, u["median"] <= 1.25 * c["median"])
        report.goal(f"journal read {lines:,}: peak RSS ≤ journalctl's", u["rss_median"] / jc["rss_median"], 1.0, u["rss_median"] <= jc["rss_median"])

    bigname, smallname = sizes[1][0], sizes[2][0]
    tails = {}
    for label, argv in [("unitify", [U, "journal", bigname, "-n", "50", "-o", "cat"]), ("unitify", [U, "journal", smallname, "-n", "50", "-o", "cat"]),
                        ("journalctl", ["journalctl", "--user-unit", bigname, "-n", "50", "-o", "cat"]),
                        ("journalctl", ["journalctl", "--user-unit", smallname, "-n", "50", "-o", "cat"]),
                        ("C loop", journal_cat(args, f"_SYSTEMD_USER_UNIT={unit(bigname)}", last=50))]:
        tails[" ".join(argv[1:3]) if label != "C loop" else "C loop"] = timed(argv, capture=True).out.count(b"\n")
    report.data["journal_tail_lines"] = tails
    short = {k: v for k, v in tails.items() if v < 50}
    unitify_short = [v for k, v in tails.items() if k.startswith("journal ") and v < 50]
    report.goal("unitify -n 50 prints 50 lines on both units (a check, not a stated goal)", min(v for k, v in tails.items() if k.startswith("journal ")),
                50, not unitify_short)
    contenders = compare("journal -n 50", [
        Contender(f"unitify journal NAME -n 50 -o cat ({big:,} lines)", [U, "journal", bigname, "-n", "50", "-o", "cat"], unitify=True),
        Contender(f"unitify journal NAME -n 50 -o cat ({small:,} lines)", [U, "journal", smallname, "-n", "50", "-o", "cat"]),
        Contender(f"journalctl --user-unit NAME -n 50 -o cat ({big:,} lines)", ["journalctl", "--user-unit", bigname, "-n", "50", "-o", "cat"]),
        Contender(f"journalctl --user-unit NAME -n 50 -o cat ({small:,} lines)", ["journalctl", "--user-unit", smallname, "-n", "50", "-o", "cat"]),
        Contender(f"C loop -n 50, _SYSTEMD_USER_UNIT=NAME ({big:,} lines)", journal_cat(args, f"_SYSTEMD_USER_UNIT={unit(bigname)}", last=50)),
    ], args.quick_pairs)
    rows = report.table("journal_tail", f"4b. The last 50 lines: a {big:,}-line unit against a {small:,}-line one", contenders,
                        note=f"Both units are in the same journal ({medium + big + small:,} lines of these units in all). "
                             + (f"**Fewer than 50 lines printed** by: {short}." if short else "Each command printed its 50 lines (checked once)."))
    labels = [c.label for c in contenders]
    report.goal(f"-n 50 on {big:,} lines within 2× of -n 50 on {small:,}", rows[labels[0]]["median"] / rows[labels[1]]["median"], 2.0,
                rows[labels[0]]["median"] <= 2 * rows[labels[1]]["median"])


# ------------------------------------------------------------------ 5. follow latency

def follow_once(argv, seconds, warmup):
    """Starts a follower (through bench/measure, for its peak RSS), timestamps each line on
    arrival through a pipe for `seconds`, then stops it with SIGTERM. Returns the latencies in
    seconds of the lines written after start + warmup, and the peak RSS."""
    r, w = os.pipe()
    report = tempfile.NamedTemporaryFile(prefix="bench-measure-")
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0), (os.POSIX_SPAWN_DUP2, w, 1),
               (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0), (os.POSIX_SPAWN_CLOSE, r)]
    begin = time.time_ns()
    pid = os.posix_spawn(MEASURE, [MEASURE, report.name, *argv], os.environ, file_actions=actions)
    os.close(w)
    pending = b""
    latencies = []
    end = time.monotonic() + seconds
    cutoff = begin + int(warmup * 1e9)
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([r], [], [], left)
        if not ready:
            continue
        chunk = os.read(r, 65536)
        now = time.time_ns()
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            try:
                # The number is the line's last word: journal --host puts the host before it.
                written = int(line.split()[-1]) if line.strip() else None
            except ValueError:
                continue
            if written is not None and written >= cutoff:
                latencies.append((now - written) / 1e9)
    os.kill(pid, signal.SIGTERM)  # measure passes it on to the follower
    os.waitpid(pid, 0)
    os.close(r)
    _, rss, _, cpu_ns = (int(x) for x in open(report.name).read().split())
    report.close()
    return latencies, rss, cpu_ns / 1e9


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def follow_compare(args, report, key, title, note, commands):
    """Followers of the same ticking unit, `args.pairs` runs of `args.follow_seconds` each,
    alternated (A B, then B A); one table of their latencies. Returns the rows by label."""
    results = {label: {"lat": [], "rss": [], "cpu": [], "per_run_median": []} for label, _ in commands}
    log(f"{title}: {args.pairs} rounds of {len(commands)}, {args.follow_seconds}s each")
    for rnd in range(-1, args.pairs):
        order = commands if rnd % 2 == 0 else commands[::-1]
        for label, argv in order:
            lat, rss, cpu = follow_once(argv, args.follow_seconds, warmup=0.3)
            if rnd >= 0:
                if not lat:
                    raise SystemExit(f"bench: {label} printed no new lines in {args.follow_seconds}s")
                results[label]["lat"] += lat
                results[label]["rss"].append(rss)
                results[label]["cpu"].append(cpu)
                results[label]["per_run_median"].append(med(lat))
    report.add(f"### {title}", "", note, "",
               "| command | lines | median ms | p90 ms | p99 ms | max ms | median of run medians (min–max) ms | CPU ms per run (median) | peak RSS MiB (median / max) |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = {}
    for label, _ in commands:
        d = results[label]
        row = {"label": label, "n": len(d["lat"]), "median": med(d["lat"]), "p90": percentile(d["lat"], 90),
               "p99": percentile(d["lat"], 99), "max": max(d["lat"]), "run_medians": d["per_run_median"],
               "rss_median": med(d["rss"]), "rss_max": max(d["rss"]), "cpu_median": med(d["cpu"])}
        rows[label] = row
        pm = d["per_run_median"]
        report.add(f"| `{label}` | {row['n']} | {row['median'] * 1000:.2f} | {row['p90'] * 1000:.2f} | {row['p99'] * 1000:.2f} | "
                   f"{row['max'] * 1000:.1f} | {med(pm) * 1000:.2f} ({min(pm) * 1000:.2f}–{max(pm) * 1000:.2f}) | {row['cpu_median'] * 1000:.1f} | {mib(row['rss_median'])} / {mib(row['rss_max'])} |")
    report.add("")
    report.data[key] = rows
    return rows


def bench_follow(args, report):
    U = args.unitify
    name = f"{PREFIX}tick"
    ticker = "import time\nwhile True:\n    print(time.time_ns())\n    time.sleep(0.01)\n"
    quiet(["systemd-run", "--user", "--quiet", f"--unit={name}", "--", "/usr/bin/python3", "-u", "-c", ticker])
    time.sleep(1.0)
    commands = [
        (f"unitify journal NAME -f -o cat", [U, "journal", name, "-f", "-o", "cat"]),
        (f"journalctl --user-unit NAME -f -o cat", ["journalctl", "--user-unit", name, "-f", "-o", "cat"]),
    ]
    rows = follow_compare(args, report, "follow", "5. Follow latency (write → arrival on the reader's pipe)",
                          f"A unit prints `time.time_ns()` every 10 ms (python3 -u); the follower's stdout is a pipe read by the driver, which "
                          f"timestamps each line on arrival. {args.pairs} runs of {args.follow_seconds:g} s per command, interleaved; lines written in the "
                          "first 0.3 s of a run (the backlog printed at start) are left out.", commands)
    stop_units([name])
    u, j = rows[commands[0][0]], rows[commands[1][0]]
    # "No worse" allows 1 ms: journald tells readers of new entries at most every 250 ms, so a
    # reader that waits for that notice sees latencies spread evenly over 0-250 ms, and the
    # medians of two such readers differ by noise alone.
    report.goal("follow latency median no worse than journalctl's (+1 ms)", u["median"] / j["median"], (j["median"] + 0.001) / j["median"],
                u["median"] <= j["median"] + 0.001)
    report.goal("follow latency p99 no worse than journalctl's (+1 ms)", u["p99"] / j["p99"], (j["p99"] + 0.001) / j["p99"], u["p99"] <= j["p99"] + 0.001)
    report.goal("follow: peak RSS ≤ journalctl's", u["rss_median"] / j["rss_median"], 1.0, u["rss_median"] <= j["rss_median"])


# ------------------------------------------------------------------ 6. a fleet over ssh (issue 14)

MACHINE_SCRIPT = os.path.join(ROOT, "scripts", "test-machine")
FLEET_MACHINE = "bench-fleet-"  # machine names: bench-fleet-1 ... (the hosts' ssh aliases are h1 ...)
FLEET_USER = "alice"


def fleet_unavailable(args):
    """Why the fleet part cannot run here (None when it can): it boots machines, so it needs
    root and systemd-nspawn, and puts args.unitify inside, which has no Swift."""
    if os.geteuid() != 0:
        return "it needs root (scripts/test-machine boots systemd-nspawn machines)"
    for tool in ("systemd-nspawn", "debootstrap", "ssh", "ssh-keygen", "ss"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode != 0:
            return f"{tool} is not installed (make machine-deps, make deps)"
    if b"libswiftCore" in subprocess.run(["ldd", args.unitify], capture_output=True).stdout:
        return f"{args.unitify} links the shared Swift libraries, which the test machines do not have (build it with --static-swift-stdlib, as make bench-build does)"
    return None


def free_ports(count):
    """Ports on 127.0.0.1 that nothing listens on, for the machines' sshd."""
    import random
    listening = quiet(["ss", "-Htln"]).decode()
    ports = []
    while len(ports) < count:
        port = random.randint(20_000, 40_000)
        if f":{port} " not in listening and port not in ports:
            ports.append(port)
    return ports


class TestHosts:
    """N booted machines (scripts/test-machine), each with sshd on 127.0.0.1:PORT, alice's key
    authorized and `jobs` sleeps of hers started with the unitify put inside; a client directory
    with the key, a known_hosts and an ssh_config naming them h1 ... hN. The ssh_config also
    gives every host the ControlMaster socket unitify uses ($XDG_RUNTIME_DIR/unitify/ssh/cm-%C),
    so that `ssh hK` and `unitify --host hK` share one warm master, as they do for a user who
    sets ControlPath in ~/.ssh/config. s1 ... sN are the same hosts behind a slow link
    (bench/slow-link.py as ProxyCommand, `delay` ms each way), with masters of their own."""

    def __init__(self, args, count, jobs, delay, prefix=FLEET_MACHINE, persist=60):
        self.args = args
        self.persist = persist
        self.count = count
        self.delay = delay
        self.job_names = [f"sleep-{i}" for i in range(1, jobs + 1)]
        self.names = [f"{prefix}{i}" for i in range(1, count + 1)]
        self.aliases = [f"h{i}" for i in range(1, count + 1)]
        self.slow_aliases = [f"s{i}" for i in range(1, count + 1)] if delay > 0 else []
        self.masters = []
        self.booted = []
        self.directory = None
        self.control = os.path.join(os.environ["XDG_RUNTIME_DIR"], "unitify", "ssh")

    def machine(self, *words, ok=(0,)):
        return quiet([MACHINE_SCRIPT, *words], ok=ok)

    def up(self):
        log("fleet: the test machines' root (scripts/test-machine build-root)")
        self.machine("build-root")
        for name in self.names:  # left by an interrupted run
            self.machine("destroy", name)
        self.directory = tempfile.mkdtemp(prefix="bench-fleet-")
        key = os.path.join(self.directory, "key")
        quiet(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key])
        public = open(key + ".pub").read().strip()
        self.ports = free_ports(self.count)
        known, config = [], [f"# bench/bench.py: the fleet's test hosts"]
        self.host_keys = []
        for name, alias, port in zip(self.names, self.aliases, self.ports):
            began = time.monotonic()
            self.booted.append(name)
            self.machine("boot", name, "--ssh-port", str(port), "--unitify", self.args.unitify)
            log(f"fleet: {name} booted in {time.monotonic() - began:.2f}s, sshd on 127.0.0.1:{port} ({alias})")
            self.machine("root", name, "sh", "-c",
                         f"install -d -m 700 -o {FLEET_USER} -g {FLEET_USER} ~{FLEET_USER}/.ssh && echo '{public}' > ~{FLEET_USER}/.ssh/authorized_keys "
                         f"&& chown {FLEET_USER}: ~{FLEET_USER}/.ssh/authorized_keys")
            host_key = self.machine("root", name, "cut", "-d ", "-f1,2", "/etc/ssh/ssh_host_ed25519_key.pub").decode().strip()
            known.append(f"[127.0.0.1]:{port} {host_key}")
            self.host_keys.append(host_key)
            config += [f"Host {alias}", "  HostName 127.0.0.1", f"  Port {port}", f"  User {FLEET_USER}"]
            if self.delay > 0:
                # Another HostName: another ControlMaster socket (%C), and the host key under that name.
                known.append(f"[slow-{alias}]:{port} {host_key}")
                config += [f"Host s{alias[1:]}", f"  HostName slow-{alias}", f"  Port {port}", f"  User {FLEET_USER}",
                           f"  ProxyCommand {sys.executable} {os.path.join(HERE, 'slow-link.py')} {self.delay:g} 127.0.0.1 %p"]
        config += ["Host *", f"  IdentityFile {key}", "  IdentitiesOnly yes", f"  UserKnownHostsFile {self.directory}/known_hosts",
                   "  StrictHostKeyChecking yes", "  GlobalKnownHostsFile /dev/null", "  BatchMode yes",
                   "  ControlMaster auto", f"  ControlPersist {self.persist}", f"  ControlPath {self.control}/cm-%C", ""]
        self.known = known
        with open(os.path.join(self.directory, "known_hosts"), "w") as f:
            f.write("\n".join(known) + "\n")
        self.config = os.path.join(self.directory, "ssh_config")
        with open(self.config, "w") as f:
            f.write("\n".join(config))
        os.makedirs(self.control, mode=0o700, exist_ok=True)
        starts = "; ".join(f"unitify run --check 0 --quiet --name {job} -- sleep infinity || exit 1" for job in self.job_names)
        for name in self.names:
            self.machine("login", name, FLEET_USER, starts)  # run turns linger on: the jobs outlive the login
        os.environ["UNITIFY_SSH_CONFIG"] = self.config

    def ssh(self, alias, *command):
        return ["ssh", "-F", self.config, alias, *command]

    def warm(self):
        """A master per host, before anything is timed; their pids, for cpu_used."""
        self.masters = []
        for alias in self.aliases + self.slow_aliases:
            quiet(self.ssh(alias, "true"))
            said = subprocess.run(["ssh", "-F", self.config, "-O", "check", alias], capture_output=True, text=True).stderr
            if "pid=" in said:
                self.masters.append(int(said.split("pid=")[1].split(")")[0]))

    def cpu_used(self):
        """CPU seconds used so far by the test machines (their cgroups: sshd's sessions, the
        shells, the bridge, the user managers and brokers) and by the ssh masters here."""
        total = 0.0
        for name in self.names:
            with open(f"/sys/fs/cgroup/unified/machine.slice/unitify-{name}/cpu.stat") as f:
                total += int(f.readline().split()[1]) / 1e6  # usage_usec
        for pid in self.masters:
            try:
                with open(f"/proc/{pid}/schedstat") as f:
                    total += int(f.read().split()[0]) / 1e9  # time on the CPU, ns
            except OSError:
                pass
        return total

    def close_master(self, alias):
        quiet(["ssh", "-F", self.config, "-O", "exit", alias], ok=(0, 255))

    def down(self):
        os.environ.pop("UNITIFY_SSH_CONFIG", None)
        if self.directory:
            for alias in self.aliases + self.slow_aliases + getattr(self, "extra_aliases", []):
                self.close_master(alias)
        for name in self.booted:
            try:
                self.machine("destroy", name)
            except SystemExit as error:
                log(f"fleet: destroying {name}: {error}")
        left = [n for n in self.booted if os.path.exists(f"/run/unitify-machines/{n}")]
        if left:
            log(f"fleet: machines left behind: {left}")
        if self.directory:
            subprocess.run(["rm", "-rf", self.directory])


def bench_fleet(args, report):
    hosts = TestHosts(args, args.fleet_hosts, args.fleet_jobs, args.fleet_delay)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # the machines are destroyed on SIGTERM too
    try:
        hosts.up()
        fleet_measure(args, report, hosts)
    finally:
        hosts.down()
        signal.signal(signal.SIGTERM, previous)


def fleet_measure(args, report, hosts):
    U = args.unitify
    n, jobs, first = hosts.count, hosts.job_names, hosts.aliases[0]
    every = ",".join(hosts.aliases)
    props = ["-p", STATUS_PROPERTIES]

    def ssh_loop(aliases, *command):
        return ["sh", "-c", 'for h in "$@"; do ssh -F "$0" "$h" ' + " ".join(map(shlex.quote, command)) + ' || exit; done', hosts.config, *aliases]

    hosts.warm()
    # What is measured must be right: every job of every host in unitify's table, every host's in ssh's.
    listed = json.loads(quiet([U, "status", "--host", every, "--json"]))
    if len(listed) != n * len(jobs) or {r.get("host") for r in listed} != set(hosts.aliases):
        raise SystemExit(f"bench: unitify status --host {every} lists {len(listed)} jobs, expected {len(jobs)} on each of {hosts.aliases}")
    looped = quiet(ssh_loop(hosts.aliases, "systemctl", "--user", "list-units", "--no-pager")).decode()
    if looped.count(f"{jobs[0]}.service") != n:
        raise SystemExit(f"bench: the ssh loop's list-units shows {jobs[0]} {looped.count(jobs[0] + '.service')} times, not {n}:\n{looped[-2000:]}")
    loaded = looped.count(".service") // n
    setup = (f"{n} booted test machines (`scripts/test-machine boot NAME --ssh-port PORT`, Debian 12, systemd 252 as PID 1, "
             f"sshd on 127.0.0.1 only), each with {len(jobs)} `sleep` jobs of alice's started by `unitify run`; ssh aliases h1…h{n} in one "
             "ssh_config (`UNITIFY_SSH_CONFIG` for unitify, `ssh -F` for ssh) that also sets the ControlPath unitify uses, so both "
             "share one ControlMaster per host, warmed before the first round (ControlPersist 60).")

    # a) one host
    contenders = compare("fleet: one host", [
        Contender(f"unitify status --host h1", [U, "status", "--host", first], unitify=True),
        Contender(f"ssh h1 systemctl --user list-units", hosts.ssh(first, "systemctl", "--user", "list-units", "--no-pager")),
    ], args.pairs, meter=hosts.cpu_used)
    report.table("fleet_one", "6a. Status of one host over ssh, warm master", contenders, cpu="masters + hosts", note=setup + (
        f" `list-units` prints every loaded unit there ({loaded} services with the jobs) in four columns from one `ListUnits`; "
        f"unitify shows its {len(jobs)} jobs in ten columns from one `Get` of the slice's units and pipelined `Get`s of each job's properties, "
        "through `systemd-stdio-bridge` started by a POSIX sh prelude. "
        "CPU: the command's own (with the ssh clients it waits for), and meanwhile that of the ssh masters here and of the test "
        "machines' cgroups (sshd's session, the login shell, the bridge, the broker and the user manager there): the hosts' work, "
        "which on a real fleet runs on other machines, runs on this machine's 2 cores here."))

    # b) every host: unitify's threads against a shell loop
    rows_b = [Contender(f"unitify status --host {every}", [U, "status", "--host", every], unitify=True),
              Contender(f"for h in h1…h{n}; do ssh $h systemctl --user list-units; done", ssh_loop(hosts.aliases, "systemctl", "--user", "list-units", "--no-pager")),
              Contender("unitify status --host h1", [U, "status", "--host", first])]
    if n > 2:
        rows_b.insert(2, Contender("unitify status --host h1,h2", [U, "status", "--host", ",".join(hosts.aliases[:2])]))
    contenders = compare(f"fleet: {n} hosts", rows_b, args.pairs, meter=hosts.cpu_used)
    fleet = report.table("fleet_all", f"6b. Status of {n} hosts: one unitify against a loop of ssh", contenders, cpu="masters + hosts", note=(
        f"unitify works on every host at once, a thread and an ssh each; the loop asks one host after the other, as a shell user would. "
        f"The one-host (and two-host) rows are the same rounds' reference for the goal. On loopback the network costs nothing and "
        f"every host's work shares this machine's 2 cores, so the wall time of {n} hosts at once cannot be below their CPU time ÷ 2 "
        f"(the last column)."))
    labels = [c.label for c in contenders]
    all_u, loop, one_u = fleet[labels[0]], fleet[labels[1]], fleet[labels[-1]]
    report.goal(f"loopback, {n} hosts ≈ one host: status --host h1…h{n} ÷ status --host h1 (≤ 1.5; CPU-bound here, see 6b)",
                all_u["median"] / one_u["median"], 1.5, all_u["median"] <= 1.5 * one_u["median"])
    report.goal(f"loopback, {n} hosts: status --host ≤ the ssh loop of list-units", all_u["median"] / loop["median"], 1.0, all_u["median"] <= loop["median"])

    # c) every job of one host, named
    contenders = compare("fleet: named jobs", [
        Contender(f"unitify status --host h1 -n 0 <{len(jobs)} jobs>", [U, "status", "--host", first, "-n", "0", *jobs], unitify=True),
        Contender(f"for j in <{len(jobs)} jobs>; do ssh h1 systemctl --user show $j -p <same>; done",
                  ["sh", "-c", 'for j in "$@"; do ssh -F "$0" h1 systemctl --user show "$j.service" -p ' + shlex.quote(STATUS_PROPERTIES) + ' || exit; done',
                   hosts.config, *jobs]),
        Contender(f"ssh h1 systemctl --user show -p <same> <{len(jobs)} jobs>", hosts.ssh(first, "systemctl", "--user", "show", *props, *(j + ".service" for j in jobs))),
    ], args.pairs, meter=hosts.cpu_used)
    report.table("fleet_named", f"6c. {len(jobs)} named jobs of one host", contenders, cpu="masters + hosts", note=(
        f"`systemctl show` gets the {STATUS_PROPERTIES.count(',') + 1} properties unitify reads; the loop is one ssh per job, the last row one ssh for all. "
        "`-n 0`: the jobs' properties only, as `systemctl show` gives (without it each job's last lines come too, a `journalctl` there per job)."))

    # d) per-call latency: warm master, then none
    contenders = compare("fleet: one call, warm", [
        Contender(f"unitify status --host h1 -n 0 {jobs[0]}", [U, "status", "--host", first, "-n", "0", jobs[0]], unitify=True),
        Contender(f"ssh h1 systemctl --user show {jobs[0]} -p <same>", hosts.ssh(first, "systemctl", "--user", "show", *props, jobs[0] + ".service")),
        Contender("ssh h1 true", hosts.ssh(first, "true")),
    ], args.pairs, meter=hosts.cpu_used)
    report.table("fleet_call_warm", "6d. One call with a warm master", contenders, cpu="masters + hosts", note=(
        "`ssh h1 true` is the floor of any command over the master: a new channel, and the remote login shell."))

    closing = lambda: hosts.close_master(first)
    opening = lambda: quiet(hosts.ssh(first, "true"))
    one_job = [U, "status", "--host", first, "-n", "0", jobs[0]]
    contenders = compare("fleet: one call, cold and warm", [
        Contender(f"unitify status --host h1 -n 0 {jobs[0]}, no master", one_job, unitify=True, before=closing),
        Contender(f"unitify status --host h1 -n 0 {jobs[0]}, warm master", one_job, before=opening),
        Contender("ssh h1 true, no master", hosts.ssh(first, "true"), before=closing),
        Contender("ssh h1 true, warm master", hosts.ssh(first, "true"), before=opening),
    ], args.pairs)
    cold = report.table("fleet_call_cold", "6e. The same call with no master: the connection's cost", contenders, note=(
        "Before each \"no master\" command the master of h1 is closed (`ssh -O exit`, untimed), so it opens a new connection: TCP, "
        "key exchange, public-key authentication, the PAM session, and a master for the next command; before each \"warm\" one "
        "a master is made sure of (`ssh h1 true`, untimed)."))
    hosts.warm()
    labels = [c.label for c in contenders]
    u_cold, u_warm = cold[labels[0]], cold[labels[1]]
    report.data["fleet_connection_s"] = u_cold["median"] - u_warm["median"]
    report.add(f"A new connection costs unitify {ms(u_cold['median'] - u_warm['median'])} ms ({ms(u_cold['median'])} ms without a master, "
               f"{ms(u_warm['median'])} ms with one), ssh {ms(cold[labels[2]]['median'] - cold[labels[3]]['median'])} ms.", "")

    if hosts.slow_aliases:
        fleet_slow(args, report, hosts)
    fleet_follow(args, report, hosts)


def fleet_slow(args, report, hosts):
    """6b again with a network between here and the hosts: what the goal is about."""
    U = args.unitify
    n, slow = hosts.count, hosts.slow_aliases
    rtt = 2 * hosts.delay
    listed = json.loads(quiet([U, "status", "--host", ",".join(slow), "--json"]))
    if len(listed) != n * len(hosts.job_names):
        raise SystemExit(f"bench: unitify status --host {','.join(slow)} lists {len(listed)} jobs, expected {len(hosts.job_names)} on each")
    loop = ["sh", "-c", 'for h in "$@"; do ssh -F "$0" "$h" systemctl --user list-units --no-pager || exit; done', hosts.config, *slow]
    contenders = compare(f"fleet: {n} hosts, {rtt:g} ms round trip", [
        Contender(f"unitify status --host s1…s{n}", [U, "status", "--host", ",".join(slow)], unitify=True),
        Contender(f"for h in s1…s{n}; do ssh $h systemctl --user list-units; done", loop),
        Contender("unitify status --host s1", [U, "status", "--host", slow[0]]),
        Contender("ssh s1 systemctl --user list-units", hosts.ssh(slow[0], "systemctl", "--user", "list-units", "--no-pager")),
        Contender("ssh s1 true", hosts.ssh(slow[0], "true")),
        Contender("unitify status --host h1 (loopback)", [U, "status", "--host", hosts.aliases[0]]),
        Contender("ssh h1 systemctl --user list-units (loopback)", hosts.ssh(hosts.aliases[0], "systemctl", "--user", "list-units", "--no-pager")),
        Contender("ssh h1 true (loopback)", hosts.ssh(hosts.aliases[0], "true")),
    ], args.pairs)
    rows = report.table("fleet_slow", f"6f. Status of {n} hosts {rtt:g} ms away", contenders, note=(
        f"The same hosts as s1…s{n}: their ssh connection goes through `bench/slow-link.py`, an ssh ProxyCommand that delays every "
        f"byte {hosts.delay:g} ms each way (a round trip of {rtt:g} ms, as between two data centres of one region; nothing else on "
        f"the machine is slowed). Masters of their own, warm. The last rows are the same commands to h1, undelayed, in the same rounds."))
    labels = [c.label for c in contenders]
    all_u, loop_row, one_u = rows[labels[0]], rows[labels[1]], rows[labels[2]]
    trips = {what: (rows[labels[far]]["median"] - rows[labels[near]]["median"]) / (rtt / 1000)
             for what, far, near in (("unitify status --host", 2, 5), ("ssh systemctl --user list-units", 3, 6), ("ssh true", 4, 7))}
    report.data["fleet_round_trips"] = trips
    report.add("Round trips per command, (time at " + f"{rtt:g} ms − time on loopback) ÷ {rtt:g} ms: "
               + ", ".join(f"{what} {count:.1f}" for what, count in trips.items()) + ".", "")
    report.goal(f"{rtt:g} ms away, {n} hosts ≈ one host: status --host s1…s{n} ÷ status --host s1 (≤ 1.5)",
                all_u["median"] / one_u["median"], 1.5, all_u["median"] <= 1.5 * one_u["median"])
    report.goal(f"{rtt:g} ms away, {n} hosts: status --host ≤ the ssh loop of list-units", all_u["median"] / loop_row["median"], 1.0,
                all_u["median"] <= loop_row["median"])


def fleet_follow(args, report, hosts):
    """Journal follow latency over ssh. A hook until `unitify journal --host` exists (issue 14's
    remote journal, built apart): skipped, and said so in the report, while the binary has none."""
    U = args.unitify
    if b"--host" not in subprocess.run([U, "journal", "--help"], capture_output=True).stdout:
        log("fleet: unitify journal has no --host yet: journal follow over ssh not measured")
        report.add("### 6g. Journal follow latency over ssh", "",
                   "**Not measured: this unitify's `journal` has no `--host` yet** (the remote journal is being built apart). "
                   "The part is in bench.py (`fleet_follow`) and runs once `unitify journal --help` lists `--host`.", "")
        return
    first = hosts.aliases[0]
    name = "tick"
    # The machines share this kernel's clock: a line's `date +%s%N` is comparable with time.time_ns() here.
    hosts.machine("login", hosts.names[0], FLEET_USER,
                  f"unitify run --check 0 --quiet --name {name} -- sh -c 'while :; do date +%s%N; sleep 0.01; done'")
    time.sleep(1.0)
    commands = [
        (f"unitify journal --host h1 NAME -f -o cat", [U, "journal", "--host", first, name, "-f", "-o", "cat"]),
        (f"ssh h1 journalctl --user-unit NAME -f -o cat", hosts.ssh(first, "journalctl", "--user-unit", name, "-f", "-o", "cat")),
    ]
    rows = follow_compare(args, report, "fleet_follow", "6g. Journal follow latency over ssh (write there → arrival on the reader's pipe here)",
                          f"A job of alice's on h1 prints `date +%s%N` every 10 ms; otherwise as in 5. {args.pairs} runs of "
                          f"{args.follow_seconds:g} s per command, alternated, over the warm master.", commands)
    u, j = rows[commands[0][0]], rows[commands[1][0]]
    report.goal("follow over ssh: median latency no worse than ssh journalctl -f's (+1 ms)", u["median"] / j["median"],
                (j["median"] + 0.001) / j["median"], u["median"] <= j["median"] + 0.001)


# ------------------------------------------------------------------ 7. remote commands at the floor of ssh (issue 29)

FLOOR_MACHINE = "bench-floor-"


def floor_turns(log_path, contenders):
    """Each sample's round trips as its slow links saw them: the number of times data went from
    ssh towards the host after something came back (a `u` chunk after a `d`), counted on the
    links of the command (slow-link.py's log) within the command's own time window, divided by
    the number of links. A request and its answer are one turn; pipelined requests, one."""
    lines = []
    if os.path.exists(log_path):
        with open(log_path) as f:
            for line in f:
                ns, tag, direction, _ = line.split()
                lines.append((int(ns), tag, direction))
    lines.sort()
    for c in contenders:
        c.turns = []
        if not c.links:
            continue
        for s in c.samples:
            start, end = s.window
            last = {}
            count = 0
            for ns, tag, direction in lines:
                if ns < start or tag not in c.links:
                    continue
                if ns >= end:
                    break
                if direction == "u" and last.get(tag, "d") == "d":
                    count += 1
                last[tag] = direction
            c.turns.append(count / len(c.links))


class FloorHosts(TestHosts):
    """One booted machine (bench-floor-1), reached as h1 over loopback and, for each round trip
    time R of `delays`, as dR-1 ... dR-N: each alias a host name of its own (a master of its own),
    through a slow-link.py of its own that logs its chunks to one file (`turns`). sshd there
    takes 400 unauthenticated connections at once (MaxStartups), so that 100 masters can open."""

    def __init__(self, args, delays, hosts):
        super().__init__(args, 1, 5, 0, prefix=FLOOR_MACHINE, persist=900)
        self.delays = delays
        self.fleet_sizes = hosts
        self.extra_aliases = []

    def alias(self, rtt, k=1):
        return f"d{rtt:g}-{k}"

    def up(self):
        super().up()
        name, port = self.names[0], self.ports[0]
        self.machine("root", name, "sh", "-c",
                     "printf 'MaxStartups 400:30:500\\nMaxSessions 100\\n' > /etc/ssh/sshd_config.d/60-bench.conf && systemctl reload ssh")
        self.link_log = os.path.join(self.directory, "links.log")
        config = []
        for rtt in self.delays:
            for k in range(1, max(self.fleet_sizes) + 1):
                alias = self.alias(rtt, k)
                self.extra_aliases.append(alias)
                config += [f"Host {alias}", f"  HostName floor-{alias}", f"  Port {port}", f"  User {FLEET_USER}", "  HostKeyAlias floor-host",
                           f"  ProxyCommand {sys.executable} {os.path.join(HERE, 'slow-link.py')} {rtt / 2:g} 127.0.0.1 %p {self.link_log} {alias}"]
        with open(self.config, "a") as f:
            f.write("\n".join(config) + "\n")
        with open(os.path.join(self.directory, "known_hosts"), "a") as f:
            f.write(f"floor-host {self.host_keys[0]}\n[floor-host]:{port} {self.host_keys[0]}\n")
        self.login("unitify run --check 0 --quiet --name talk -- sh -c 'seq 100; exec sleep infinity'")

    def login(self, command):
        self.machine("login", self.names[0], FLEET_USER, command)

    def warm_aliases(self, aliases):
        """A master per alias, 20 opened at once; each one already open is only used."""
        def one(alias):
            quiet(self.ssh(alias, "true"))
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(20) as pool:
            list(pool.map(one, aliases))


def bench_floor(args, report):
    hosts = FloorHosts(args, args.floor_delays, args.floor_hosts)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        hosts.up()
        floor_measure(args, report, hosts)
    finally:
        hosts.down()
        signal.signal(signal.SIGTERM, previous)


def floor_measure(args, report, hosts):
    U = args.unitify
    h1 = hosts.aliases[0]
    pairs = args.floor_pairs
    near = lambda *words: quiet([U, *words[:1], "--host", h1, *words[1:]], ok=(0, 1, 3, 4))
    near_ssh = lambda *words: quiet(hosts.ssh(h1, *words), ok=(0, 1, 3, 4, 5))
    # The jobs the commands work on, made once over loopback.
    near("run", "--check", "0", "--quiet", "--name", "stop-u", "--", "sleep", "900")
    near("run", "--check", "0", "--quiet", "--name", "start-u", "--", "sleep", "900")
    near("stop", "start-u")
    near("run", "--check", "0", "--quiet", "--name", "restart-u", "--", "sleep", "900")
    # Restarted 16 times within seconds: no start limit (systemd's default, 5 in 10 s, would refuse).
    near_ssh("systemd-run", "--user", "--quiet", "--unit", "restart-s", "-p", "StartLimitIntervalSec=0", "--", "sleep", "900")
    hosts.warm_aliases([h1])
    listed = json.loads(quiet([U, "status", "--host", h1, "--json"]))
    if len(listed) < 5:
        raise SystemExit(f"bench: unitify status --host {h1} lists {len(listed)} jobs, expected 5 or more")

    def commands(a):
        """(what, unitify's contender, the anchor: ssh and systemd's own tool doing the same work)."""
        return [
            ("status", Contender(f"unitify status --host {a}", [U, "status", "--host", a], unitify=True, links=(a,)),
             Contender(f"ssh {a} systemctl --user list-units --all", hosts.ssh(a, "systemctl", "--user", "list-units", "--all", "--no-pager"), links=(a,))),
            ("status NAME", Contender(f"unitify status --host {a} sleep-1", [U, "status", "--host", a, "sleep-1"], unitify=True, links=(a,)),
             Contender(f"ssh {a} systemctl --user status sleep-1", hosts.ssh(a, "systemctl", "--user", "status", "--no-pager", "sleep-1.service"), links=(a,))),
            ("journal NAME -n 20", Contender(f"unitify journal --host {a} talk -n 20", [U, "journal", "--host", a, "talk", "-n", "20"], unitify=True, links=(a,)),
             Contender(f"ssh {a} journalctl --user-unit talk -n 20", hosts.ssh(a, "journalctl", "--no-pager", "--user-unit", "talk", "-n", "20"), links=(a,))),
            ("run --check 0", Contender(f"unitify run --host {a} --check 0 -- sleep 900",
                                        lambda i: [U, "run", "--host", a, "--check", "0", "--name", f"run-u{i}", "--", "sleep", "900"],
                                        cleanup=lambda i, s: near("remove", f"run-u{i}"), unitify=True, links=(a,)),
             Contender(f"ssh {a} systemd-run --user -- sleep 900", lambda i: hosts.ssh(a, "systemd-run", "--user", "--unit", f"run-s{i}", "--", "sleep", "900"),
                       cleanup=lambda i, s: near_ssh("systemctl", "--user", "stop", f"run-s{i}"), links=(a,))),
            ("stop", Contender(f"unitify stop --host {a} NAME", [U, "stop", "--host", a, "stop-u"], unitify=True, links=(a,),
                               before=lambda: near("start", "stop-u")),
             Contender(f"ssh {a} systemctl --user stop NAME", hosts.ssh(a, "systemctl", "--user", "stop", "stop-s"), links=(a,),
                       before=lambda: near_ssh("systemd-run", "--user", "--quiet", "--unit", "stop-s", "--", "sleep", "900"))),
            ("start --check 0", Contender(f"unitify start --host {a} --check 0 NAME", [U, "start", "--host", a, "--check", "0", "start-u"], unitify=True, links=(a,),
                                before=lambda: near("stop", "start-u")),
             Contender(f"ssh {a} systemd-run --user --unit NAME -- sleep 900", hosts.ssh(a, "systemd-run", "--user", "--unit", "start-s", "--", "sleep", "900"),
                       links=(a,), before=lambda: near_ssh("systemctl", "--user", "stop", "start-s"))),
            ("restart --check 0", Contender(f"unitify restart --host {a} --check 0 NAME", [U, "restart", "--host", a, "--check", "0", "restart-u"], unitify=True, links=(a,)),
             Contender(f"ssh {a} systemctl --user restart NAME", hosts.ssh(a, "systemctl", "--user", "restart", "restart-s"), links=(a,),
                       before=lambda: near_ssh("systemctl", "--user", "reset-failed", "restart-s"))),
        ]

    results = {}  # (what, rtt) -> (unitify row, anchor row)
    for rtt in hosts.delays:
        a = hosts.alias(rtt)
        for what, u, anchor in commands(a):
            hosts.warm_aliases([h1, a])
            compare(f"floor: {what}, {rtt:g} ms", [u, anchor], pairs)
            floor_turns(hosts.link_log, [u, anchor])
            rows = []
            for c in (u, anchor):
                row = summary(c)
                row["turns"] = med(c.turns) if c.turns else None
                rows.append(row)
            results[(what, rtt)] = rows
    report.data["floor"] = {f"{what} @ {rtt:g} ms": rows for (what, rtt), rows in results.items()}

    report.add("### 7a. Each remote command against ssh and systemd's own tool doing the same work", "",
               "One booted machine (Debian 12, systemd 252 as PID 1) reached through `bench/slow-link.py` (an ssh ProxyCommand "
               "that delays every byte half the round trip each way), a warm ControlMaster shared by unitify and ssh. Each pair "
               f"runs interleaved (A B, then B A), {pairs} timed rounds after one warm-up round; medians. Jobs the commands need "
               "(a running or stopped one) are made before each command over loopback, untimed. Turns: the command's round trips "
               "as its link saw them (data sent towards the host after data came back; median). Round trips by time: "
               f"(median at {max(hosts.delays):g} ms − median at {min(hosts.delays):g} ms) ÷ {max(hosts.delays) - min(hosts.delays):g} ms.", "")
    head = "| command | anchor |"
    rule = "|---|---|"
    for rtt in hosts.delays:
        head += f" unitify ms @{rtt:g} | anchor ms @{rtt:g} | ratio @{rtt:g} | turns @{rtt:g} (unitify / anchor) |"
        rule += "---:|---:|---:|---:|"
    if len(hosts.delays) == 2:
        head += " round trips by time (unitify / anchor) |"
        rule += "---:|"
    report.add(head, rule)
    for what, u, anchor in commands(hosts.alias(hosts.delays[0])):
        line = f"| `{what}` | `{anchor.label.split(' ', 2)[2]}` |"
        for rtt in hosts.delays:
            ur, ar = results[(what, rtt)]
            turns = " / ".join("—" if r["turns"] is None else f"{r['turns']:.0f}" for r in (ur, ar))
            line += f" {ms(ur['median'])} | {ms(ar['median'])} | {ur['median'] / ar['median']:.2f}× | {turns} |"
            if rtt == hosts.delays[0]:
                report.goal(f"{rtt:g} ms away: {what} ≤ 1.15× ssh + systemd's tool", ur["median"] / ar["median"], 1.15, ur["median"] <= 1.15 * ar["median"])
        if len(hosts.delays) == 2:
            far, close = hosts.delays
            span = (far - close) / 1000
            trips = [(results[(what, far)][k]["median"] - results[(what, close)][k]["median"]) / span for k in (0, 1)]
            line += f" {trips[0]:.1f} / {trips[1]:.1f} |"
        report.add(line)
    report.add("")

    # b) N hosts at once
    rtt = hosts.delays[0]
    rows = []
    for n in hosts.fleet_sizes:
        aliases = [hosts.alias(rtt, k) for k in range(1, n + 1)]
        rows.append(Contender(f"unitify status --host <{n} hosts>", [U, "status", "--host", ",".join(aliases)], unitify=(n == 1), links=tuple(aliases)))
        if n > FLEET_DEFAULT_PARALLEL:
            rows.append(Contender(f"unitify status --parallel {n} --host <{n} hosts>",
                                  [U, "status", "--parallel", str(n), "--host", ",".join(aliases)], links=tuple(aliases)))
        rows.append(Contender(f"xargs -P {n}: ssh H systemctl --user list-units --all, <{n} hosts>",
                              ["sh", "-c", 'n=$1; shift; printf "%s\\n" "$@" | xargs -P "$n" -I@ ssh -F "$0" @ systemctl --user list-units --all --no-pager',
                               hosts.config, str(n), *aliases], links=tuple(aliases)))
    hosts.warm_aliases([hosts.alias(rtt, k) for k in range(1, max(hosts.fleet_sizes) + 1)])
    compare(f"floor: status of 1…{max(hosts.fleet_sizes)} hosts, {rtt:g} ms", rows, pairs, meter=hosts.cpu_used)
    floor_turns(hosts.link_log, rows)
    table = report.table("floor_fleet", f"7b. `status` of N hosts {rtt:g} ms away", rows, base=rows[0].label, cpu="the machine and the masters", note=(
        f"The N hosts are one machine reached under N host names, each through a slow link and a warm master of its own (sshd's "
        f"MaxStartups raised to 400), so all N hosts' work runs on this machine's 2 cores: the CPU columns say how much. "
        f"Turns per host (median): " + ", ".join(f"{c.label}: {med(c.turns):.1f}" for c in rows) + "."))
    one = table[rows[0].label]
    for c in rows[1:]:
        if c.label.startswith("unitify"):
            r = table[c.label]
            report.goal(f"{rtt:g} ms away: {c.label} ÷ one host (≤ 1.5)", r["median"] / one["median"], 1.5, r["median"] <= 1.5 * one["median"])


FLEET_DEFAULT_PARALLEL = 32  # Fleet.defaultParallel, --parallel's default


# ------------------------------------------------------------------ main

def build(out_dir, name, *libs):
    path = os.path.join(out_dir, name)
    quiet(["cc", "-O2", "-Wall", "-o", path, os.path.join(HERE, name + ".c"), *libs])
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unitify", required=True, help="the unitify binary to measure (a release build)")
    parser.add_argument("--pairs", type=int, default=int(os.environ.get("BENCH_PAIRS", "15")), help="timed rounds per comparison (default 15)")
    parser.add_argument("--quick-pairs", type=int, default=int(os.environ.get("BENCH_QUICK_PAIRS", "45")),
                        help="timed rounds of the comparisons whose commands take milliseconds (default 45: they are cheap, and noisier)")
    parser.add_argument("--many", default="10,100,1000", help="unit counts for status of many (default 10,100,1000)")
    parser.add_argument("--only", default=None,
                        help="which parts to run, of start,app,status,many,journal,follow,fleet,floor (default: all; fleet and floor only where they can run: as root, with systemd-nspawn)")
    parser.add_argument("--also", action="append", default=[], metavar="LABEL=BINARY",
                        help="another unitify build to add to the start and one-unit status comparisons (to try a change)")
    parser.add_argument("--journal-lines", default="200000,1000000,1000", help="lines of the medium, big and small journals")
    parser.add_argument("--follow-seconds", type=float, default=2.0)
    parser.add_argument("--fleet-hosts", type=int, default=4, help="booted test hosts of the fleet part (default 4)")
    parser.add_argument("--fleet-jobs", type=int, default=5, help="sleep jobs on each test host (default 5)")
    parser.add_argument("--fleet-delay", type=float, default=10.0,
                        help="ms each way of the slow link to the test hosts in 6g (bench/slow-link.py; default 10, 0 for none)")
    parser.add_argument("--floor-delays", default="100,20",
                        help="round trip times in ms of the floor part (7), the first also that of its N hosts (default 100,20)")
    parser.add_argument("--floor-hosts", default="1,10,100", help="host counts of the floor part's status of N hosts (default 1,10,100)")
    parser.add_argument("--floor-pairs", type=int, default=int(os.environ.get("BENCH_FLOOR_PAIRS", "7")),
                        help="timed rounds per comparison of the floor part (default 7: its commands take up to seconds)")
    parser.add_argument("--fill-timeout", type=float, default=180.0)
    parser.add_argument("--app-jobs", type=int, default=20, help="jobs in the Procfile of the app part (default 20)")
    parser.add_argument("--out", default=os.path.join(HERE, "out"))
    args = parser.parse_args()
    args.unitify = os.path.abspath(args.unitify)
    args.also = [(a.split("=", 1)[0], os.path.abspath(a.split("=", 1)[1])) for a in args.also]
    args.many = [int(x) for x in args.many.split(",")]
    args.quick_pairs = max(args.quick_pairs, args.pairs)
    args.journal_lines = [int(x) for x in args.journal_lines.split(",")]
    args.floor_delays = [float(x) for x in args.floor_delays.split(",")]
    args.floor_hosts = [int(x) for x in args.floor_hosts.split(",")]
    parts = (args.only or "start,app,status,many,journal,follow,fleet,floor").split(",")
    unknown = set(parts) - {"start", "app", "status", "many", "journal", "follow", "fleet", "floor"}
    if unknown:
        raise SystemExit(f"bench: unknown part {', '.join(sorted(unknown))} in --only: give some of start,app,status,many,journal,follow,fleet,floor")
    if args.fleet_hosts < 2 or args.fleet_jobs < 1:
        raise SystemExit("bench: --fleet-hosts needs 2 or more hosts and --fleet-jobs 1 or more jobs")
    local = [p for p in parts if p not in ("fleet", "floor")]  # the parts that need a user manager here
    runtime = None
    if not os.environ.get("XDG_RUNTIME_DIR"):
        if local:
            raise SystemExit("bench: XDG_RUNTIME_DIR is not set: run through 'make bench'")
        # The fleet alone needs no manager here, only a private place for the ssh masters' sockets.
        runtime = tempfile.mkdtemp(prefix="bench-runtime-")
        os.environ["XDG_RUNTIME_DIR"] = runtime
    os.makedirs(args.out, exist_ok=True)
    global MEASURE
    MEASURE = build(args.out, "measure")
    args.journal_cat = build(args.out, "journal-cat", "-lsystemd")
    args.journal_two_handles = build(args.out, "journal-two-handles", "-lsystemd")
    os.chdir(tempfile.gettempdir())  # the jobs' working directory

    began = time.monotonic()
    info = machine()
    report = Report()
    if "fleet" in parts and (why := fleet_unavailable(args)):
        if args.only:
            raise SystemExit(f"bench: the fleet part cannot run here: {why}")
        log(f"fleet: skipped: {why}")
        parts.remove("fleet")
        report.add("### 6. A fleet over ssh", "", f"Not run on this machine: {why}.", "")
    if "floor" in parts and (why := fleet_unavailable(args)):
        if args.only:
            raise SystemExit(f"bench: the floor part cannot run here: {why}")
        log(f"floor: skipped: {why}")
        parts.remove("floor")
        report.add("### 7. Remote commands at the floor of ssh", "", f"Not run on this machine: {why}.", "")
    if local:
        stop_leftovers()
    try:
        if "start" in parts:
            bench_start(args, report)
        if "app" in parts:
            bench_app(args, report)
        if "status" in parts:
            bench_status_one(args, report)
        if "many" in parts:
            bench_status_many(args, report)
        if "journal" in parts:
            bench_journal(args, report)
        if "follow" in parts:
            bench_follow(args, report)
        if "fleet" in parts:
            bench_fleet(args, report)
        if "floor" in parts:
            bench_floor(args, report)
    except SystemExit as failure:
        # What was measured before the failure is reported still, with the failure.
        report.add("### The run failed", "", f"`{str(failure)[:500]}`", "")
        failed = failure
    else:
        failed = None
    finally:
        if local:
            stop_leftovers()
        if runtime:
            subprocess.run(["rm", "-rf", runtime])
    elapsed = time.monotonic() - began

    head = [f"## Results of `make {'bench' if local else 'bench-fleet'}` ({info['date']})", "",
            f"Machine: {info['nproc']} cores, {info['cpu']}, {info['memory']} RAM, Linux {info['kernel']}; {info['systemd']}; "
            f"{info['swift']}; Python {info['python']}. unitify built from {info['commit']}. {args.pairs} timed rounds per comparison after one warm-up round; "
            f"the measurements took {elapsed:.0f} s. Load average (1, 5, 15 min) at the start {', '.join(f'{x:.2f}' for x in info['load'])}, "
            f"at the end {', '.join(f'{x:.2f}' for x in os.getloadavg())}. Arguments: `{' '.join(sys.argv[1:])}`.", ""]
    goals = ["### Goals", "", "| goal | value | limit | met |", "|---|---:|---:|---|"]
    for g in report.goals:
        goals.append(f"| {g['goal']} | {g['value']:.2f} | {g['limit']:.3g} | {'yes' if g['met'] else '**no**'} |")
    goals.append("")
    text = "\n".join(head + goals + report.lines)
    print(text)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(text + "\n")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"machine": info, "elapsed_s": elapsed, "goals": report.goals, "results": report.data}, f, indent=1, default=str)
    log(f"done in {elapsed:.0f}s; report in {os.path.relpath(os.path.join(args.out, 'results.md'), ROOT)}")
    if failed:
        raise failed


if __name__ == "__main__":
    main()
