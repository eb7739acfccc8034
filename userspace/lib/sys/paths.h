/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* paths.h - the default files of docs/contract.md §1 (every one overridable). */
#ifndef EMBARGO_PATHS_H
#define EMBARGO_PATHS_H

#define EMB_DEFAULT_HOST "/etc/embargo/host.yaml"
#define EMB_DEFAULT_POLICY_DIR "/etc/embargo/policies.d"
#define EMB_DEFAULT_KEYS_DIR "/etc/embargo/keys.d"
#define EMB_DEFAULT_STATE_DIR "/var/lib/embargo"
#define EMB_DEFAULT_LOG "/var/log/embargo/events.jsonl"
#define EMB_DEFAULT_PIN_DIR "/sys/fs/bpf/embargo"
#define EMB_DEFAULT_SOCKET "/run/embargo/embargo.sock"

#endif
