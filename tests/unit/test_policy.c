// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Unit tests for policy.c: every bad policy with the exact first error it
 * must produce, the parsed values of good policies, policy sets and modes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embargo_abi.h"
#include "policy.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SHA "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"
/* Lines 1-4. */
#define HDR "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: SECRET\n"
/* Lines 5-7 (after HDR). */
#define VEND "vendors:\n  - name: V\n    sha256: [" SHA "]\n"
/* Lines 5-7: a vendor whose connect rule starts on line 8, column 9. */
#define CONN "vendors:\n  - name: V\n    connect:\n"
#define A35 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A65 A35 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
/* Lines 5-7: a vendor whose paths value starts on line 7, column 12. */
#define PATHS "vendors:\n  - name: V\n    paths: "
/* Lines 1-3: a containment policy's head; 'contain' on line 3. */
#define CHDR "embargo: 1\nid: c\ncontain:\n"
/* A label of 63 and of 64 characters; a name of 257. */
#define L63 A35 "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define L64 L63 "a"
#define NLONG L63 "." L63 "." L63 "." L63 "bb"

struct bad_policy {
	const char *yaml;
	const char *want; /* the first error, exactly */
};

static const struct bad_policy bad_policies[] = {
	/* required keys */
	{ "id: p\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:1:1: missing required key 'embargo'" },
	{ "embargo: 1\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:1:1: missing required key 'id'" },
	{ "embargo: 1\nid: p\nenforce: SECRET\n" VEND, "bad.yaml:1:1: missing required key 'scheme'" },
	{ "embargo: 1\nid: p\nscheme: uk-gsc\n" VEND, "bad.yaml:1:1: missing required key 'enforce'" },
	{ HDR, "bad.yaml:1:1: missing required key 'vendors'" },
	{ HDR "vendors:\n  - sha256: [" SHA "]\n", "bad.yaml:6:5: missing required key 'name'" },
	{ HDR CONN "      - ports: [443]\n", "bad.yaml:8:9: missing required key 'cidr' or 'host'" },
	/* unknown keys, at the key */
	{ HDR VEND "colour: red\n", "bad.yaml:8:1: unknown key 'colour'" },
	{ HDR "Vendors: []\n" VEND, "bad.yaml:5:1: unknown key 'Vendors'" },
	{ HDR VEND "    hashes: []\n", "bad.yaml:8:5: unknown key 'hashes'" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        port: 443\n", "bad.yaml:9:9: unknown key 'port'" },
	{ HDR VEND "<<: {a: 1}\n", "bad.yaml:8:1: unknown key '<<'" },
	{ HDR VEND "[a]: b\n", "bad.yaml:8:1: mapping keys must be scalars" },
	/* wrong types, at the value */
	{ "- embargo\n- 1\n", "bad.yaml:1:1: policy must be a mapping" },
	{ "just text\n", "bad.yaml:1:1: policy must be a mapping" },
	{ "embargo: [1]\nid: p\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:1:10: 'embargo' must be a scalar" },
	{ "embargo: \"1\"\nid: p\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:1:10: 'embargo' must be an integer" },
	{ "embargo: 1\nid: {a: b}\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: 'id' must be a scalar" },
	{ "embargo: 1\nid: p\nscheme: [uk-gsc]\nenforce: SECRET\n" VEND, "bad.yaml:3:9: 'scheme' must be a scalar" },
	{ "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: [SECRET]\n" VEND, "bad.yaml:4:10: 'enforce' must be a scalar" },
	{ HDR "audit:\n  - OFFICIAL\n" VEND, "bad.yaml:6:3: 'audit' must be a scalar" },
	{ HDR "title: [a]\n" VEND, "bad.yaml:5:8: 'title' must be a scalar" },
	{ HDR "reference: {a: b}\n" VEND, "bad.yaml:5:12: 'reference' must be a scalar" },
	{ HDR "vendors: Kaspersky\n", "bad.yaml:5:10: 'vendors' must be a sequence" },
	{ HDR "vendors: {name: V}\n", "bad.yaml:5:10: 'vendors' must be a sequence" },
	{ HDR "vendors:\n  - Kaspersky\n", "bad.yaml:6:5: 'vendors' entries must be mappings" },
	{ HDR "vendors:\n  - name: [V]\n    sha256: [" SHA "]\n", "bad.yaml:6:11: 'name' must be a scalar" },
	{ HDR "vendors:\n  - name: V\n    sha256: " SHA "\n", "bad.yaml:7:13: 'sha256' must be a sequence" },
	{ HDR "vendors:\n  - name: V\n    sha256: [[" SHA "]]\n", "bad.yaml:7:14: 'sha256' entries must be scalars" },
	{ HDR "vendors:\n  - name: V\n    connect: {cidr: 10.0.0.0/8}\n", "bad.yaml:7:14: 'connect' must be a sequence" },
	{ HDR CONN "      - 10.0.0.0/8\n", "bad.yaml:8:9: 'connect' entries must be mappings" },
	{ HDR CONN "      - cidr: [10.0.0.0/8]\n", "bad.yaml:8:15: 'cidr' must be a scalar" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: 443\n", "bad.yaml:9:16: 'ports' must be a sequence" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: [[443]]\n", "bad.yaml:9:17: 'ports' entries must be scalars" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        proto: [tcp]\n", "bad.yaml:9:16: 'proto' must be a scalar" },
	/* bad values */
	{ "embargo: 2\nid: p\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:1:10: unsupported schema version '2' (expected 1)" },
	{ "embargo: 1.0\nid: p\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:1:10: unsupported schema version '1.0' (expected 1)" },
	{ "embargo: 1\nid: Bad_ID\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: invalid id 'Bad_ID': use 1 to 64 characters of [a-z0-9._-]" },
	{ "embargo: 1\nid: a/b\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: invalid id 'a/b': use 1 to 64 characters of [a-z0-9._-]" },
	{ "embargo: 1\nid: ''\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: invalid id '': use 1 to 64 characters of [a-z0-9._-]" },
	{ "embargo: 1\nid: " A65 "\nscheme: uk-gsc\nenforce: SECRET\n" VEND,
	  "bad.yaml:2:5: invalid id '" A65 "': use 1 to 64 characters of [a-z0-9._-]" },
	/* echoed text is cut at 100 characters */
	{ "embargo: 1\nid: " A65 A65 "\nscheme: uk-gsc\nenforce: SECRET\n" VEND,
	  "bad.yaml:2:5: invalid id '" A65 A35 "...': use 1 to 64 characters of [a-z0-9._-]" },
	{ "embargo: 1\nid: \"a\\x01b\"\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: invalid id 'a?b': use 1 to 64 characters of [a-z0-9._-]" },
	{ "embargo: 1\nid: \"a\\0b\"\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: 'id' must not contain NUL characters" },
	{ "embargo: 1\nid: p\nscheme: uk\nenforce: SECRET\n" VEND, "bad.yaml:3:9: unknown scheme 'uk'" },
	{ "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: SECRETT\n" VEND, "bad.yaml:4:10: unknown level 'SECRETT' for scheme uk-gsc" },
	{ "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: SEC\n" VEND, "bad.yaml:4:10: unknown level 'SEC' for scheme uk-gsc" },
	{ "embargo: 1\nid: p\nscheme: us\nenforce: OFFICIAL\n" VEND, "bad.yaml:4:10: unknown level 'OFFICIAL' for scheme us" },
	{ HDR "audit: RESTRICTED\n" VEND, "bad.yaml:5:8: unknown level 'RESTRICTED' for scheme uk-gsc" },
	{ HDR "audit: SECRET\n" VEND, "bad.yaml:5:8: audit level 'SECRET' must be below enforce level 'SECRET'" },
	{ HDR "audit: top_secret\n" VEND, "bad.yaml:5:8: audit level 'TOP SECRET' must be below enforce level 'SECRET'" },
	{ HDR "title: ''\n" VEND, "bad.yaml:5:8: 'title' must not be empty" },
	{ HDR "vendors: []\n", "bad.yaml:5:10: 'vendors' must not be empty" },
	{ HDR "vendors:\n  - name: ''\n    sha256: [" SHA "]\n", "bad.yaml:6:11: 'name' must not be empty" },
	{ HDR "vendors:\n  - name: V\n    sha256: [abc]\n", "bad.yaml:7:14: invalid sha256 'abc': expected 64 hex digits" },
	{ HDR "vendors:\n  - name: V\n    sha256: [" SHA "0]\n",
	  "bad.yaml:7:14: invalid sha256 '" SHA "0': expected 64 hex digits" },
	{ HDR "vendors:\n  - name: V\n    sha256: [g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff]\n",
	  "bad.yaml:7:14: invalid sha256 'g0112233445566778899aabbccddeeff00112233445566778899aabbccddeeff': expected 64 hex digits" },
	{ HDR CONN "      - cidr: 10.0.0.300/8\n", "bad.yaml:8:15: cidr '10.0.0.300/8': invalid CIDR" },
	{ HDR CONN "      - cidr: example.com\n", "bad.yaml:8:15: cidr 'example.com': invalid CIDR" },
	{ HDR CONN "      - cidr: 10.0.0.1/8\n", "bad.yaml:8:15: cidr '10.0.0.1/8': host bits set beyond the prefix" },
	{ HDR CONN "      - cidr: 2001:db8::1/32\n", "bad.yaml:8:15: cidr '2001:db8::1/32': host bits set beyond the prefix" },
	{ HDR CONN "      - cidr: 10.0.0.0/33\n", "bad.yaml:8:15: cidr '10.0.0.0/33': prefix length out of range" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: [http]\n", "bad.yaml:9:17: port 'http': invalid port" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: [0]\n", "bad.yaml:9:17: port '0': port out of range" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: [443, 70000]\n", "bad.yaml:9:22: port '70000': port out of range" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: [9000-8000]\n", "bad.yaml:9:17: port '9000-8000': port range reversed" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: [-1]\n", "bad.yaml:9:17: port '-1': invalid port" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        ports: []\n", "bad.yaml:9:16: 'ports' must not be empty" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        proto: sctp\n", "bad.yaml:9:16: unknown proto 'sctp' (expected tcp, udp or any)" },
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        proto: TCP\n", "bad.yaml:9:16: unknown proto 'TCP' (expected tcp, udp or any)" },
	{ HDR "vendors:\n  - name: V\n", "bad.yaml:6:5: vendor 'V' bans nothing: give sha256, paths or connect" },
	{ HDR "vendors:\n  - name: V\n    sha256: []\n    connect: []\n", "bad.yaml:6:5: vendor 'V' bans nothing: give sha256, paths or connect" },
	{ HDR "vendors:\n  - name: V\n    paths: []\n", "bad.yaml:6:5: vendor 'V' bans nothing: give sha256, paths or connect" },
	{ HDR "vendors:\n  - sha256: []\n    name: ''\n", "bad.yaml:6:5: vendor bans nothing: give sha256, paths or connect" },
	/* paths */
	{ HDR PATHS "/opt/x\n", "bad.yaml:7:12: 'paths' must be a sequence" },
	{ HDR PATHS "[[/opt/x]]\n", "bad.yaml:7:13: 'paths' entries must be scalars" },
	{ HDR PATHS "[opt/x]\n", "bad.yaml:7:13: bad glob 'opt/x': not an absolute path" },
	{ HDR PATHS "['**/x']\n", "bad.yaml:7:13: bad glob '**/x': not an absolute path" },
	{ HDR PATHS "[/opt//x]\n", "bad.yaml:7:13: bad glob '/opt//x': empty path component" },
	{ HDR PATHS "[/opt/]\n", "bad.yaml:7:13: bad glob '/opt/': empty path component" },
	{ HDR PATHS "[/]\n", "bad.yaml:7:13: bad glob '/': empty path component" },
	{ HDR PATHS "['/opt/[ab']\n", "bad.yaml:7:13: bad glob '/opt/[ab': unclosed '['" },
	{ HDR PATHS "['/opt/[a/b]']\n", "bad.yaml:7:13: bad glob '/opt/[a/b]': unclosed '['" },
	{ HDR PATHS "['/opt/[]']\n", "bad.yaml:7:13: bad glob '/opt/[]': unclosed '['" },
	{ HDR PATHS "[/opt/a**]\n", "bad.yaml:7:13: bad glob '/opt/a**': '**' must be a whole path component" },
	{ HDR PATHS "[/opt/***/x]\n", "bad.yaml:7:13: bad glob '/opt/***/x': '**' must be a whole path component" },
	{ HDR PATHS "[/opt/../x]\n", "bad.yaml:7:13: bad glob '/opt/../x': '.' and '..' components never match" },
	{ HDR PATHS "[/opt/./x]\n", "bad.yaml:7:13: bad glob '/opt/./x': '.' and '..' components never match" },
	{ HDR PATHS "[\"/opt/a\\\\\"]\n", "bad.yaml:7:13: bad glob '/opt/a\\': '\\' at the end of a component" },
	{ HDR PATHS "[\"/opt/a\\0b\"]\n", "bad.yaml:7:13: 'paths' must not contain NUL characters" },
	{ HDR PATHS "[/" L63 L63 L63 L63 "aaaa]\n", "bad.yaml:7:13: bad glob '/" L63 A35 "a...': path component longer than 255 bytes" },
	/* enforce_from */
	{ HDR "enforce_from: [2017-12-12]\n" VEND, "bad.yaml:5:15: 'enforce_from' must be a scalar" },
	{ HDR "enforce_from: 2017-02-30\n" VEND, "bad.yaml:5:15: bad date '2017-02-30': not a calendar date" },
	{ HDR "enforce_from: 2100-02-29\n" VEND, "bad.yaml:5:15: bad date '2100-02-29': not a calendar date" },
	{ HDR "enforce_from: 2017-13-01\n" VEND, "bad.yaml:5:15: bad date '2017-13-01': not a calendar date" },
	{ HDR "enforce_from: 2017-00-10\n" VEND, "bad.yaml:5:15: bad date '2017-00-10': not a calendar date" },
	{ HDR "enforce_from: 2017-12-00\n" VEND, "bad.yaml:5:15: bad date '2017-12-00': not a calendar date" },
	{ HDR "enforce_from: 0000-01-01\n" VEND, "bad.yaml:5:15: bad date '0000-01-01': not a calendar date" },
	{ HDR "enforce_from: 2017-1-5\n" VEND, "bad.yaml:5:15: bad date '2017-1-5': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: 12/12/2017\n" VEND, "bad.yaml:5:15: bad date '12/12/2017': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: 2017-12-12T00:00:00\n" VEND, "bad.yaml:5:15: bad date '2017-12-12T00:00:00': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: 2017-12-12T09:00:00+01:00\n" VEND, "bad.yaml:5:15: bad date '2017-12-12T09:00:00+01:00': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: '2017-12-12 09:00:00Z'\n" VEND, "bad.yaml:5:15: bad date '2017-12-12 09:00:00Z': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: 2017-12-12T24:00:00Z\n" VEND, "bad.yaml:5:15: bad date '2017-12-12T24:00:00Z': not a calendar date" },
	{ HDR "enforce_from: 2017-12-12T10:60:00Z\n" VEND, "bad.yaml:5:15: bad date '2017-12-12T10:60:00Z': not a calendar date" },
	{ HDR "enforce_from: 20171212\n" VEND, "bad.yaml:5:15: bad date '20171212': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: ' 2017-12-12'\n" VEND, "bad.yaml:5:15: bad date ' 2017-12-12': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: +2017-12-12\n" VEND, "bad.yaml:5:15: bad date '+2017-12-12': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: 2017-12-1x\n" VEND, "bad.yaml:5:15: bad date '2017-12-1x': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	{ HDR "enforce_from: ''\n" VEND, "bad.yaml:5:15: bad date '': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" },
	/* connect[].host */
	{ HDR CONN "      - cidr: 10.0.0.0/8\n        host: a.example\n", "bad.yaml:8:9: give one of 'cidr' and 'host', not both" },
	{ HDR CONN "      - host: [a.example]\n", "bad.yaml:8:15: 'host' must be a scalar" },
	{ HDR CONN "      - host: ''\n", "bad.yaml:8:15: bad host name '': empty name" },
	{ HDR CONN "      - host: .\n", "bad.yaml:8:15: bad host name '.': empty name" },
	{ HDR CONN "      - host: a..example\n", "bad.yaml:8:15: bad host name 'a..example': empty label" },
	{ HDR CONN "      - host: .example\n", "bad.yaml:8:15: bad host name '.example': empty label" },
	{ HDR CONN "      - host: -bad.example\n", "bad.yaml:8:15: bad host name '-bad.example': label starts or ends with '-'" },
	{ HDR CONN "      - host: bad-.example\n", "bad.yaml:8:15: bad host name 'bad-.example': label starts or ends with '-'" },
	{ HDR CONN "      - host: a_b.example\n", "bad.yaml:8:15: bad host name 'a_b.example': only letters, digits, '-' and '.' are allowed" },
	{ HDR CONN "      - host: 'a b.example'\n", "bad.yaml:8:15: bad host name 'a b.example': only letters, digits, '-' and '.' are allowed" },
	{ HDR CONN "      - host: http://a.example/\n", "bad.yaml:8:15: bad host name 'http://a.example/': only letters, digits, '-' and '.' are allowed" },
	{ HDR CONN "      - host: 203.0.113.5\n", "bad.yaml:8:15: bad host name '203.0.113.5': an IP address: use cidr" },
	{ HDR CONN "      - host: '2001:db8::1'\n", "bad.yaml:8:15: bad host name '2001:db8::1': an IP address: use cidr" },
	{ HDR CONN "      - host: 10.1.2\n", "bad.yaml:8:15: bad host name '10.1.2': the last label is numeric" },
	{ HDR CONN "      - host: example.123.\n", "bad.yaml:8:15: bad host name 'example.123.': the last label is numeric" },
	{ HDR CONN "      - host: " L64 ".example\n", "bad.yaml:8:15: bad host name '" L64 ".example': label longer than 63 characters" },
	{ HDR CONN "      - host: " NLONG "\n", "bad.yaml:8:15: bad host name '" L63 "." A35 "a...': longer than 253 characters" },
	{ HDR CONN "      - host: a.example\n        hosts: b.example\n", "bad.yaml:9:9: unknown key 'hosts'" },
	/* custom schemes need the host's definitions */
	{ "embargo: 1\nid: p\nscheme: acme\nenforce: RESTRICTED\n" VEND, "bad.yaml:3:9: unknown scheme 'acme'" },
	/* containment policies */
	{ "embargo: 1\ncontain:\n  allow: []\n", "bad.yaml:1:1: missing required key 'id'" },
	{ "id: c\ncontain:\n  allow: []\n", "bad.yaml:1:1: missing required key 'embargo'" },
	{ CHDR "  allow: []\nvendors:\n  - name: V\n    sha256: [" SHA "]\n", "bad.yaml:5:1: key 'vendors' is not allowed in a containment policy" },
	{ "embargo: 1\nid: c\nscheme: uk-gsc\ncontain:\n  allow: []\n", "bad.yaml:3:1: key 'scheme' is not allowed in a containment policy" },
	{ CHDR "  allow: []\nenforce: SECRET\n", "bad.yaml:5:1: key 'enforce' is not allowed in a containment policy" },
	{ CHDR "  allow: []\naudit: OFFICIAL\n", "bad.yaml:5:1: key 'audit' is not allowed in a containment policy" },
	{ CHDR "  allow: []\nenforce_from: 2017-12-12\n", "bad.yaml:5:1: key 'enforce_from' is not allowed in a containment policy" },
	{ CHDR "  allow: []\ncolour: red\n", "bad.yaml:5:1: unknown key 'colour'" },
	{ "embargo: 1\nid: c\ncontain: []\n", "bad.yaml:3:10: 'contain' must be a mapping" },
	{ "embargo: 1\nid: c\ncontain: 10.0.0.0/8\n", "bad.yaml:3:10: 'contain' must be a mapping" },
	{ "embargo: 1\nid: c\ncontain: {}\n", "bad.yaml:3:10: missing required key 'allow'" },
	{ CHDR "  allow: []\n  deny: []\n", "bad.yaml:5:3: unknown key 'deny'" },
	{ CHDR "  allow: 10.0.0.0/8\n", "bad.yaml:4:10: 'allow' must be a sequence" },
	{ CHDR "  allow: [10.0.0.0/8]\n", "bad.yaml:4:11: 'allow' entries must be mappings" },
	{ CHDR "  allow:\n    - ports: [22]\n", "bad.yaml:5:7: missing required key 'cidr'" },
	{ CHDR "  allow:\n    - host: a.example\n", "bad.yaml:5:7: unknown key 'host'" },
	{ CHDR "  allow:\n    - cidr: 10.0.0.1/8\n", "bad.yaml:5:13: cidr '10.0.0.1/8': host bits set beyond the prefix" },
	{ CHDR "  allow:\n    - cidr: 10.0.0.0/8\n      ports: [0]\n", "bad.yaml:6:15: port '0': port out of range" },
	{ CHDR "  allow:\n    - cidr: 10.0.0.0/8\n      proto: icmp\n", "bad.yaml:6:14: unknown proto 'icmp' (expected tcp, udp or any)" },
	{ "embargo: 2\nid: c\ncontain:\n  allow: []\n", "bad.yaml:1:10: unsupported schema version '2' (expected 1)" },
	{ "embargo: 1\nid: C\ncontain:\n  allow: []\n", "bad.yaml:2:5: invalid id 'C': use 1 to 64 characters of [a-z0-9._-]" },
	/* YAML level */
	{ HDR "id: q\n" VEND, "bad.yaml:5:1: duplicate key 'id'" },
	{ HDR VEND "    name: W\n", "bad.yaml:8:5: duplicate key 'name'" },
	{ "embargo: &v 1\nid: *v\nscheme: uk-gsc\nenforce: SECRET\n" VEND, "bad.yaml:2:5: aliases are not allowed" },
	{ HDR "vendors: &v\n  - name: V\n    sha256: [" SHA "]\nx: *v\n", "bad.yaml:8:4: aliases are not allowed" },
	{ HDR VEND "---\n" HDR VEND, "bad.yaml:8:1: multiple documents are not allowed" },
	{ "", "bad.yaml:1:1: empty policy" },
	{ "# nothing here\n\n", "bad.yaml:1:1: empty policy" },
	{ "embargo: 1\nid: [p\n", "bad.yaml:3:1: YAML syntax error: did not find expected ',' or ']'" },
	{ "embargo: 1\n  id: p\n", "bad.yaml:2:5: YAML syntax error: mapping values are not allowed in this context" },
	{ "embargo: 1\nid: 'p\n", "bad.yaml:3:1: YAML syntax error: found unexpected end of stream" },
	{ "embargo: 1\nid: \t\x01\n", "bad.yaml:2:6: YAML syntax error: control characters are not allowed" },
	{ "embargo: 1\nid: \xff\n", "bad.yaml:2:5: YAML syntax error: invalid leading UTF-8 octet" },
	{ "x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  "bad.yaml:1:67: nesting too deep" },
};

static void test_bad_policies(void **state)
{
	int failures = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_policies); i++) {
		const struct bad_policy *b = &bad_policies[i];
		static const struct emb_policy zero;
		struct emb_diag d = { 0 };
		struct emb_policy p;
		int rc;

		rc = emb_policy_parse_buf("bad.yaml", b->yaml, strlen(b->yaml), &p, &d);
		if (rc != -1 || d.n == 0) {
			print_error("row %zu accepted (rc %d)\n", i, rc);
			failures++;
		} else if (strcmp(d.msgs[0], b->want)) {
			print_error("row %zu:\n  got  %s\n  want %s\n", i, d.msgs[0], b->want);
			failures++;
		}
		if (memcmp(&p, &zero, sizeof(p))) {
			print_error("row %zu: output not zeroed\n", i);
			failures++;
		}
		emb_diag_free(&d);
	}
	assert_int_equal(failures, 0);
}

static const char good_yaml[] =
	"embargo: 1\n"
	"id: ncsc-2017-ru-av\n"
	"title: Russia-based anti-virus on SECRET systems\n"
	"reference: \"NCSC letter to permanent secretaries, 1 Dec 2017\"\n"
	"scheme: UK-GSC\n"
	"enforce: secret\n"
	"audit: OFFICIAL-SENSITIVE\n"
	"vendors:\n"
	"  - name: Kaspersky Lab\n"
	"    sha256:\n"
	"      - 0f343b0931126a20f133d67c2b018a3b0b2a4f7d6f0e6bd5b5f6a7c58c3b9e1a   # comment\n"
	"      - " SHA "\n"
	"    connect:\n"
	"      - cidr: 203.0.113.0/24\n"
	"      - cidr: 2001:db8:10::/48\n"
	"        ports: [443, 8000-8080]\n"
	"        proto: tcp\n"
	"      - cidr: \"::ffff:192.0.2.1\"\n"
	"        ports:\n"
	"          - \"53\"\n"
	"        proto: udp\n"
	"  - name: Other\n"
	"    connect:\n"
	"      - {cidr: 0.0.0.0/0, proto: any}\n";

static void test_good_policy(void **state)
{
	static const uint8_t sha0[32] = { 0x0f, 0x34, 0x3b, 0x09, 0x31, 0x12, 0x6a, 0x20, 0xf1, 0x33, 0xd6,
					  0x7c, 0x2b, 0x01, 0x8a, 0x3b, 0x0b, 0x2a, 0x4f, 0x7d, 0x6f, 0x0e,
					  0x6b, 0xd5, 0xb5, 0xf6, 0xa7, 0xc5, 0x8c, 0x3b, 0x9e, 0x1a };
	static const uint8_t sha1[32] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
					  0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
					  0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x10 };
	struct emb_diag d = { 0 };
	struct emb_policy p;
	const struct emb_vendor *v;
	const struct emb_connect_rule *r;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("good.yaml", good_yaml, strlen(good_yaml), &p, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(p.file, "good.yaml");
	assert_string_equal(p.id, "ncsc-2017-ru-av");
	assert_string_equal(p.title, "Russia-based anti-virus on SECRET systems");
	assert_string_equal(p.reference, "NCSC letter to permanent secretaries, 1 Dec 2017");
	assert_string_equal(p.scheme, "uk-gsc");
	assert_int_equal(p.enforce, 1);
	assert_int_equal(p.audit, 0);
	assert_int_equal(p.n_vendors, 2);

	v = &p.vendors[0];
	assert_string_equal(v->name, "Kaspersky Lab");
	assert_int_equal(v->n_sha256, 2);
	assert_memory_equal(v->sha256[0], sha0, 32);
	assert_memory_equal(v->sha256[1], sha1, 32);
	assert_int_equal(v->n_connect, 3);

	r = &v->connect[0];
	assert_int_equal(r->cidr.family, AF_INET);
	assert_int_equal(r->cidr.prefix, 24);
	assert_memory_equal(r->cidr.addr, ((uint8_t[]){ 203, 0, 113, 0 }), 4);
	assert_null(r->ports);
	assert_int_equal(r->n_ports, 0);
	assert_int_equal(r->proto_mask, EMB_PROTO_ANY);
	assert_int_equal(r->line, 14);

	r = &v->connect[1];
	assert_int_equal(r->cidr.family, AF_INET6);
	assert_int_equal(r->cidr.prefix, 48);
	assert_memory_equal(r->cidr.addr, net6, 16);
	assert_int_equal(r->n_ports, 2);
	assert_int_equal(r->ports[0].lo, 443);
	assert_int_equal(r->ports[0].hi, 443);
	assert_int_equal(r->ports[1].lo, 8000);
	assert_int_equal(r->ports[1].hi, 8080);
	assert_int_equal(r->proto_mask, EMB_PROTO_TCP);
	assert_int_equal(r->line, 15);

	r = &v->connect[2];
	assert_int_equal(r->cidr.family, AF_INET);
	assert_int_equal(r->cidr.prefix, 32);
	assert_memory_equal(r->cidr.addr, ((uint8_t[]){ 192, 0, 2, 1 }), 4);
	assert_int_equal(r->n_ports, 1);
	assert_int_equal(r->ports[0].lo, 53);
	assert_int_equal(r->proto_mask, EMB_PROTO_UDP);

	v = &p.vendors[1];
	assert_string_equal(v->name, "Other");
	assert_int_equal(v->n_sha256, 0);
	assert_null(v->sha256);
	assert_int_equal(v->n_connect, 1);
	assert_int_equal(v->connect[0].cidr.prefix, 0);
	assert_int_equal(v->connect[0].proto_mask, EMB_PROTO_ANY);

	emb_policy_free(&p);
	assert_null(p.id);
	assert_int_equal(p.n_vendors, 0);
	emb_policy_free(&p); /* twice is harmless */
}

static void test_minimal_policy(void **state)
{
	static const char yaml[] = "embargo: 1\nid: a.b_c-9\nscheme: nato\nenforce: cosmic_top_secret\n"
				   "vendors:\n  - name: V\n    sha256: [" SHA "]\n";
	struct emb_diag d = { 0 };
	struct emb_policy p;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("m.yaml", yaml, strlen(yaml), &p, &d), 0);
	assert_string_equal(p.id, "a.b_c-9");
	assert_null(p.title);
	assert_null(p.reference);
	assert_string_equal(p.scheme, "nato");
	assert_int_equal(p.enforce, 4);
	assert_int_equal(p.audit, -1);
	emb_policy_free(&p);
}

static void test_good_ids(void **state)
{
	static const char *const ids[] = { "a", "0", "ncsc-2017-ru-av", "ir.contain_1", "---", A35 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	char yaml[512];

	(void)state;
	assert_int_equal(strlen(ids[5]), 64);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		struct emb_diag d = { 0 };
		struct emb_policy p;

		snprintf(yaml, sizeof(yaml), "embargo: 1\nid: '%s'\nscheme: uk-gsc\nenforce: SECRET\n" VEND, ids[i]);
		if (emb_policy_parse_buf("ok.yaml", yaml, strlen(yaml), &p, &d))
			fail_msg("id '%s': %s", ids[i], d.msgs[0]);
		assert_string_equal(p.id, ids[i]);
		emb_policy_free(&p);
	}
}

/* Errors are collected across siblings, sorted by position. */
static void test_collects_errors(void **state)
{
	static const char yaml[] = "embargo: 2\nid: Bad\nscheme: uk-gsc\nenforce: SECRETT\nfoo: 1\n"
				   "vendors:\n  - name: V\n    sha256: [abc, " SHA "]\n"
				   "    connect:\n      - cidr: 10.0.0.1/8\n        ports: [0, 9000-8000]\n";
	static const char *const want[] = {
		"bad.yaml:1:10: unsupported schema version '2' (expected 1)",
		"bad.yaml:2:5: invalid id 'Bad': use 1 to 64 characters of [a-z0-9._-]",
		"bad.yaml:4:10: unknown level 'SECRETT' for scheme uk-gsc",
		"bad.yaml:5:1: unknown key 'foo'",
		"bad.yaml:8:14: invalid sha256 'abc': expected 64 hex digits",
		"bad.yaml:10:15: cidr '10.0.0.1/8': host bits set beyond the prefix",
		"bad.yaml:11:17: port '0': port out of range",
		"bad.yaml:11:20: port '9000-8000': port range reversed",
	};
	struct emb_diag d = { 0 };
	struct emb_policy p;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("bad.yaml", yaml, strlen(yaml), &p, &d), -1);
	assert_int_equal(d.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < d.n; i++)
		assert_string_equal(d.msgs[i], want[i]);
	emb_diag_free(&d);
}

/* A flood of errors is cut short but still refused. */
static void test_error_limit(void **state)
{
	struct emb_diag d = { 0 };
	struct emb_policy p;
	char *yaml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&yaml, &len);

	(void)state;
	assert_non_null(f);
	fputs(HDR VEND, f);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "k%d: 1\n", i);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(emb_policy_parse_buf("bad.yaml", yaml, len, &p, &d), -1);
	assert_int_equal(d.n, 51);
	assert_string_equal(d.msgs[0], "bad.yaml:8:1: unknown key 'k0'");
	assert_string_equal(d.msgs[50], "bad.yaml: 950 more errors not shown");
	emb_diag_free(&d);
	free(yaml);
}

