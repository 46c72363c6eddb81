#!/usr/bin/env bash
# Instruction counts (valgrind's callgrind) of unitify's commands and of their systemd
# counterparts, beside a user manager: callgrind counts the same for the same binary and input,
# however noisy the machine. Not part of `make bench`; run it when a goal is missed:
#
#   make bench-profile            (or: scripts/user-session --no-ratelimit bench/profile.sh UNITIFY OUTDIR [PARTS])
#
# PARTS (default all): startup,start,status,many,journal. Writes OUTDIR/NAME.cg per command and
# prints "instructions  command" lines; read one with callgrind_annotate --inclusive=yes OUTDIR/NAME.cg.
set -euo pipefail

U=$(realpath "${1:?usage: profile.sh UNITIFY OUTDIR [PARTS]}")
OUT=$(realpath -m "${2:?usage: profile.sh UNITIFY OUTDIR [PARTS]}")
PARTS=${3:-startup,start,status,many,journal}
HERE=$(cd "$(dirname "$0")" && pwd)
PROPS=Id,Description,LoadState,ActiveState,SubState,Result,MainPID,ActiveEnterTimestamp,NRestarts,MemoryCurrent,CPUUsageNSec,ExecMainCode,ExecMainStatus,ExecStart,WorkingDirectory,Restart,RestartUSec,InvocationID,TriggeredBy,StandardOutput,StandardError,UnitFileState,Environment,Transient,FragmentPath
ID=prof$$ # unit names of this run, so that a second run in the same journal reads only its own lines
mkdir -p "$OUT"
cc -O2 -Wall -o "$OUT/journal-cat" "$HERE/journal-cat.c" -lsystemd
cc -O2 -Wall -o "$OUT/journal-two-handles" "$HERE/journal-two-handles.c" -lsystemd
cc -O2 -Wall -o "$OUT/bus-getall" "$HERE/bus-getall.c" -lsystemd
cd /tmp

