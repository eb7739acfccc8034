#!/usr/bin/env bash
# Every BPF object must pass the verifier on this kernel. Loads each program
# of each object with bpftool into a temporary bpffs dir; attaches nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib.sh

require_root "verifier load"
ensure_bpffs
dir=/sys/fs/bpf/embargo-load-$$
mkdir "$dir" || { bad "mkdir $dir"; summary load; exit 1; }
trap 'rm -rf "$dir"' EXIT
for obj in "${OUT:-build}"/*.bpf.o; do
	name=$(basename "$obj" .bpf.o)
	if out=$(bpftool prog loadall "$obj" "$dir/$name" 2>&1); then
		n=$(ls "$dir/$name" | wc -l)
		ok "$name: $n programs loaded through the verifier"
	else
		bad "$name: verifier refused it" "$out"
	fi
	rm -rf "${dir:?}/$name"
done
summary "load"
