# farcall check on the programs people have: a C program that calls puts,
# printf, fputs, memcpy and strlen, built by clang-14 against Debian's
# glibc 2.36 for arm64, amd64 and riscv64, static (IFUNCs: memcpy and
# strlen go through the IPLT on arm64 and amd64), dynamic and PIE (imports
# through the PLT), linked by GNU ld, lld 19 and mold.
#   dynamic, PIE, and a shared library with TLS: check exits 0, every call checked (through the PLT to
#     its import's stub), the imports bound to stubs said;
#   static: the IFUNCs resolved (and the CPU the resolvers were told of)
#     said, every call through the IPLT arrives at its IFUNC's
#     implementation. (Calls from main into libc functions that have no
#     debug info fail for reasons of their own: check takes a function
#     without DWARF in a binary with DWARF for a linker stub. So static
#     outputs are held to their calls through the IPLT, not to exit 0.)
# Then broken on purpose (tests/tools/fc-patch plt|resolver): a PLT entry
# of puts, or an IPLT entry of memcpy, jumping to another function must fail
# exactly the calls through it, naming puts@import or memcpy's
# implementation; a resolver that never returns is a finding naming the
# IFUNC, within a bound.
. "$(dirname "$0")/lib.sh"
command -v clang-14 >/dev/null 2>&1 || skip "clang-14 is not installed"

W="$FC_TMP/check-glibc"
mkdir -p "$W"
cat >"$W/hello.c" <<'EOF'
#include <stdio.h>
#include <string.h>
char buf[64];
__attribute__((noinline)) size_t work(const char *s)
{
	memcpy(buf, s, strlen(s) + 1);
	return strlen(buf);
}
int main(int argc, char **argv)
{
	(void)argv;
	puts("hello");
	printf("%zu %d\n", work("farcall"), argc);
	fputs("done\n", stderr);
	return 0;
}
EOF
# A shared library with thread-local data (TLS relocations, left as they are).
cat >"$W/lib.c" <<'EOF'
#include <stdio.h>
#include <string.h>
char lbuf[64];
__thread int tcount;
extern __thread int tother;
__attribute__((noinline)) size_t lwork(const char *s)
{
	memcpy(lbuf, s, strlen(s) + 1);
	return strlen(lbuf);
}
int hello(void)
{
	tcount++;
	tother++;
	puts("lib");
	return (int)lwork("x") + tcount;
}
EOF

# The "caller+0xoff" of each failure line check printed for $1 in $2 that
# matches $3.
failing() {
	grep -F "$3" "$2" | sed -n "s|^$1: \([^ :]*+0x[0-9a-f]*\): .*|\1|p" | sort -u
}

# broken_plt BINARY NAME: break the entry of NAME's first call; check must
# fail exactly the calls through it, naming what they were bound to.
broken_plt() {
	bin=$1 name=$2 bad="$1.plt-$2"
	cp "$bin" "$bad"
	st=0
	"$FC_PATCH" plt "$bad" "$name" >"$bad.expect" || st=$?
	[ $st -eq 0 ] || die "fc-patch plt $bad $name exited $st"
	st=0
	"$FARCALL" check --max-report 100000 "$bad" >"$bad.check" 2>&1 || st=$?
	[ $st -eq 1 ] || { cat "$bad.check"; die "check exited $st on $bad, expected 1"; }
	reason=$(sed -n 's/^reason: //p' "$bad.expect")
	what=${reason%% reached*}
	grep -v '^reason: ' "$bad.expect" | sort -u >"$bad.want"
	failing "$bad" "$bad.check" " $what " >"$bad.got"
	diff "$bad.want" "$bad.got" ||
		{ cat "$bad.check"; die "$bad: the calls failing $what are not those through the entry"; }
	[ -s "$bad.want" ] || die "$bad: fc-patch broke no call"
	while read -r site; do
		grep "^$bad: $site: " "$bad.check" | grep -qF "$reason" ||
			{ cat "$bad.check"; die "$bad: $site does not say '$reason'"; }
	done <"$bad.want"
	echo "$bad: $(tr '\n' ' ' <"$bad.want")fail: $reason"
}

