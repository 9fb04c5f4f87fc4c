#!/bin/sh
# Real programs nobody here wrote, for the tests of `farcall check`
# (tests/e2e/check-real*.sh): built from Debian's source packages for
# arm64, riscv64 and amd64 by clang 14, linked by GNU ld, lld 19 and mold,
# static and dynamic, with a 200 MiB padding object between the two halves
# of each program's objects, so that on arm64 the calls from one half to the
# other need thunks.
#
#   scripts/fixtures.sh [--arch LIST] [--prog LIST]
#
# Prints its progress on stderr and, on stdout, one line: the path of the
# index of what it built, one variant a line, tab-separated:
#   prog version arch linker link status output log
# status is "ok", "link-failed" (the linker's messages are in log) or
# "no-linker". The same arguments give the same index.
#
# The programs (PROGS below):
#   lua    lua5.4's interpreter (C): lua.c and the library, as Debian's
#          src/Makefile builds them for linux, without readline
#   json   libjsoncpp's test suite, jsoncpp_test (C++: exceptions thrown and
#          caught by its checks, virtual calls through its test cases and
#          Json::CharReader/StreamWriter, the C++ runtime): its
#          src/test_lib_json (main.cpp, jsontest.cpp, fuzz.cpp, as its
#          CMakeLists.txt builds it) and src/lib_json
#
# The cache (FARCALL_CACHE, default ~/.cache/farcall/fixtures) holds
#   src/       the Debian source packages as fetched (.dsc, tarballs) and
#              unpacked by dpkg-source -x (Debian's patches applied)
#   obj/PKG_VERSION/ARCH-KEY/   the objects of one compile: KEY hashes the
#              compiler's version, the flags and the recipe; the padding
#              object zpad.o (sparse: 200 MiB of zeros on a few KiB of disk)
#   .../link/LINKER-LINK        each output (its padding made a hole again
#              with fallocate --dig-holes), its log and its key (the
#              linker's version and the command)
# Nothing is rebuilt while its key stands; a cold build takes a few
# minutes (two compile jobs, FARCALL_JOBS), a warm one seconds.
#
# The sources come from Debian's archive through apt-get with a private
# configuration in the cache (its own sources.list with the deb-src line,
# lists and package cache): the machine's apt configuration and state are
# not changed. FARCALL_DEBIAN_MIRROR and FARCALL_DEBIAN_SUITE choose another
# mirror or suite (default http://deb.debian.org/debian bookworm). Exit 3
# when the sources cannot be fetched (no network and nothing cached), 2 on
# other errors (a compile that fails, a missing compiler).
set -eu

CACHE=${FARCALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/farcall/fixtures}
JOBS=${FARCALL_JOBS:-2}
MIRROR=${FARCALL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${FARCALL_DEBIAN_SUITE:-bookworm}
PAD_MIB=200
ARCHES="arm64 riscv64 amd64"
PROGS="lua json"
LINKERS="bfd lld-19 mold"
LINKS="static dynamic"
# Bump when a recipe below changes: the objects' keys include it.
RECIPE=1

say() { echo "fixtures: $*" >&2; }
fail() { say "$*"; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCHES=$(echo "$2" | tr , ' '); shift 2 ;;
	--prog) PROGS=$(echo "$2" | tr , ' '); shift 2 ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) fail "unknown argument $1 (see --help)" ;;
	esac
done

triple() {
	case $1 in
	arm64) echo aarch64-linux-gnu ;;
	riscv64) echo riscv64-linux-gnu ;;
	amd64) echo x86_64-linux-gnu ;;
	*) fail "unknown arch $1" ;;
	esac
}

