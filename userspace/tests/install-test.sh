#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Install libclaims into a scratch prefix and build a consumer the way a
# domain builder would (and the installed example builder, examples/):
# pkg-config, <claims.h>, the installed
# <linux/numaclaims.h> (under include/numaclaims/, never the distribution's
# include/linux/), shared and static.  Checks the symbol versions, when
# ldconfig runs, the man pages (one for every exported symbol, found by
# man), the bash completion and the modprobe.d example, and that uninstall
# leaves no file behind.  TAP output.
#
# usage: install-test.sh MAKE SRCDIR O
set -u
MAKE=${1:-make}
SRCDIR=${2:-userspace}
O=${3:-build/userspace}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"

cat >"$tmp/consumer.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <claims.h>

int main(void)
{
	struct claims_handle *h;
	int ret = claims_open_handle("/nonexistent/numaclaims", &h);

	if (ret != -ENOENT || h) {
		fprintf(stderr, "claims_open_handle: %d\n", ret);
		return 1;
	}
	printf("uapi %d, target host %#x\n", NUMACLAIMS_API_VERSION,
	       NUMACLAIMS_TARGET_HOST);
	printf("%s\n", claims_strerror(ret));
	return 0;
}
C

t "make install PREFIX=scratch" \
	"$MAKE" -s -f "$SRCDIR/Makefile" O="$O" PREFIX="$prefix" install
t "installed files" test -x "$prefix/bin/claimctl" -a \
	-f "$prefix/lib/libclaims.so.1" -a -L "$prefix/lib/libclaims.so" -a \
	-f "$prefix/lib/libclaims.a" -a -f "$prefix/include/numaclaims/claims.h" -a \
	-f "$prefix/include/numaclaims/linux/numaclaims.h" -a \
	-f "$prefix/lib/pkgconfig/libclaims.pc"
t "nothing in the distribution's include/linux/ or include/" \
	bash -c "[ ! -e '$prefix/include/linux' ] && [ \"\$(ls '$prefix/include')\" = numaclaims ]"
t "installed uapi header is the repo's" \
	cmp "$prefix/include/numaclaims/linux/numaclaims.h" "$SRCDIR/../uapi/linux/numaclaims.h"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
t "pkg-config knows libclaims 1.3.0" \
	bash -c '[ "$(pkg-config --modversion libclaims)" = 1.3.0 ]'
t "pkg-config Cflags is the library's own include directory" \
	bash -c "[ \"\$(echo \$(pkg-config --cflags libclaims))\" = '-I$prefix/include/numaclaims' ]"
t "pkg-config prefix" \
	bash -c "[ \"\$(pkg-config --variable=prefix libclaims)\" = '$prefix' ]"
t "pkg-config --static adds -lnuma" \
	bash -c 'pkg-config --static --libs libclaims | grep -q -- -lnuma'
t "consumer builds against the installed shared library" \
	bash -c "$CC -Wall -Werror -o '$tmp/consumer' '$tmp/consumer.c' \$(pkg-config --cflags --libs libclaims)"
t "consumer runs" env LD_LIBRARY_PATH="$prefix/lib" "$tmp/consumer"
t "consumer's claims_strerror says the module is not loaded" \
	bash -c "LD_LIBRARY_PATH='$prefix/lib' '$tmp/consumer' | grep -qx 'the numaclaims module is not loaded (no /dev/numaclaims): modprobe numaclaims'"
t "consumer builds statically" \
	bash -c "$CC -Wall -Werror -static -o '$tmp/consumer-static' '$tmp/consumer.c' \$(pkg-config --static --cflags --libs libclaims)"
t "static consumer runs" "$tmp/consumer-static"
t "soname is libclaims.so.1" \
	bash -c "readelf -d '$prefix/lib/libclaims.so.1' | grep -q 'SONAME.*\\[libclaims.so.1\\]'"
t "every exported symbol is versioned LIBCLAIMS_1.0 .. 1.8" \
	bash -c "syms=\$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | awk '\$2 == \"T\" {print \$3}'); [ -n \"\$syms\" ] && ! echo \"\$syms\" | grep -Ev '@@?LIBCLAIMS_1\.[012345678]\$'"
t "the domain memory calls are LIBCLAIMS_1.1" \
	bash -c "nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_domain_map@@LIBCLAIMS_1.1\$'"
