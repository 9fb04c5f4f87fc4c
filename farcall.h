/* Subcommand entry points: int cmd_NAME(int argc, char **argv), returning
 * the process exit status (0 ok, 1 findings, 2 usage or environment). */
#ifndef FARCALL_H
#define FARCALL_H

int cmd_gen(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_emu(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_linkers(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