# Each program's source package, its compiler driver, and two symbols that
# must lie on either side of the padding (one of the first half, one of
# the second).
prog_pkg() { case $1 in lua) echo lua5.4 ;; json) echo libjsoncpp ;; *) fail "unknown program $1" ;; esac; }
prog_cc() { case $1 in lua) echo clang-14 ;; json) echo clang++-14 ;; esac; }
prog_marks() {
	case $1 in
	lua) echo "main luaV_execute" ;;
	json) echo "main _ZN4Json6Reader5parseEPKcS2_RNS_5ValueEb" ;;
	esac
}

# prog_units PROG SRCDIR: "source object" lines, one per translation unit,
# in link order; a line "--" marks where the padding goes.
prog_units() {
	case $1 in
	lua)
		# lua.c and the library (luac.c is the other program); the
		# first half: lua.c and lapi.c..lmathlib.c, the second the rest.
		echo "$2/src/lua.c lua.o"
		for f in "$2"/src/l*.c; do
			b=$(basename "$f" .c)
			case $b in lua|luac) continue ;; esac
			[ "$b" = lmem ] && echo "--"
			echo "$f $b.o"
		done
		;;
	json)
		# The tests first, then the library they call across the padding.
		echo "$2/src/test_lib_json/main.cpp test-main.o"
		echo "$2/src/test_lib_json/jsontest.cpp test-jsontest.o"
		echo "$2/src/test_lib_json/fuzz.cpp test-fuzz.o"
		echo "--"
		for b in json_reader json_value json_writer; do
			echo "$2/src/lib_json/$b.cpp $b.o"
		done
		;;
	esac
}
prog_flags() {
	case $1 in
	lua) echo "-std=gnu99 -DLUA_COMPAT_5_3 -DLUA_USE_LINUX -I." ;;
	json) echo "-I$2/include" ;;
	esac
}
prog_libs() { case $1 in lua) echo "-lm" ;; json) echo "" ;; esac; }
# What a program needs in its object directory before compiling.
prog_prepare() {
	case $1 in
	lua)
		# Debian's rules write this header (DEB_HOST_MULTIARCH).
		printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
			"$(triple "$2")" >"$3/lua5.4-deb-multiarch.h"
		;;
	esac
}
CFLAGS_ALL="-O2 -g -ffunction-sections"

linker_path() {
	case $1 in
	bfd) command -v "$(triple "$2")-ld.bfd" || true ;;
	lld-19) command -v ld.lld-19 || true ;;
	mold) command -v mold || true ;;
	esac
}

hash8() { sha256sum | cut -c1-12; }

mkdir -p "$CACHE"
# One build at a time in a cache.
if command -v flock >/dev/null 2>&1 && [ -z "${FARCALL_FIXTURES_LOCKED:-}" ]; then
	export FARCALL_FIXTURES_LOCKED=1
	exec flock "$CACHE/.lock" "$0" "$@" --arch "$(echo $ARCHES | tr ' ' ,)" --prog "$(echo $PROGS | tr ' ' ,)"
fi
START=$(date +%s)

for c in clang-14 clang++-14 dpkg-source apt-get; do
	command -v $c >/dev/null 2>&1 || fail "$c is not installed (scripts/deps.sh installs it)"
done

