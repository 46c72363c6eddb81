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
mkdir -p "$OUT"
cc -O2 -Wall -o "$OUT/journal-cat" "$HERE/journal-cat.c" -lsystemd
cd /tmp

# cg NAME CMD...: one callgrind run, output to /dev/null, total instructions printed.
cg() {
	local name=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.cg" "$@" >/dev/null 2>"$OUT/$name.log" || true
	printf '%14s  %s\n' "$(grep -m1 '^summary:' "$OUT/$name.cg" | cut -d' ' -f2 | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')" "$*"
}

has() { [[ ,$PARTS, == *,$1,* ]]; }

if has startup; then
	cg version-unitify "$U" --version
	cg version-systemctl systemctl --version
fi
if has start; then
	cg start-unitify "$U" run --check 0 --name prof-start-u -- sleep 300
	cg start-systemd-run systemd-run --user --unit=prof-start-s -- sleep 300
fi
if has status; then
	"$U" run --check 0 --name prof-one -- /bin/sh -c 'seq 1 20; exec sleep infinity' >/dev/null
	sleep 1
	cg status-unitify-n0 "$U" status prof-one -n 0
	cg status-systemctl-show systemctl --user show prof-one.service -p "$PROPS"
	cg status-unitify "$U" status prof-one
	cg status-systemctl-status systemctl --user status --no-pager prof-one.service
fi
systemctl --user stop 'prof-*' 2>/dev/null || true
if has many; then
	for i in $(seq -w 1 1000); do echo "prof-many-$i"; done |
		xargs -P 4 -I{} "$U" run --check 0 --quiet --name {} -- sleep infinity
	cg many-unitify "$U" status
	cg many-list-units systemctl --user list-units --no-pager
	systemctl --user stop 'prof-many-*'
fi
if has journal; then
	systemd-run --user --quiet --unit=prof-j200k -- seq 200000
	until [[ $("$OUT/journal-cat" -n 1 _SYSTEMD_USER_UNIT=prof-j200k.service) == 200000 ]]; do sleep 0.5; done
	cg journal-unitify "$U" journal prof-j200k -n all -o cat
	cg journal-journalctl journalctl --user-unit prof-j200k -o cat
	cg journal-c "$OUT/journal-cat" _SYSTEMD_USER_UNIT=prof-j200k.service
	cg journal-c-same-matches "$OUT/journal-cat" _SYSTEMD_USER_UNIT=prof-j200k.service "_UID=$(id -u)" + \
		USER_UNIT=prof-j200k.service "_UID=$(id -u)" + OBJECT_SYSTEMD_USER_UNIT=prof-j200k.service "_UID=$(id -u)" + \
		COREDUMP_USER_UNIT=prof-j200k.service "_UID=$(id -u)" + SYSLOG_IDENTIFIER=prof-j200k "_UID=$(id -u)"
	cg journal-tail-unitify "$U" journal prof-j200k -n 50 -o cat
	cg journal-tail-journalctl journalctl --user-unit prof-j200k -n 50 -o cat
fi