static void test_too_large(void **state)
{
	size_t len = (16u << 20) + 1;
	char *big = malloc(len);
	struct emb_diag d = { 0 };
	struct emb_policy p;

	(void)state;
	assert_non_null(big);
	memset(big, '#', len);
	assert_int_equal(emb_policy_parse_buf("big.yaml", big, len, &p, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "big.yaml: policy larger than 16 MiB");
	emb_diag_free(&d);
	free(big);
}

/* --- files and sets ------------------------------------------------------ */

struct tmpdir {
	char path[64];
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int setup_dir(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->path, "/tmp/embargo-test-policy-XXXXXX");
	if (!mkdtemp(t->path)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown_dir(void **state)
{
	struct tmpdir *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->path);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

#define POLICY(id) "embargo: 1\nid: " id "\nscheme: uk-gsc\nenforce: SECRET\n" VEND

static void test_parse_file(void **state)
{
	struct tmpdir *t = *state;
	struct emb_diag d = { 0 };
	struct emb_policy p;
	char path[256];

	write_file(t->path, "a.yaml", POLICY("a"));
	snprintf(path, sizeof(path), "%s/a.yaml", t->path);
	assert_int_equal(emb_policy_parse_file(path, &p, &d), 0);
	assert_string_equal(p.id, "a");
	assert_string_equal(p.file, path);
	emb_policy_free(&p);

	write_file(t->path, "bad.yaml", POLICY("a") "x: 1\n");
	snprintf(path, sizeof(path), "%s/bad.yaml", t->path);
	assert_int_equal(emb_policy_parse_file(path, &p, &d), -1);
	assert_int_equal(d.n, 1);
	assert_true(strstr(d.msgs[0], "/bad.yaml:8:1: unknown key 'x'") != NULL);
	emb_diag_free(&d);

	snprintf(path, sizeof(path), "%s/missing.yaml", t->path);
	assert_int_equal(emb_policy_parse_file(path, &p, &d), -1);
	assert_int_equal(d.n, 1);
	assert_true(strstr(d.msgs[0], "/missing.yaml: cannot open: No such file or directory") != NULL);
	emb_diag_free(&d);

	assert_int_equal(emb_policy_parse_file(t->path, &p, &d), -1);
	assert_int_equal(d.n, 1);
	assert_true(strstr(d.msgs[0], ": not a regular file") != NULL);
	emb_diag_free(&d);
}

static void test_set_load(void **state)
{
	struct tmpdir *t = *state;
	struct emb_policy_set set;
	struct emb_diag d = { 0 };
	char dir[128], extra[256];
	const char *files[1] = { extra };

	snprintf(dir, sizeof(dir), "%s/d", t->path);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "20-b.yaml", POLICY("b"));
	write_file(dir, "10-c.yaml", POLICY("c"));
	write_file(dir, "30-a.yaml", POLICY("a"));
	write_file(dir, "notes.txt", "not a policy");
	write_file(dir, ".hidden.yaml", "garbage: [");
	write_file(t->path, "first.yaml", POLICY("z"));
	snprintf(extra, sizeof(extra), "%s/first.yaml", t->path);

	assert_int_equal(emb_policy_set_load(&set, files, 1, dir, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(set.n, 4);
	assert_string_equal(set.policies[0].id, "z");
	assert_string_equal(set.policies[1].id, "c");
	assert_string_equal(set.policies[2].id, "b");
	assert_string_equal(set.policies[3].id, "a");
	emb_policy_set_free(&set);
	assert_int_equal(set.n, 0);

	/* no dir, no files: an empty set */
	assert_int_equal(emb_policy_set_load(&set, NULL, 0, NULL, &d), 0);
	assert_int_equal(set.n, 0);
	emb_policy_set_free(&set);
}

static void test_set_errors(void **state)
{
	struct tmpdir *t = *state;
	struct emb_policy_set set;
	struct emb_diag d = { 0 };
	char dir[128], want[512];

	snprintf(dir, sizeof(dir), "%s/e", t->path);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "a.yaml", POLICY("same"));
	write_file(dir, "b.yaml", POLICY("same"));
	write_file(dir, "c.yaml", POLICY("other") "bogus: 1\n");

	/* every error of every file, and the set is empty */
	assert_int_equal(emb_policy_set_load(&set, NULL, 0, dir, &d), -1);
	assert_int_equal(set.n, 0);
	assert_null(set.policies);
	assert_int_equal(d.n, 2);
	snprintf(want, sizeof(want), "%s/b.yaml: duplicate policy id 'same' (also in %s/a.yaml)", dir, dir);
	assert_string_equal(d.msgs[0], want);
	snprintf(want, sizeof(want), "%s/c.yaml:8:1: unknown key 'bogus'", dir);
	assert_string_equal(d.msgs[1], want);
	emb_diag_free(&d);

	snprintf(dir, sizeof(dir), "%s/nope", t->path);
	assert_int_equal(emb_policy_set_load(&set, NULL, 0, dir, &d), -1);
	assert_int_equal(d.n, 1);
	snprintf(want, sizeof(want), "%s: cannot open policy directory: No such file or directory", dir);
	assert_string_equal(d.msgs[0], want);
	emb_diag_free(&d);
}

/* Files parsed on several threads give the very messages, in the very
 * order, of one thread: file order, each file's own sorted by place. */
static void test_set_threads_same_messages(void **state)
{
	struct tmpdir *t = *state;
	struct emb_policy_set set;
	struct emb_diag one = { 0 }, many = { 0 };
	char dir[128], name[32];

	snprintf(dir, sizeof(dir), "%s/th", t->path);
	assert_int_equal(mkdir(dir, 0700), 0);
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "p%02d.yaml", i);
		write_file(dir, name, i % 3 == 0 ? POLICY("dup") :
				      i % 3 == 1 ? POLICY("ok") "bogus: 1\nworse: 2\n" :
						   "embargo: 2\n");
	}
	emb_policy_set_parse_threads(1);
	assert_int_equal(emb_policy_set_load(&set, NULL, 0, dir, &one), -1);
	emb_policy_set_parse_threads(4);
	assert_int_equal(emb_policy_set_load(&set, NULL, 0, dir, &many), -1);
	assert_true(one.n > 12);
	assert_int_equal(many.n, one.n);
	for (size_t i = 0; i < one.n; i++)
		assert_string_equal(many.msgs[i], one.msgs[i]);
	emb_diag_free(&one);
	emb_diag_free(&many);
}

/* --- modes --------------------------------------------------------------- */

/* 2026-11-23T00:00:00Z */
#define NOW ((time_t)1795392000)

struct mode_case {
	const char *enforce, *audit; /* audit NULL: none */
	const char *host_scheme;     /* NULL: unmarked */
	int host_level;
	enum emb_mode want;
};

static const struct mode_case mode_cases[] = {
	{ "SECRET", "OFFICIAL", NULL, EMB_LEVEL_UNMARKED, EMB_MODE_OFF },
	{ "SECRET", "OFFICIAL", "uk-gsc", EMB_LEVEL_UNMARKED, EMB_MODE_OFF },
	{ "SECRET", "OFFICIAL", "uk-gsc", 0, EMB_MODE_AUDIT },
	{ "SECRET", "OFFICIAL", "uk-gsc", 1, EMB_MODE_ENFORCE },
	{ "SECRET", "OFFICIAL", "uk-gsc", 2, EMB_MODE_ENFORCE },
	{ "SECRET", NULL, "uk-gsc", 0, EMB_MODE_OFF },
	{ "SECRET", NULL, "uk-gsc", 1, EMB_MODE_ENFORCE },
	{ "TOP SECRET", "SECRET", "uk-gsc", 0, EMB_MODE_OFF },
	{ "TOP SECRET", "SECRET", "uk-gsc", 1, EMB_MODE_AUDIT },
	{ "TOP SECRET", "SECRET", "uk-gsc", 2, EMB_MODE_ENFORCE },
	{ "OFFICIAL", NULL, "uk-gsc", 0, EMB_MODE_ENFORCE },
	/* a scheme mismatch does not matter on an unmarked host */
	{ "SECRET", NULL, "us", EMB_LEVEL_UNMARKED, EMB_MODE_OFF },
};

static void load_policy(struct emb_policy *p, const char *enforce, const char *audit)
{
	struct emb_diag d = { 0 };
	char yaml[512];

	snprintf(yaml, sizeof(yaml), "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: %s\n%s%s%s" VEND, enforce,
		 audit ? "audit: " : "", audit ? audit : "", audit ? "\n" : "");
	assert_int_equal(emb_policy_parse_buf("p.yaml", yaml, strlen(yaml), p, &d), 0);
}

static void test_modes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mode_cases); i++) {
		const struct mode_case *c = &mode_cases[i];
		struct emb_host h = { .scheme = (char *)c->host_scheme, .level = c->host_level };
		struct emb_diag d = { 0 };
		struct emb_policy p;
		enum emb_mode m = 99;

		load_policy(&p, c->enforce, c->audit);
		assert_int_equal(emb_policy_mode(&p, &h, NOW, &m, &d), 0);
		if (m != c->want)
			fail_msg("row %zu: got %s, want %s", i, emb_mode_name(m), emb_mode_name(c->want));
		assert_int_equal(d.n, 0);
		emb_policy_free(&p);
	}
}

