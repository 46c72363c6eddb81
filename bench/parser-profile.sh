#!/usr/bin/env bash
# Instruction counts (callgrind) of the four start-up commands of issue 31 for one or more unitify
# binaries, and of their systemd counterparts, in ONE user-manager session:
#
#   scripts/user-session --no-ratelimit bench/parser-profile.sh OUTDIR LABEL=BIN [LABEL=BIN...]
#
# Writes OUTDIR/LABEL-COMMAND.cg and prints "instructions  LABEL-COMMAND" lines. Two jobs run
# during the status commands, so that the table has rows.
set -euo pipefail
OUT=$(realpath -m "${1:?usage: parser-profile.sh OUTDIR LABEL=BIN...}")
shift
mkdir -p "$OUT"
PROPS=Id,Description,LoadState,ActiveState,SubState,Result,MainPID,ActiveEnterTimestamp,NRestarts,MemoryCurrent,CPUUsageNSec,ExecMainCode,ExecMainStatus,ExecStart,WorkingDirectory,Restart,RestartUSec,InvocationID,TriggeredBy,StandardOutput,StandardError,UnitFileState,Environment,Transient,FragmentPath
ID=pp$$
cd /tmp

cg() {
	local name=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.cg" "$@" >"$OUT/$name.out" 2>"$OUT/$name.log" || true
	printf '%12s  %-28s %s\n' "$(grep -m1 '^summary:' "$OUT/$name.cg" | cut -d' ' -f2)" "$name" "$*"
}

first=${1#*=}
first=$(realpath "${first}")
"$first" run --check 0 --name $ID-one -- /bin/sh -c 'seq 1 20; exec sleep infinity' >/dev/null
"$first" run --check 0 --name $ID-two -- sleep infinity >/dev/null
sleep 1
cg systemctl-version systemctl --version
cg systemd-run systemd-run --user --unit=$ID-s -- sleep 300
cg systemctl-show systemctl --user show $ID-one.service -p "$PROPS"
cg systemctl-list-units systemctl --user list-units --all --no-pager
for pair in "$@"; do
	label=${pair%%=*}
	bin=$(realpath "${pair#*=}")
	cg "$label-version" "$bin" --version
	cg "$label-run" "$bin" run --check 0 --name "$ID-$label" -- sleep 300
	systemctl --user stop "$ID-$label.service" 2>/dev/null || true
	cg "$label-status-n0" "$bin" status $ID-one -n 0
	cg "$label-status" "$bin" status
	cg "$label-help" "$bin" run --help
done
systemctl --user stop "$ID-*" 2>/dev/null || true