t "only claims_* symbols are exported" \
	bash -c "! nm -D --defined-only '$prefix/lib/libclaims.so.1' | awk '\$2 == \"T\" {print \$3}' | grep -v '^claims_'"
t "consumer binds the versioned symbol" \
	bash -c "nm -D '$tmp/consumer' | grep -q 'claims_open_handle@LIBCLAIMS_1.0'"
t "claims_strerror is LIBCLAIMS_1.2" \
	bash -c "nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_strerror@@LIBCLAIMS_1.2\$'"
t "the planner calls are LIBCLAIMS_1.3" \
	bash -c "[ \$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -cE ' claims_(plan_compute|plan_topology_read|plan|build_claim)@@LIBCLAIMS_1.3\$') = 4 ]"
t "the cores, NUMA metrics and like calls are LIBCLAIMS_1.4" \
	bash -c "[ \$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -cE ' claims_(plan_compute_cores|node_cores|domain_numa|plan_like|build_like)@@LIBCLAIMS_1.4\$') = 5 ]"
t "the parsers, the claim diagnosis and the domain list are LIBCLAIMS_1.5" \
	bash -c "[ \$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -cE ' claims_(parse_size|parse_claims|claim_diagnose|domain_list)@@?LIBCLAIMS_1.5\$') = 4 ]"
t "superpages: claims_plan_topology_read_flags and the grown structures' calls are LIBCLAIMS_1.6" \
	bash -c "[ \$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -cE ' claims_(plan_topology_read_flags|domain_getinfo|domain_getinfo_next|domain_list)@@LIBCLAIMS_1.6\$') = 4 ] &&
		 nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_physinfo@LIBCLAIMS_1.6\$'"
t "claims_domain_give is LIBCLAIMS_1.7" \
	bash -c "nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_domain_give@@LIBCLAIMS_1.7\$'"
t "the pool resize calls and claims_physinfo (growable_pages) are LIBCLAIMS_1.8" \
	bash -c "nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_pool_resize@@LIBCLAIMS_1.8\$' &&
		 nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_physinfo@@LIBCLAIMS_1.8\$' &&
		 nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_pool_resize_set@@LIBCLAIMS_1.8\$' &&
		 nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -q ' claims_pool_capacity@@LIBCLAIMS_1.8\$'"
t "the udev rule is installed under the scratch prefix, and is the one of packaging/udev" \
	cmp "$SRCDIR/../packaging/udev/60-numaclaims.rules" "$prefix/lib/udev/rules.d/60-numaclaims.rules"
for pre in /usr:/usr/lib/udev/rules.d /usr/local:/etc/udev/rules.d; do
	t "PREFIX=${pre%%:*} installs the udev rule where udev reads it (${pre#*:}), and creates the numaclaims group on a live install only" \
		bash -c "out=\$('$MAKE' -n -s -f '$SRCDIR/Makefile' O='$O' PREFIX=${pre%%:*} install) && echo \"\$out\" | grep -q \"[[:space:]]${pre#*:}/60-numaclaims.rules\$\" && echo \"\$out\" | grep -q 'groupadd --system numaclaims' && ! '$MAKE' -n -s -f '$SRCDIR/Makefile' O='$O' DESTDIR=/stage PREFIX=${pre%%:*} install | grep -q groupadd"
done
t "the grown structures' calls keep their old versions (LIBCLAIMS_1.0, 1.5)" \
	bash -c "[ \$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | grep -cE ' claims_(domain_getinfo|domain_getinfo_next|physinfo)@LIBCLAIMS_1.0\$| claims_domain_list@LIBCLAIMS_1.5\$') = 4 ]"
t "installed claimctl runs" "$prefix/bin/claimctl" --version
# Man pages, completion, the modprobe.d example and the example builder.
man=$prefix/share/man
t "claimctl(8) and libclaims(3) installed" \
	test -f "$man/man8/claimctl.8" -a -f "$man/man3/libclaims.3"
t "every man page of man/ is installed" \
	bash -c "for f in '$SRCDIR'/../man/*.[0-9]; do b=\${f##*/}; cmp \"\$f\" '$man'/man\${b##*.}/\$b || exit 1; done"
t "man -M finds claimctl(8) in the installed tree" \
	bash -c "MANWIDTH=80 man -E UTF-8 -M '$man' 8 claimctl | grep -q '^NAME'"
