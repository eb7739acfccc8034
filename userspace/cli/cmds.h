/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* cmds.h - one entry point per subcommand (userspace/cmd_NAME.c). Each takes
 * argv with argv[0] = the subcommand's name and returns the exit code. */
#ifndef EMBARGO_CMDS_H
#define EMBARGO_CMDS_H

int cmd_run(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_contain(int argc, char **argv);
int cmd_release(int argc, char **argv);
int cmd_ban(int argc, char **argv);
int cmd_unban(int argc, char **argv);

#endif