# --- Sources: apt-get with a private configuration in the cache ---------
APTDIR="$CACHE/apt"
apt_private() {
	o="-o Dir::Etc::SourceList=$APTDIR/sources.list -o Dir::Etc::SourceParts=/nonexistent"
	o="$o -o Dir::State::Lists=$APTDIR/lists -o Dir::Cache=$APTDIR/cache"
	o="$o -o Dir::Cache::srcpkgcache= -o Dir::Cache::pkgcache="
	[ "$(id -u)" = 0 ] && o="$o -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	apt-get -q $o "$@"
}
UPDATED=
apt_update() {
	[ -n "$UPDATED" ] && return 0
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	kr=/usr/share/keyrings/debian-archive-keyring.gpg
	opt=
	[ -f $kr ] && opt="[signed-by=$kr] "
	echo "deb-src $opt$MIRROR $SUITE main" >"$APTDIR/sources.list"
	say "apt-get update (private: $APTDIR/sources.list, not the machine's)"
	if ! apt_private update >"$APTDIR/update.log" 2>&1; then
		tail -n 5 "$APTDIR/update.log" >&2
		say "cannot fetch Debian's source index from $MIRROR (no network?)"
		exit 3
	fi
	UPDATED=1
}
# fetch PKG: sets SRC (the unpacked tree) and VERSION, fetching once.
fetch() {
	stamp="$CACHE/src/$1.unpacked"
	if [ -f "$stamp" ]; then
		read -r VERSION SRC <"$stamp"
		[ -d "$SRC" ] && return 0
	fi
	apt_update
	dl="$CACHE/src/$1.dl"
	rm -rf "$dl"
	mkdir -p "$dl"
	say "fetching the source package $1"
	if ! (cd "$dl" && apt_private source --download-only "$1") >"$dl.log" 2>&1; then
		tail -n 5 "$dl.log" >&2
		say "cannot fetch the source package $1"
		exit 3
	fi
	dsc=$(ls "$dl"/*.dsc | head -n 1)
	VERSION=$(sed -n 's/^Version: //p' "$dsc")
	SRC="$CACHE/src/$1-$VERSION"
	rm -rf "$SRC"
	dpkg-source -x "$dsc" "$SRC" >>"$dl.log" 2>&1 || { tail -n 5 "$dl.log" >&2; fail "dpkg-source -x $dsc failed"; }
	echo "$VERSION $SRC" >"$stamp.tmp"
	mv "$stamp.tmp" "$stamp"
}

# --- Objects: once per (source version, arch, compiler, flags, recipe) --
# compile PROG ARCH: sets OBJ (the directory), FIRST and SECOND (the
# objects of each half, in order).
compile() {
	prog=$1 arch=$2 t=$(triple "$2") cc=$(prog_cc "$1")
	flags="--target=$t $CFLAGS_ALL $(prog_flags "$prog" "$SRC")"
	units=$(prog_units "$prog" "$SRC")
	key=$( { echo "$RECIPE $PKG $VERSION $arch $PAD_MIB"; $cc --version | head -n 1
		 echo "$flags"; echo "$units"; } | hash8)
	OBJ="$CACHE/obj/${PKG}_$VERSION/$arch-$key"
	FIRST= SECOND= half=1
	for o in $(echo "$units" | awk '{ print $1 == "--" ? "--" : $2 }'); do
		if [ "$o" = "--" ]; then half=2; continue; fi
		[ $half = 1 ] && FIRST="$FIRST $o" || SECOND="$SECOND $o"
	done
	[ -f "$OBJ/done" ] && return 0
	n=$(echo "$units" | grep -vc '^--$')
	say "$PKG $VERSION: compiling $n files for $arch with $cc ($CFLAGS_ALL), $JOBS at a time"
	tmp="$OBJ.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	prog_prepare "$prog" "$arch" "$tmp"
	echo "$units" | grep -v '^--$' | (cd "$tmp" &&
		xargs -P "$JOBS" -L 1 sh -c '"$0" '"$flags"' -c "$1" -o "$2" 2>"$2.log" || { cat "$2.log" >&2; exit 255; }; rm -f "$2.log"' "$cc") ||
		fail "compiling $PKG for $arch failed"
	# The padding: a section of zeros the linkers place between the
	# halves by input order; made sparse, it takes no disk.
	printf '\t.section .text.zpad,"ax",%%progbits\n\t.p2align 4\n\t.zero %d*1024*1024\n\t.section .note.GNU-stack,"",%%progbits\n' \
		$PAD_MIB >"$tmp/zpad.s"
	clang-14 --target="$t" -c "$tmp/zpad.s" -o "$tmp/zpad.full.o" || fail "cannot assemble the padding for $arch"
	cp --sparse=always "$tmp/zpad.full.o" "$tmp/zpad.o"
	rm -f "$tmp/zpad.full.o"
	echo "$flags" >"$tmp/flags"
	touch "$tmp/done"
	rm -rf "$OBJ"
	mv "$tmp" "$OBJ"
	# What older versions, flags or recipes left for this arch goes.
	for d in "$CACHE/obj/${PKG}_"*/"$arch"-*; do
		[ -d "$d" ] && [ "$d" != "$OBJ" ] && case $d in *.tmp.*) ;; *) rm -rf "$d" ;; esac
	done
	rmdir "$CACHE/obj/${PKG}_"* 2>/dev/null || true
}