static void test_mode_mismatch(void **state)
{
	struct emb_host h = { .scheme = "us", .level = 2 };
	struct emb_diag d = { 0 };
	struct emb_policy p;
	enum emb_mode m;

	(void)state;
	load_policy(&p, "SECRET", NULL);
	assert_int_equal(emb_policy_mode(&p, &h, NOW, &m, &d), -1);
	assert_int_equal(m, EMB_MODE_OFF);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.msgs[0], "p.yaml: scheme 'uk-gsc' does not match the host's scheme 'us'");
	emb_diag_free(&d);
	emb_policy_free(&p);
}

/* enforce_from 2017-12-12 = 1513036800: audit before, enforce from it on. */
static void test_enforce_from_modes(void **state)
{
	static const char yaml[] = "embargo: 1\nid: p\nscheme: uk-gsc\nenforce: SECRET\naudit: OFFICIAL\n"
				   "enforce_from: 2017-12-12\n" VEND;
	static const struct {
		int level;
		time_t now;
		enum emb_mode want;
		time_t next;
	} cases[] = {
		{ 1, 1513036799, EMB_MODE_AUDIT, 1513036800 },
		{ 1, 1513036800, EMB_MODE_ENFORCE, 0 },
		{ 1, NOW, EMB_MODE_ENFORCE, 0 },
		{ 2, 0, EMB_MODE_AUDIT, 1513036800 },
		{ 0, 1513036799, EMB_MODE_AUDIT, 0 }, /* audit level: the date changes nothing */
		{ 0, NOW, EMB_MODE_AUDIT, 0 },
		{ EMB_LEVEL_UNMARKED, 0, EMB_MODE_OFF, 0 },
	};
	struct emb_diag d = { 0 };
	struct emb_policy p;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("p.yaml", yaml, strlen(yaml), &p, &d), 0);
	assert_int_equal(p.enforce_from, 1513036800);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct emb_host h = { .scheme = cases[i].level >= 0 ? "uk-gsc" : NULL,
				      .level = cases[i].level };
		enum emb_mode m = 99;

		assert_int_equal(emb_policy_mode(&p, &h, cases[i].now, &m, &d), 0);
		if (m != cases[i].want)
			fail_msg("row %zu: got %s, want %s", i, emb_mode_name(m), emb_mode_name(cases[i].want));
		assert_int_equal(emb_policy_next_change(&p, &h, cases[i].now), cases[i].next);
	}
	emb_policy_free(&p);
}

