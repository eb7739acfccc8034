#!/usr/bin/env bash
# Every program of every BPF object must pass the verifier on this kernel.
# tests/load/bpfload loads them one at a time (attaching nothing), so a
# refusal names the program. One exception, stated in the output: when this
# kernel refuses LSM or trampoline programs outright (EPERM at
# BPF_PROG_LOAD, as the 6.18 test hosts do), the lsm/ and fmod_ret/
# programs are skipped here; tests/vm loads them on a kernel that has them
# (make vm-test). Any other refusal fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib.sh

require_root "verifier load"
BPFLOAD=${BPFLOAD:-${OUT:-build}/tests/bpfload}
log=$(mktemp /tmp/embargo-load.XXXXXX)
trap 'rm -f "$log"' EXIT
for obj in "${OUT:-build}"/*.bpf.o; do
	name=$(basename "$obj" .bpf.o)
	out=$("$BPFLOAD" "$obj" 2> "$log")
	rc=$?
	if [ $rc -ge 2 ] || [ -z "$out" ]; then
		bad "$name: bpfload failed (rc $rc)" "$(cat "$log")"
		continue
	fi
	while read -r prog sec result; do
		case "$result:$sec" in
		ok:*) ok "$name: $prog ($sec) loaded through the verifier" ;;
		EPERM:lsm/*) echo "  skip $name: $prog ($sec): this kernel refuses LSM programs (EPERM); loaded by make vm-test" ;;
		EPERM:fmod_ret/*) echo "  skip $name: $prog ($sec): this kernel refuses trampolines (EPERM); loaded by make vm-test" ;;
		*) bad "$name: $prog ($sec) refused: $result" "$(tail -n 30 "$log")" ;;
		esac
	done <<< "$out"
done
summary "load"
