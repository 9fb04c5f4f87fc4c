# farcall check on line sequences that run past their function (issue 9):
# clang 14 for riscv64, assembling its own output, writes the rows after a
# relaxable call, and the sequence's end, as they were before the linker
# relaxed the call. caller's three calls relax by 4 bytes each, so its
# sequence ends 12 bytes into _start; check must report caller with the
# bytes, the address and _start, and must not give _start a gap that is
# caller's. fanout's eight calls take its sequence over tiny and into (or
# past) after. With every installed riscv64 linker; what check must say
# comes from binutils' readelf (the sequences as written, the
# subprograms), not from libdw as farcall reads them. A linker that does
# not relax (lld 14) leaves nothing to report.
. "$(dirname "$0")/lib.sh"
command -v clang-14 >/dev/null 2>&1 || skip "clang-14 is not installed"
command -v readelf >/dev/null 2>&1 || skip "readelf is not installed"

W="$FC_TMP/lines-overrun"
mkdir -p "$W"
cat >"$W/prog.c" <<'EOF'
int g[8] = {1, 2, 3};
int fanout(int x);
__attribute__((noinline)) int leaf(int x) { return x * 3 + g[1]; }
__attribute__((noinline)) int caller(int x) { return leaf(x) + leaf(x + 1) + leaf(x + 2); }
void _start(void)
{
	g[4] = caller(g[0]) + fanout(g[1]);
	for (;;)
		;
}
__attribute__((noinline)) int fanout(int x)
{
	return leaf(x) + leaf(x + 1) + leaf(x + 2) + leaf(x + 3) + leaf(x + 4) + leaf(x + 5) +
	       leaf(x + 6) + leaf(x + 7);
}
__attribute__((noinline)) int tiny(int x) { return x + 1; }
__attribute__((noinline)) int after(int x) { return tiny(x) - g[2]; }
EOF
# Through the .s: clang 14's integrated -c writes no R_RISCV_RELAX (so
# nothing relaxes and the table is right); assembling its .s does, as
# -save-temps or any build that assembles apart does.
T="--target=riscv64-linux-gnu -march=rv64gc"
clang-14 $T -O1 -g -ffunction-sections -S "$W/prog.c" -o "$W/prog.s" ||
	die "clang-14 cannot compile for riscv64"
clang-14 $T -c "$W/prog.s" -o "$W/prog.o" || die "clang-14 cannot assemble for riscv64"
readelf -r "$W/prog.o" | grep -q R_RISCV_RELAX || die "clang-14 wrote no R_RISCV_RELAX"

# The findings check must print for OUT: each subprogram whose sequence
# (from its low_pc, as readelf decodes the line program in order) ends past
# the start of the next subprogram after its end.
expected() {
	{
		readelf --debug-dump=info "$1" | awk '
			/^ *<[0-9]+><[0-9a-f]+>: Abbrev/ { sub_ = /DW_TAG_subprogram/; next }
			sub_ && /DW_AT_low_pc/ { print "lo", $NF }
			sub_ && /DW_AT_high_pc/ { print "len", $NF }
			sub_ && /DW_AT_name/ { print "name", $NF; sub_ = 0 }'
		readelf --debug-dump=decodedline "$1" | awk '
			$3 ~ /^0x/ { if (s == "") s = $3; if ($2 == "-") { print "seq", s, $3; s = "" } }'
	} | awk -v out="$1" '
		function hex(s,   v, i, c) {
			v = 0
			for (i = 3; i <= length(s); i++) {
				c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
				v = v * 16 + c
			}
			return v
		}
		$1 == "lo" { lo = hex($2) }
		$1 == "len" { hi = hex($2); if (hi < lo) hi += lo }
		$1 == "name" { n++; flo[n] = lo; fhi[n] = hi; fname[n] = $2 }
		$1 == "seq" { send[hex($2)] = hex($3) }
		END {
			for (i = 1; i <= n; i++) {
				if (!(flo[i] in send))
					continue
				e = send[flo[i]]
				into = ""; first = -1; over = 0
				for (j = 1; j <= n; j++)
					if (flo[j] >= fhi[i] && (first < 0 || flo[j] < first))
						first = flo[j]
				for (j = 1; j <= n; j++) {
					if (flo[j] == first)
						into = fname[j]
					if (flo[j] >= fhi[i] && flo[j] < e)
						over++
				}
				if (first < 0 || e <= first)
					continue
				more = ""
				if (over > 1)
					more = sprintf(" and %d function%s after it", over - 1,
						       over > 2 ? "s" : "")
				printf "%s: %s: its line sequence ends 0x%x bytes past its end (0x%x), into %s%s\n",
					out, fname[i], e - fhi[i], e, into, more
			}
		}' | sort
}

n=0 relaxed=0
"$FARCALL" linkers --arch riscv64 | grep -v '^go ' >"$W/linkers"
while read -r name ld rest; do
	out="$W/$name"
	"$ld" -static -nostdlib -e _start -o "$out" "$W/prog.o" >"$out.link" 2>&1 ||
		{ cat "$out.link"; die "$name cannot link the program"; }
	expected "$out" >"$out.want"
	st=0
	"$FARCALL" check "$out" >"$out.check" 2>&1 || st=$?
	cat "$out.check"
	grep ': its line sequence ends ' "$out.check" | sort >"$out.got" || true
	diff "$out.want" "$out.got" || die "$name: the overruns reported are not those readelf shows"
	if [ -s "$out.want" ]; then
		[ $st -eq 1 ] || die "$name: check exited $st with an overrun, expected 1"
		grep -qx "$out: caller: its line sequence ends 0xc bytes past its end (0x[0-9a-f]*), into _start" \
			"$out.want" || die "$name: caller's sequence does not run 12 bytes into _start"
		relaxed=$((relaxed + 1))
	else
		[ $st -eq 0 ] || die "$name: check exited $st with nothing to report, expected 0"
	fi
	# Nobody else is blamed: every function's own rows cover it.
	if grep 'have no line row' "$out.check"; then
		die "$name: a function is blamed for a gap"
	fi
	# (Not all 6 functions with mold 1.10: the sizes of its relaxed
	# functions' symbols run past the code, a finding of its own.)
	grep -q "^$out: lines: [0-9]* functions with debug info, 100.00%.* 0 with gaps" "$out.check" ||
		die "$name: lines not all covered"
	n=$((n + 1))
done <"$W/linkers"
[ $n -gt 0 ] || skip "no riscv64 linker is installed"
[ $relaxed -gt 0 ] || skip "no installed riscv64 linker relaxes (lld 14 does not)"
echo "$n outputs checked, $relaxed relaxed"
