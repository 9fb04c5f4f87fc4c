# A check that cannot fail is a defect: break one thunk of each linker's
# output on purpose (fc-patch sp: see tests/tools/fc-patch.c) and require
# that farcall emu fails exactly the sites that go through it, for that reason.
. "$(dirname "$0")/lib.sh"
break_thunks sp
