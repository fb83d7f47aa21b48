#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/deps-test.sh - TAP: the server targets (module, userspace, install)
# never pull in the VM stack, `make module` without headers says which
# package to install, and tools/deps.sh without apt checks instead of
# failing on apt-get.  Run by `make tools-test` (part of `make check`).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
n=0 fail=0
ok() {	# STATUS TEXT
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
# The dependency groups a make invocation would install (from make -n).
groups_of() {
	make -n -C "$TOP" --no-print-directory "$@" 2>/dev/null |
		sed -n 's|.*tools/deps.sh \([a-z]*\).*|\1|p' | sort -u | tr '\n' ' '
}
echo "1..7"
g=$(groups_of module userspace install KDIR=/nonexistent)
[ "$g" = "build " ]
ok $? "make module userspace install installs only the build group (got: ${g:-nothing})"
g=$(groups_of module-vm demo)
case " $g" in *" vm "*) st=0 ;; *) st=1 ;; esac
ok $st "the VM targets do pull in the vm group (the check can see it; got: $g)"
pk=$("$TOP/tools/deps.sh" --list build | tr '\n' ' ')
case " $pk" in
*" qemu-system-x86 "*|*" linux-image-amd64 "*|*" linux-headers-amd64 "*) st=1 ;;
*) st=0 ;;
esac
ok $st "the build group has no VM or kernel package ($pk)"
out=$(make -C "$TOP" --no-print-directory DEPS=true module KDIR=/nonexistent 2>&1)
st=$?
[ $st -ne 0 ] && grep -q "linux-headers-" <<<"$out" && grep -q "kernel-devel-" <<<"$out"
ok $? "make module without headers fails and names the headers package"
out=$(NC_DEPS_NO_APT=1 "$TOP/tools/deps.sh" build 2>&1)
st=$?
[ $st -eq 0 ] && grep -q "no apt: checked, nothing installed" <<<"$out" && ! grep -q installing <<<"$out"
ok $? "deps.sh without apt checks the build tools instead of calling apt-get ($out)"
out=$(NC_DEPS_NO_APT=1 CC=/nonexistent/cc "$TOP/tools/deps.sh" build 2>&1)
st=$?
[ $st -eq 1 ] && grep -q "MISSING.*<numa.h>" <<<"$out"
ok $? "deps.sh without apt names what is missing and fails"
make -n -C "$TOP" --no-print-directory module userspace install KDIR=/nonexistent 2>/dev/null |
	grep -q "apt-get"
[ $? -ne 0 ]
ok $? "no apt-get in the server targets' recipes"
exit $fail