/* Dates: leap days, the epoch and before it (already enforcing: 0). */
static void test_good_dates(void **state)
{
	static const struct {
		const char *date;
		time_t want;
	} cases[] = {
		{ "2000-02-29", 951782400 },  { "'2017-12-12'", 1513036800 },
		{ "1970-01-01", 0 },          { "1969-12-31", 0 },
		{ "0001-01-01", 0 },          { "9999-12-31", 253402214400 },
		{ "2024-02-29", 1709164800 },
		/* A deadline at a UTC time: 2017-12-12 09:30:15 UTC. */
		{ "2017-12-12T09:30:15Z", 1513071015 },
	};
	char yaml[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct emb_diag d = { 0 };
		struct emb_policy p;

		snprintf(yaml, sizeof(yaml), HDR "enforce_from: %s\n" VEND, cases[i].date);
		if (emb_policy_parse_buf("ok.yaml", yaml, strlen(yaml), &p, &d))
			fail_msg("%s: %s", cases[i].date, d.msgs[0]);
		if (p.enforce_from != cases[i].want)
			fail_msg("%s: got %lld", cases[i].date, (long long)p.enforce_from);
		emb_policy_free(&p);
	}
}

static void test_good_paths_and_hosts(void **state)
{
	static const char yaml[] = HDR
		"vendors:\n"
		"  - name: V\n"
		"    paths:\n"
		"      - /opt/kaspersky/**\n"
		"      - '/usr/lib/kl[0-9]*/*.so'\n"
		"      - /opt/a\\*b/?\n"
		"    connect:\n"
		"      - host: downloads.upd.Example.com.\n"
		"        ports: [443]\n"
		"        proto: tcp\n"
		"      - cidr: 203.0.113.0/24\n"
		"      - host: x\n";
	struct emb_diag d = { 0 };
	struct emb_policy p;
	const struct emb_vendor *v;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("ok.yaml", yaml, strlen(yaml), &p, &d), 0);
	assert_int_equal(p.kind, EMB_POLICY_VENDOR);
	assert_int_equal(p.enforce_from, 0);
	v = &p.vendors[0];
	assert_int_equal(v->n_paths, 3);
	assert_string_equal(v->paths[0], "/opt/kaspersky/**");
	assert_string_equal(v->paths[1], "/usr/lib/kl[0-9]*/*.so");
	assert_string_equal(v->paths[2], "/opt/a\\*b/?");
	assert_int_equal(v->n_connect, 3);
	assert_string_equal(v->connect[0].host, "downloads.upd.Example.com.");
	assert_int_equal(v->connect[0].n_ports, 1);
	assert_int_equal(v->connect[0].proto_mask, EMB_PROTO_TCP);
	assert_int_equal(v->connect[0].line, 12);
	assert_null(v->connect[1].host);
	assert_int_equal(v->connect[1].cidr.prefix, 24);
	assert_string_equal(v->connect[2].host, "x");
	emb_policy_free(&p);
}

