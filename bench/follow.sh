# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# bench/follow.sh (sourced): wait for lines of an agent's log without
# forking. A loop of `grep; sleep 0.01` forks about 200 times a second,
# which on a 2-CPU machine takes a good part of the CPU from the very agent
# being timed (measured 2026-11-23: an index build of 100k files took 4.5 s
# under such a loop, 2.7 s without). Bash builtins only: `read` on the log
# (kept open, so each line is seen once) and, as the pause, `read -t` on a
# FIFO nobody writes to.
#
#   follow_open FILE              # read FILE from its start from now on
#   follow_until PID PATTERN...   # next line matching a glob: 0, line in
#                                 # FOLLOW_LINE; 1 once PID is gone
#   now_s                         # the time in seconds, no fork

follow_open() {
	local fifo
	if [ -z "${FOLLOW_NAP:-}" ]; then
		fifo=$(mktemp -u "${TMPDIR:-/tmp}/embargo-follow.XXXXXX")
		mkfifo -m 600 "$fifo" || return 1
		exec {FOLLOW_NAP}<> "$fifo"
		rm -f "$fifo"
	fi
	[ -z "${FOLLOW_FD:-}" ] || exec {FOLLOW_FD}<&-
	exec {FOLLOW_FD}< "$1"
	FOLLOW_PART=
}

follow_until() {
	local pid=$1 line p
	shift
	while :; do
		if IFS= read -r -u "$FOLLOW_FD" line; then
			line=$FOLLOW_PART$line
			FOLLOW_PART=
			for p in "$@"; do
				# shellcheck disable=SC2053 # $p is a glob on purpose
				if [[ $line == $p ]]; then
					# shellcheck disable=SC2034 # read by the caller
					FOLLOW_LINE=$line
					return 0
				fi
			done
		else
			FOLLOW_PART+=$line # a line being written: the rest comes next read
			kill -0 "$pid" 2> /dev/null || return 1
			read -r -t 0.005 -u "$FOLLOW_NAP" _ || :
		fi
	done
}

now_s() { echo "${EPOCHREALTIME/,/.}"; } # (a locale may write a comma)