# cg NAME CMD...: one callgrind run, output to /dev/null, total instructions printed.
cg() {
	local name=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.cg" "$@" >/dev/null 2>"$OUT/$name.log" || true
	local line="$*"
	((${#line} <= 160)) || line="${line:0:150}... ($# words)"
	printf '%16s  %-28s %s\n' "$(grep -m1 '^summary:' "$OUT/$name.cg" | cut -d' ' -f2 | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" "$name" "$line"
}

has() { [[ ,$PARTS, == *,$1,* ]]; }

# CPU time (ms) the user manager has used so far; empty outside scripts/user-session.
manager_cpu() {
	local pid
	pid=$(cat "${UNITIFY_SESSION_DIR:-/nonexistent}/manager.pid" 2>/dev/null) || return 0
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000 / hz }' "/proc/$pid/stat"
}

# wall NAME CMD...: the command's wall time and the manager's CPU time meanwhile (no valgrind).
wall() {
	local name=$1 before after start end
	shift
	before=$(manager_cpu)
	start=${EPOCHREALTIME/./}
	"$@" >"$OUT/$name.out" 2>&1
	end=${EPOCHREALTIME/./}
	after=$(manager_cpu)
	printf '%10.1f ms wall %10s ms manager CPU  %s\n' "$(((end - start) / 100))e-1" "${before:+$(awk "BEGIN { print $after - $before }")}" "$name"
}

if has startup; then
	cg version-unitify "$U" --version
	cg version-systemctl systemctl --version
fi
if has start; then
	cg start-unitify "$U" run --check 0 --name $ID-start-u -- sleep 300
	cg start-systemd-run systemd-run --user --unit=$ID-start-s -- sleep 300
fi
if has status; then
	"$U" run --check 0 --name $ID-one -- /bin/sh -c 'seq 1 20; exec sleep infinity' >/dev/null
	sleep 1
	cg status-unitify-n0 "$U" status $ID-one -n 0
	cg status-systemctl-show systemctl --user show $ID-one.service -p "$PROPS"
	cg status-unitify "$U" status $ID-one
	cg status-systemctl-status systemctl --user status --no-pager $ID-one.service
fi
systemctl --user stop "$ID-*" 2>/dev/null || true
if has many; then
	for i in $(seq -w 1 1000); do echo "$ID-many-$i"; done |
		xargs -P 4 -I{} "$U" run --check 0 --quiet --name {} -- sleep infinity
	units=$(for i in $(seq -w 1 1000); do echo "$ID-many-$i.service"; done)
	# Where the time of 1000 GetAll calls goes: the wire and the manager, without decoding.
	for round in 1 2; do
		wall many-wall-unitify "$U" status
		wall many-wall-systemctl-show systemctl --user show -p "$PROPS" $units
		wall many-wall-list-units systemctl --user list-units --no-pager
		wall getall-seq-all "$OUT/bus-getall" seq "" $units
		wall getall-pipe-all "$OUT/bus-getall" pipe "" $units
		wall getall-seq-unit "$OUT/bus-getall" seq org.freedesktop.systemd1.Unit $units
		wall getall-seq-service "$OUT/bus-getall" seq org.freedesktop.systemd1.Service $units
		wall getall-pipe-unit "$OUT/bus-getall" pipe org.freedesktop.systemd1.Unit $units
		wall getall-pipe-service "$OUT/bus-getall" pipe org.freedesktop.systemd1.Service $units
	done
	cat "$OUT"/getall-*.out
	cg many-unitify "$U" status
	cg many-list-units systemctl --user list-units --no-pager
	cg many-systemctl-show systemctl --user show -p "$PROPS" $units
	systemctl --user stop "$ID-many-*"
fi
if has journal; then
	"$U" run --check 0 --name $ID-j200k -- sh -c 'seq 200000; exec sleep infinity' >/dev/null
	until [[ $("$OUT/journal-cat" -n 1 _SYSTEMD_USER_UNIT=$ID-j200k.service) == 200000 ]]; do sleep 0.5; done
	cg journal-unitify "$U" journal $ID-j200k -n all -o cat
	cg journal-journalctl journalctl --user-unit $ID-j200k -o cat
	cg journal-c "$OUT/journal-cat" _SYSTEMD_USER_UNIT=$ID-j200k.service
	cg journal-c-same-matches "$OUT/journal-cat" _SYSTEMD_USER_UNIT=$ID-j200k.service "_UID=$(id -u)" + \
		USER_UNIT=$ID-j200k.service "_UID=$(id -u)" + OBJECT_SYSTEMD_USER_UNIT=$ID-j200k.service "_UID=$(id -u)" + \
		COREDUMP_USER_UNIT=$ID-j200k.service "_UID=$(id -u)" + SYSLOG_IDENTIFIER=$ID-j200k "_UID=$(id -u)"
	# Where the matches' cost lies: the first group alone (the unit's own output: nearly every line)...
	cg journal-c-first-group-only "$OUT/journal-cat" _SYSTEMD_USER_UNIT=$ID-j200k.service "_UID=$(id -u)"
	# ...and all groups over two handles, as unitify reads them (bench/journal-two-handles.c).
	cg journal-c-two-handles "$OUT/journal-two-handles" $ID-j200k.service "$(id -u)"
	if cmp -s <("$OUT/journal-two-handles" $ID-j200k.service "$(id -u)") <(journalctl --user-unit $ID-j200k -o cat); then
		echo "                  journal-two-handles prints what journalctl --user-unit prints"
	else
		echo "                  journal-two-handles and journalctl --user-unit DIFFER"
	fi
	cg journal-tail-unitify "$U" journal $ID-j200k -n 50 -o cat
	cg journal-tail-journalctl journalctl --user-unit $ID-j200k -n 50 -o cat
	"$U" stop $ID-j200k >/dev/null
fi
