/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* oneopt.h - the parser of a command with one "--NAME VALUE" option and
 * --help (sign, keygen), errors named "PROG: ...". */
#ifndef EMBARGO_ONEOPT_H
#define EMBARGO_ONEOPT_H

/*
 * --NAME VALUE (or -N VALUE, N the first letter of name) sets *val; leaves
 * optind at the first operand. 0, 1 for --help, -1 on a usage error
 * (printed).
 */
int emb_one_option(int argc, char **argv, const char *prog, const char *name, const char **val);

#endif
