/* The emulator is untrusted too.
 *
 * Unicorn runs bytes that a broken linker wrote or that nobody vetted, and
 * some shapes abort it (QEMU's "tcg fatal error" is an abort()), crash it in
 * translated code, or keep it translating. farcall runs the commands that
 * emulate (emu, verify, check, run) in a child process; each emulation
 * loop says what it is about to run (a unit: a function whose CFI is run,
 * a block a site runs through, an IFUNC resolver) in memory shared with the
 * parent. When the child dies of a signal inside a unit, or a unit makes no
 * progress for FARCALL_STALL_SECONDS (default 60), the parent runs the
 * command again with that unit left out: the retry reports it as a finding
 * ("the emulator aborted (SIGABRT) while running ...") and everything else
 * as usual. A crash outside emulation is farcall's own bug and is not
 * retried. FARCALL_NO_GUARD=1 runs in one process (for a debugger). */
#ifndef FC_GUARD_H
#define FC_GUARD_H

#include <stdbool.h>
#include <stdint.h>

enum fc_guard_kind {
	FC_GUARD_NONE,
	FC_GUARD_FUNC,  /* a function run from its entry (CFI) */
	FC_GUARD_BLOCK, /* a block a site's run goes through, or starts at */
	FC_GUARD_SEQ,   /* an address sequence run on its own */
	FC_GUARD_IFUNC, /* an IFUNC resolver */
	FC_GUARD_PLT,   /* a PLT entry run to its import */
	FC_GUARD_TRACE, /* a failed site run again to print its path */
};

/* Run cmd(argc, argv) guarded as above; `buffer` holds its standard output
 * until it completes (a retry prints one report, not two). Returns its exit
 * status. */
int fc_guard_run(int (*cmd)(int, char **), int argc, char **argv, bool buffer);

/* This thread's slot (0 for the main thread; threads of a check take 1..). */
void fc_guard_thread(unsigned slot);

/* About to emulate `addr` of kind `k` in the image of `path`. Returns NULL,
 * or when that unit killed an earlier attempt, what happened ("aborted
 * (SIGABRT)", "made no progress for 60 s"): the caller records a finding
 * and does not run it. */
const char *fc_guard_enter(const char *path, enum fc_guard_kind k, uint64_t addr);
/* Emulation of the unit is over. */
void fc_guard_leave(void);

/* Tests: FARCALL_TEST_CRASH=ADDR:abort|segv|hang makes the emulation hooks
 * do that when they reach ADDR, as a Unicorn that dies on those bytes
 * would. */
extern uint64_t fc_guard_crash_at;
void fc_guard_crash(void);
static inline void fc_guard_at(uint64_t pc)
{
	if (__builtin_expect(fc_guard_crash_at != 0, 0) && pc == fc_guard_crash_at)
		fc_guard_crash();
}

#endif