static void test_containment(void **state)
{
	static const char yaml[] = "embargo: 1\n"
				   "id: ir-contain-2026-11-23\n"
				   "title: Incident 42\n"
				   "contain:\n"
				   "  allow:\n"
				   "    - cidr: 192.0.2.10/32\n"
				   "      ports: [22, 443]\n"
				   "    - cidr: 2001:db8::/32\n"
				   "      proto: udp\n";
	static const char empty[] = "embargo: 1\nid: cut\ncontain: {allow: []}\n";
	struct emb_host unmarked = { .level = EMB_LEVEL_UNMARKED };
	struct emb_host us = { .scheme = "us", .level = 0 };
	struct emb_diag d = { 0 };
	struct emb_policy p;
	enum emb_mode m;

	(void)state;
	assert_int_equal(emb_policy_parse_buf("c.yaml", yaml, strlen(yaml), &p, &d), 0);
	assert_int_equal(p.kind, EMB_POLICY_CONTAIN);
	assert_string_equal(p.id, "ir-contain-2026-11-23");
	assert_string_equal(p.title, "Incident 42");
	assert_null(p.scheme);
	assert_int_equal(p.n_vendors, 0);
	assert_int_equal(p.n_allow, 2);
	assert_int_equal(p.allow[0].cidr.family, AF_INET);
	assert_int_equal(p.allow[0].cidr.prefix, 32);
	assert_memory_equal(p.allow[0].cidr.addr, ((uint8_t[]){ 192, 0, 2, 10 }), 4);
	assert_int_equal(p.allow[0].n_ports, 2);
	assert_int_equal(p.allow[0].ports[1].lo, 443);
	assert_int_equal(p.allow[0].proto_mask, EMB_PROTO_ANY);
	assert_null(p.allow[0].host);
	assert_int_equal(p.allow[1].cidr.family, AF_INET6);
	assert_int_equal(p.allow[1].proto_mask, EMB_PROTO_UDP);
	/* containment applies at any level, whatever the scheme */
	assert_int_equal(emb_policy_mode(&p, &unmarked, NOW, &m, &d), 0);
	assert_int_equal(m, EMB_MODE_ENFORCE);
	assert_int_equal(emb_policy_mode(&p, &us, NOW, &m, &d), 0);
	assert_int_equal(m, EMB_MODE_ENFORCE);
	assert_int_equal(emb_policy_next_change(&p, &us, NOW), 0);
	emb_policy_free(&p);

	assert_int_equal(emb_policy_parse_buf("c.yaml", empty, strlen(empty), &p, &d), 0);
	assert_int_equal(p.kind, EMB_POLICY_CONTAIN);
	assert_int_equal(p.n_allow, 0);
	emb_policy_free(&p);
	assert_int_equal(d.n, 0);
}