t "every exported symbol has an installed page man finds (.so links resolved)" bash -c "
	syms=\$(nm -D --defined-only '$prefix/lib/libclaims.so.1' | awk '\$2 == \"T\" {sub(/@.*/, \"\", \$3); print \$3}')
	[ -n \"\$syms\" ] || exit 1
	for s in \$syms; do
		MANWIDTH=80 man -E UTF-8 -M '$man' 3 \$s 2>/dev/null | grep -q \"\$s(\" || { echo \"no page for \$s\"; exit 1; }
	done"
t "bash completion installed as share/bash-completion/completions/claimctl" \
	bash -c ". '$prefix/share/bash-completion/completions/claimctl' && complete -p claimctl | grep -q _claimctl"
t "modprobe.d example installed, every option of it a real parameter" bash -c "
	f='$prefix/share/doc/numaclaims/modprobe.d/numaclaims.conf'; [ -f \"\$f\" ] || exit 1
	ps=\$(sed -n 's/^#*options numaclaims \\([a-z_]*\\)=.*/\\1/p' \"\$f\"); [ -n \"\$ps\" ] || exit 1
	for p in \$ps; do grep -q \"module_param[a-z_]*(\$p,\" '$SRCDIR'/../module/*.c || { echo \"no parameter \$p\"; exit 1; }; done"
t "the example domain builder builds from the installed docs with pkg-config" \
	make -s -f "$prefix/share/doc/numaclaims/examples/Makefile" O="$tmp"
t "the example builder says the module is not loaded (claims_strerror) and exits 1" \
	bash -c "out=\$(LD_LIBRARY_PATH='$prefix/lib' '$tmp/domain-builder' -d /nonexistent/numaclaims 64 2>&1); st=\$?; echo \"\$out\"; [ \$st = 1 ] && [ \"\$out\" = 'domain-builder: the numaclaims module is not loaded (no /dev/numaclaims): modprobe numaclaims' ]"
t "the example builder refuses a bad size (usage, exit 2)" \
	bash -c "LD_LIBRARY_PATH='$prefix/lib' '$tmp/domain-builder' 0; [ \$? = 2 ]"
t "the example builder refuses superpages (-s) of an odd number of MiB (usage, exit 2)" \
	bash -c "LD_LIBRARY_PATH='$prefix/lib' '$tmp/domain-builder' -s 3; [ \$? = 2 ]"
t "make uninstall" \
	"$MAKE" -s -f "$SRCDIR/Makefile" O="$O" PREFIX="$prefix" uninstall
t "uninstall leaves no file and no include/numaclaims/" \
	bash -c "[ -z \"\$(find '$prefix' ! -type d)\" ] && [ ! -e '$prefix/include/numaclaims' ]"
# Staged (DESTDIR) installs: the same files under DESTDIR, and out again.
t "make install DESTDIR=stage PREFIX=/usr" \
	"$MAKE" -s -f "$SRCDIR/Makefile" O="$O" DESTDIR="$tmp/stage" PREFIX=/usr install
t "staged header under usr/include/numaclaims/linux/" \
	test -f "$tmp/stage/usr/include/numaclaims/linux/numaclaims.h"
t "make uninstall DESTDIR=stage PREFIX=/usr empties the stage" \
	bash -c "'$MAKE' -s -f '$SRCDIR/Makefile' O='$O' DESTDIR='$tmp/stage' PREFIX=/usr uninstall && [ -z \"\$(find '$tmp/stage' ! -type d)\" ]"
# ldconfig: for a live install into /usr or /usr/local only (dry runs).
not() { ! "$@"; }
ldconfig_runs() {	# ldconfig_runs TARGET MAKE-ARGS...: make -n prints ldconfig
	local target=$1
	shift
	"$MAKE" -n -s -f "$SRCDIR/Makefile" O="$O" "$@" "$target" | grep -qx ldconfig
}
for target in install uninstall; do
	t "$target PREFIX=/usr runs ldconfig" ldconfig_runs $target PREFIX=/usr
	t "$target PREFIX=/usr/local runs ldconfig" ldconfig_runs $target PREFIX=/usr/local
	t "$target with DESTDIR does not run ldconfig" \
		not ldconfig_runs $target DESTDIR=/stage PREFIX=/usr
	t "$target PREFIX=scratch does not run ldconfig" \
		not ldconfig_runs $target PREFIX="$prefix"
done
tap_end
