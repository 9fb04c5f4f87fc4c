# The CFI run on what real programs do with the calls it steps over and
# the memory it runs them on (verify/cfi.c). A freestanding C program for
# arm64, riscv64 and amd64, a PIE (mapped at 0 for the run), whose
# functions store
#   - through a global a constructor would have set (0: in a PIE at 0 the
#     ELF header, whose program headers libdw finds .eh_frame by),
#   - through the pointer a callee returns (left as the call's argument,
#     that was the caller's own frame),
#   - through a buffer pointer a callee would have initialised in the
#     caller's frame (luaL_buffinit; an earlier function left a pointer to
#     the frame there),
# none of which may pass for the CFI's fault: every function checked, none
# without its FDE, none failed. And glibc's clone3 on amd64, which ends its
# FDE before the system call on purpose: a note under its name, a failure
# under any other.
. "$(dirname "$0")/lib.sh"
command -v clang-14 >/dev/null 2>&1 || skip "clang-14 is not installed"
command -v ld.lld >/dev/null 2>&1 || skip "ld.lld is not installed"
W="$FC_TMP/cfi-stepped"
mkdir -p "$W"
cat >"$W/stepped.c" <<'EOF'
struct obj { long v[48]; };
struct buf { char *b; unsigned long n; char init[40]; };
static struct obj pool[4];
struct obj *global_obj; /* 0 until set_up runs */
static const char msg[] = "stepped-over callees leave memory as it was";

__attribute__((noinline)) void use(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

__attribute__((noinline)) void fill_global(long x)
{
	struct obj *o = global_obj;
	for (int i = 0; i < 48; i++)
		o->v[i] = x + i;
	use(o);
}

__attribute__((noinline)) void set_up(void) { global_obj = &pool[0]; }

__attribute__((noinline)) char *grow(struct buf *b, unsigned long n)
{
	use(b);
	return (char *)&pool[1] + n;
}

__attribute__((noinline)) void build(void)
{
	struct buf b;
	char *p = grow(&b, 8);
	for (int i = 0; i < 160; i++)
		p[i] = msg[i % 40];
	use(&b);
}

__attribute__((noinline)) void leave(void)
{
	struct buf a;
	a.b = (char *)(&a + 1);
	a.n = 0;
	use(&a);
}

__attribute__((noinline)) void buf_init(struct buf *b)
{
	b->b = b->init;
	b->n = 0;
}

__attribute__((noinline)) void fill(void)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 40; i++)
		b.b[b.n++] = msg[i];
	use(&b);
}

#ifdef GAP
#define S(x) #x
#define STR(x) S(x)
__asm__(".text\n.globl " STR(GAP) "\n.type " STR(GAP) ",@function\n" STR(GAP) ":\n"
	".cfi_startproc\n\tmov $435, %eax\n.cfi_endproc\n\tsyscall\n\tret\n"
	".size " STR(GAP) ", .-" STR(GAP) "\n");
#endif

void _start(void)
{
	fill_global(1);
	set_up();
	build();
	leave();
	fill();
	__builtin_trap();
}
EOF
cc() { # arch out [flags]
	a=$1 out=$2
	shift 2
	clang-14 --target="$a-linux-gnu" -O2 -g -fPIE -pie -nostdlib -ffreestanding \
		-fasynchronous-unwind-tables -fuse-ld=lld -Wl,--eh-frame-hdr "$@" -o "$out" \
		"$W/stepped.c" || die "clang-14 cannot build for $a"
}
for a in aarch64 riscv64 x86_64; do
	b="$W/pie-$a"
	cc $a "$b"
	st=0
	"$FARCALL" check --max-report 100 "$b" >"$b.check" 2>&1 || st=$?
	grep ': cfi: [0-9]' "$b.check"
	[ $st -eq 0 ] || { cat "$b.check"; die "check exited $st on $a, expected 0"; }
	grep -Eq ": cfi: 9 functions, 0 failed, [0-9]+ instructions compared(;|\$)" "$b.check" ||
		die "$a: not every function checked and passed"
	if grep -q 'without an FDE' "$b.check"; then
		grep -q '; 0 without an FDE' "$b.check" || die "$a: functions lost their FDE"
	fi
done

# clone3's gap by design, and the same gap in a function of another name.
b="$W/clone3"
cc x86_64 "$b" -DGAP=__clone3
st=0
"$FARCALL" check "$b" >"$b.check" 2>&1 || st=$?
grep ': cfi: [0-9]' "$b.check"
[ $st -eq 0 ] || { cat "$b.check"; die "check exited $st on __clone3's gap, expected 0"; }
grep -q "^note: $b: __clone3: at __clone3+0x5 .*: no CFI covers this instruction" "$b.check" ||
	{ cat "$b.check"; die "__clone3's gap is not a note"; }
b="$W/gap"
cc x86_64 "$b" -DGAP=gap
st=0
"$FARCALL" check "$b" >"$b.check" 2>&1 || st=$?
grep ': cfi: [0-9]' "$b.check"
[ $st -eq 1 ] || { cat "$b.check"; die "check exited $st on a gap in the CFI, expected 1"; }
grep -q "^$b: gap: at gap+0x5 .*: no CFI covers this instruction" "$b.check" ||
	{ cat "$b.check"; die "the gap is not a failure"; }
grep -q ": cfi: 10 functions, 1 failed" "$b.check" || die "not exactly the gap failed"
echo "the CFI run: stores through what stepped-over calls left, and clone3's gap, as they must be"