static void add_acme(struct emb_scheme_set *set)
{
	static const char *const levels[] = { "PUBLIC", "INTERNAL", "RESTRICTED" };

	assert_int_equal(emb_scheme_set_add(set, "acme", levels, 3), 0);
}

static void test_custom_scheme(void **state)
{
	static const char good[] = "embargo: 1\nid: p\nscheme: ACME\nenforce: restricted\naudit: Internal\n" VEND;
	static const struct bad_policy bad[] = {
		{ "embargo: 1\nid: p\nscheme: acme\nenforce: SECRET\n" VEND,
		  "bad.yaml:4:10: unknown level 'SECRET' for scheme acme" },
		{ "embargo: 1\nid: p\nscheme: acme\nenforce: INTERNAL\naudit: RESTRICTED\n" VEND,
		  "bad.yaml:5:8: audit level 'RESTRICTED' must be below enforce level 'INTERNAL'" },
		{ "embargo: 1\nid: p\nscheme: acme2\nenforce: INTERNAL\n" VEND,
		  "bad.yaml:3:9: unknown scheme 'acme2'" },
	};
	struct emb_scheme_set set = { 0 };
	struct emb_host h = { .scheme = "acme", .level = 2 };
	struct emb_diag d = { 0 };
	struct emb_policy p;
	enum emb_mode m;

	(void)state;
	add_acme(&set);
	assert_int_equal(emb_policy_parse_buf_for("ok.yaml", good, strlen(good), &set, &p, &d), 0);
	assert_string_equal(p.scheme, "acme");
	assert_int_equal(p.enforce, 2);
	assert_int_equal(p.audit, 1);
	assert_int_equal(emb_policy_mode(&p, &h, NOW, &m, &d), 0);
	assert_int_equal(m, EMB_MODE_ENFORCE);
	h.level = 1;
	assert_int_equal(emb_policy_mode(&p, &h, NOW, &m, &d), 0);
	assert_int_equal(m, EMB_MODE_AUDIT);
	emb_policy_free(&p);
	/* built-ins still resolve with custom schemes present */
	assert_int_equal(emb_policy_parse_buf_for("ok.yaml", POLICY("b"), strlen(POLICY("b")), &set, &p, &d), 0);
	assert_string_equal(p.scheme, "uk-gsc");
	emb_policy_free(&p);
	/* without the host's schemes, the custom name is unknown */
	assert_int_equal(emb_policy_parse_buf("bad.yaml", good, strlen(good), &p, &d), -1);
	assert_string_equal(d.msgs[0], "bad.yaml:3:9: unknown scheme 'ACME'");
	emb_diag_free(&d);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(emb_policy_parse_buf_for("bad.yaml", bad[i].yaml, strlen(bad[i].yaml), &set,
							  &p, &d), -1);
		assert_string_equal(d.msgs[0], bad[i].want);
		emb_diag_free(&d);
	}
	emb_scheme_set_free(&set);
}