# --- Outputs: each variant, linked once per linker version ---------------
# link PROG ARCH LINKER LINK: appends its row to the index.
link() {
	prog=$1 arch=$2 ln=$3 mode=$4 t=$(triple "$2") cc=$(prog_cc "$1")
	ld=$(linker_path "$ln" "$arch")
	dir="$OBJ/link"
	out="$dir/$ln-$mode"
	if [ -z "$ld" ]; then
		printf '%s\t%s\t%s\t%s\t%s\tno-linker\t%s\t-\n' "$prog" "$VERSION" "$arch" "$ln" "$mode" "$out" >>"$INDEX"
		return 0
	fi
	st=
	[ $mode = static ] && st=-static
	# shellcheck disable=SC2086
	cmd="$cc --target=$t --ld-path=$ld $st -o $out $FIRST zpad.o $SECOND $(prog_libs "$prog")"
	key=$( { "$ld" --version 2>&1 | head -n 1; echo "$cmd"; } | hash8)
	if [ ! -f "$out.status" ] || [ "$(cat "$out.key" 2>/dev/null)" != "$key" ]; then
		mkdir -p "$dir"
		rm -f "$out" "$out.status"
		status=ok
		echo "$cmd" >"$out.log"
		if ! (cd "$OBJ" && $cmd) >>"$out.log" 2>&1; then
			status=link-failed
			rm -f "$out"
		else
			# The padding lies between the halves.
			set -- $(prog_marks "$prog")
			a=$(nm "$out" | awk -v s="$1" '$3 == s { print $1; exit }')
			b=$(nm "$out" | awk -v s="$2" '$3 == s { print $1; exit }')
			[ -n "$a" ] && [ -n "$b" ] || fail "$out: no symbol $1 or $2"
			gap=$(( 0x$b - 0x$a ))
			[ $gap -ge $((PAD_MIB * 1024 * 1024)) ] ||
				fail "$out: $2 is 0x$b, $1 0x$a: the padding is not between them"
			command -v fallocate >/dev/null 2>&1 && fallocate --dig-holes "$out" 2>/dev/null || true
		fi
		echo "$key" >"$out.key"
		echo "$status" >"$out.status"
		say "$prog $arch $ln $mode: $status"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$prog" "$VERSION" "$arch" "$ln" "$mode" \
		"$(cat "$out.status")" "$out" "$out.log" >>"$INDEX"
}

INDEX_KEY=$(echo "$ARCHES / $PROGS" | hash8)
INDEX="$CACHE/index-$INDEX_KEY.tsv.tmp"
: >"$INDEX"
for prog in $PROGS; do
	PKG=$(prog_pkg "$prog")
	fetch "$PKG"
	for arch in $ARCHES; do
		compile "$prog" "$arch"
		for ln in $LINKERS; do
			for mode in $LINKS; do
				link "$prog" "$arch" "$ln" "$mode"
			done
		done
	done
done
# The lists were needed to fetch; the sources stay.
[ -n "$UPDATED" ] && rm -rf "$APTDIR/lists" "$APTDIR/cache"
mv "$INDEX" "${INDEX%.tmp}"
say "$(wc -l <"${INDEX%.tmp}") variants in $(( $(date +%s) - START )) s; cache $(du -sh "$CACHE" | cut -f1) on disk ($CACHE)"
echo "${INDEX%.tmp}"