nbin=0 nneg=0
for arch in arm64 amd64 riscv64; do
	triple=$(triple_of $arch)
	# The target's glibc (libc6-dev-<arch>-cross, or the host's for amd64).
	if ! clang-14 --target=$triple -static -o "$W/probe-$arch" "$W/hello.c" >"$W/probe-$arch.log" 2>&1; then
		echo "$arch: no glibc to build against: $(tail -n 1 "$W/probe-$arch.log")"
		continue
	fi
	for ld in bfd lld-19 mold; do
		case $ld in
		bfd) lflag=-fuse-ld=bfd ;;
		lld-19) command -v ld.lld-19 >/dev/null 2>&1 || { echo "$arch: no lld-19"; continue; }
			lflag=--ld-path=$(command -v ld.lld-19) ;;
		mold) command -v mold >/dev/null 2>&1 || { echo "$arch: no mold"; continue; }
		      lflag=-fuse-ld=mold ;;
		esac
		for mode in static dyn pie; do
			case $mode in
			static) mflags="-static -fno-pie -no-pie" ;;
			dyn) mflags="-fno-pie -no-pie" ;;
			pie) mflags="-fpie -pie" ;;
			esac
			bin="$W/$arch-$mode-$ld"
			clang-14 --target=$triple -O1 -g $mflags $lflag -o "$bin" "$W/hello.c" \
				>"$bin.link" 2>&1 || { cat "$bin.link"; die "$ld cannot link the $arch $mode program"; }
			st=0
			"$FARCALL" check "$bin" >"$bin.check" 2>&1 || st=$?
			# Every correct output passes, glibc's own code included; but
			# mold 1.10.1 relaxes RISC-V code (libgcc's, here) and leaves
			# st_size as it was: overlapping function symbols, a finding.
			if [ $arch = riscv64 ] && [ $ld = mold ] && [ $mode = static ]; then
				[ $st -eq 1 ] || { cat "$bin.check"; die "check exited $st on $bin, expected 1 (mold's st_size)"; }
				sed -n "s|^$bin: \([^ ]*: \)|\1|p" "$bin.check" |
					grep -Ev "^(calls|data|lines|cfi|frames|layout|kept_relocs|callsites|ifunc|dynamic): " |
					grep -v "its symbol's size 0x[0-9a-f]* runs 0x[0-9a-f]* bytes into" &&
					die "$bin: a finding that is not mold's st_size"
				st=0
			fi
			[ $st -eq 0 ] || { cat "$bin.check"; die "check exited $st on $bin, expected 0"; }
			grep -q "^$bin: calls: [1-9][0-9]* found by disassembly, 0 failed" "$bin.check" ||
				{ cat "$bin.check"; die "$bin: no call checked, or calls failed"; }
			# No call through a PLT or IPLT entry fails.
			if grep -E "^$bin: [^ ]*\+0x[0-9a-f]*: .* to [^ ]*(@import| \(IFUNC )" "$bin.check"; then
				die "$bin: a call through the PLT or IPLT failed"
			fi
			if [ $mode = static ]; then
				if [ $arch != riscv64 ]; then
					grep -q "^$bin: ifunc: [1-9][0-9]* resolved for $arch .*; [1-9][0-9]* calls through the IPLT to [1-9][0-9]* of them: .*memcpy -> " "$bin.check" ||
						{ cat "$bin.check"; die "$bin: IFUNC resolution not said"; }
					grep "^$bin: ifunc: " "$bin.check" | grep -q "strlen -> " ||
						die "$bin: the calls to strlen are not through its IFUNC"
				fi
			else
				grep -q "^$bin: dynamic: .*, [1-9][0-9]* imports bound to stubs .* [1-9][0-9]* calls through the PLT to [1-9][0-9]* imports" "$bin.check" ||
					{ cat "$bin.check"; die "$bin: imports not said"; }
			fi
			grep -E "^$bin: (ifunc|dynamic|calls):" "$bin.check"
			nbin=$((nbin + 1))
			# Broken on purpose.
			if [ $mode != static ]; then
				broken_plt "$bin" puts
				nneg=$((nneg + 1))
			elif [ $arch != riscv64 ]; then
				broken_plt "$bin" memcpy
				nneg=$((nneg + 1))
			fi
		done
		bin="$W/$arch-lib-$ld.so"
		clang-14 --target=$triple -O1 -g -fPIC -shared $lflag -o "$bin" "$W/lib.c" \
			>"$bin.link" 2>&1 || { cat "$bin.link"; die "$ld cannot link the $arch library"; }
		st=0
		"$FARCALL" check "$bin" >"$bin.check" 2>&1 || st=$?
		[ $st -eq 0 ] || { cat "$bin.check"; die "check exited $st on $bin, expected 0"; }
		grep -q "^$bin: calls: [1-9][0-9]* found by disassembly, 0 failed" "$bin.check" ||
			{ cat "$bin.check"; die "$bin: no call checked"; }
		grep -q "^$bin: dynamic: .* imports bound to stubs .* [1-9][0-9]* TLS left as they are; [1-9][0-9]* calls through the PLT" "$bin.check" ||
			{ cat "$bin.check"; die "$bin: TLS relocations or imports not said"; }
		grep -E "^$bin: (dynamic|calls):" "$bin.check"
		nbin=$((nbin + 1))
		broken_plt "$bin" puts
		nneg=$((nneg + 1))
		if [ $arch != riscv64 ]; then
			bin="$W/$arch-static-$ld" bad="$W/$arch-static-$ld.resolver"
			cp "$bin" "$bad"
			"$FC_PATCH" resolver "$bad" strlen >"$bad.expect" || die "fc-patch resolver failed on $bin"
			st=0
			timeout 120 "$FARCALL" check "$bad" >"$bad.check" 2>&1 || st=$?
			[ $st -eq 1 ] || { cat "$bad.check"; die "check exited $st on $bad, expected 1"; }
			reason=$(sed -n 's/^reason: //p' "$bad.expect")
			grep "^$bad: " "$bad.check" | grep -qF "$reason" ||
				{ cat "$bad.check"; die "$bad: no finding says '$reason'"; }
			grep "^$bad: ifunc: " "$bad.check" | grep -q ", 1 failed;" ||
				{ cat "$bad.check"; die "$bad: the failed IFUNC is not counted"; }
			echo "$bad: $reason ... (a finding)"
			nneg=$((nneg + 1))
		fi
	done
done
[ $nbin -gt 0 ] || skip "no glibc for any arch (libc6-dev-arm64-cross, libc6-dev-riscv64-cross, libc6-dev)"
echo "$nbin binaries checked, $nneg broken on purpose and named"