static void test_set_load_for_host(void **state)
{
	struct tmpdir *t = *state;
	struct emb_host h = { .level = EMB_LEVEL_UNMARKED };
	struct emb_policy_set set;
	struct emb_diag d = { 0 };
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/h", t->path);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(dir, "a.yaml", "embargo: 1\nid: a\nscheme: acme\nenforce: PUBLIC\n" VEND);
	write_file(dir, "b.yaml", "embargo: 1\nid: b\ncontain:\n  allow: []\n");
	assert_int_equal(emb_policy_set_load(&set, NULL, 0, dir, &d), -1);
	assert_int_equal(d.n, 1);
	emb_diag_free(&d);
	add_acme(&h.schemes);
	assert_int_equal(emb_policy_set_load_for(&set, &h, NULL, 0, dir, &d), 0);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.policies[0].scheme, "acme");
	assert_int_equal(set.policies[1].kind, EMB_POLICY_CONTAIN);
	emb_policy_set_free(&set);
	emb_scheme_set_free(&h.schemes);
}

static void test_mode_names(void **state)
{
	(void)state;
	assert_string_equal(emb_mode_name(EMB_MODE_OFF), "off");
	assert_string_equal(emb_mode_name(EMB_MODE_AUDIT), "audit");
	assert_string_equal(emb_mode_name(EMB_MODE_ENFORCE), "enforce");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_policies),
		cmocka_unit_test(test_good_policy),
		cmocka_unit_test(test_minimal_policy),
		cmocka_unit_test(test_good_ids),
		cmocka_unit_test(test_collects_errors),
		cmocka_unit_test(test_error_limit),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test_setup_teardown(test_parse_file, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_set_load, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_set_threads_same_messages, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_set_errors, setup_dir, teardown_dir),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_mode_mismatch),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_enforce_from_modes),
		cmocka_unit_test(test_good_dates),
		cmocka_unit_test(test_good_paths_and_hosts),
		cmocka_unit_test(test_containment),
		cmocka_unit_test(test_custom_scheme),
		cmocka_unit_test_setup_teardown(test_set_load_for_host, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
