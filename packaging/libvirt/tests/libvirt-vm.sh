#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# make libvirt-vm: the libvirt hook in a 2-node test VM (tools/vm.sh,
# numaclaims.ko with pool_mb=96), libvirt-vm-guest.sh there.  The VM gets:
# the hook where `make -C packaging/libvirt install` puts it, a CPython
# staged with the standard library modules the hook imports
# (packaging/tests/python-stage.sh), claimctl, the sample domain XMLs of
# this folder, virsh with libvirt's QEMU driver (domxml-to-native through
# qemu:///embed: libvirt's own command line for each XML), QEMU with its
# firmware, the tiny guest of vmguest/ and setpriv (QEMU as libvirt-qemu).
# TAP to OUT (default build/results/libvirt-vm.tap).  About a minute.
#
# usage: libvirt-vm.sh [OUT]
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=${1:-$TOP/build/results/libvirt-vm.tap}
ST=$TOP/build/libvirt-vm
ko=$TOP/build/module/numaclaims.ko
claimctl=$TOP/build/userspace/claimctl-static
for f in "$ko" "$claimctl"; do
	[ -r "$f" ] || { echo "libvirt-vm.sh: $f missing (make module-vm userspace)" >&2; exit 1; }
done
make -s -C "$TOP/vmguest" O="$TOP/build/vmguest" >/dev/null
mkdir -p "$(dirname "$OUT")" "$ST"

# The hook's imports, staged and checked on the host.
bash "$TOP/packaging/tests/python-stage.sh" - "$ST/python" \
	fcntl grp json pwd re shutil stat subprocess xml.etree.ElementTree
# make install of the hook, as a package would (DESTDIR).
rm -rf "$ST/root"
make -s -C "$TOP/packaging/libvirt" install DESTDIR="$ST/root" PREFIX=/usr
hook=$ST/root/etc/libvirt/hooks/qemu.d/numaclaims
[ -x "$hook" ] || { echo "libvirt-vm.sh: make install did not install $hook" >&2; exit 1; }

# libvirt's QEMU driver is a module virsh loads (dlopen): executable here,
# so that vm.sh copies its libraries along.
drv=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so
command -v virsh >/dev/null && [ -r "$drv" ] ||
	{ echo "libvirt-vm.sh: no virsh or $drv (tools/deps.sh libvirt)" >&2; exit 1; }
install -m 0755 "$drv" "$ST/libvirt_driver_qemu.so"

# The README's libvirt block, put into a guest that has none of it.
"$TOP/tools/readme-recipe.sh" --all libvirt-xml >"$ST/readme-fragment.xml"
awk -v frag="$ST/readme-fragment.xml" '
	/<memoryBacking>/, /<\/memoryBacking>/ { next }
	/<numatune>/, /<\/numatune>/ { next }
	/<os>/ { while ((getline l < frag) > 0) print "  " l }
	{ sub("nc-not-opted-in", "nc-readme"); print }' \
	"$TOP/packaging/libvirt/tests/no-opt-in.xml" >"$ST/readme.xml"

QEMU_BIN=$(readlink -f "$(command -v qemu-system-x86_64)")
accel=/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so
# The Python stage first: it is the initramfs' /usr.
exec nice "$TOP/tools/vm.sh" --nodes 2 --mem-per-node 512M --module "$ko" \
	--params "pool_mb=96 debug=1" --quiet --splat-check --timeout 400 \
	--add "$ST/python/usr:/usr" \
	--add "$hook:/etc/libvirt/hooks/qemu.d/numaclaims" \
	--add "$claimctl:/bin/claimctl" \
	--add "$(command -v virsh):/usr/bin/virsh" \
	--add "$ST/libvirt_driver_qemu.so:$drv" \
	--add /usr/share/libvirt:/usr/share/libvirt \
	--add "$(command -v setpriv):/usr/bin/setpriv" \
	--add "$QEMU_BIN:/usr/bin/qemu-system-x86_64" \
	--add "$accel:$accel" \
	--add /usr/share/seabios/bios-256k.bin:/usr/share/seabios/bios-256k.bin \
	--add /usr/share/qemu/multiboot_dma.bin:/usr/share/qemu/multiboot_dma.bin \
	--add /usr/share/qemu/kvmvapic.bin:/usr/share/qemu/kvmvapic.bin \
	--add "$TOP/build/vmguest/vmguest.elf:/lib/realvm/vmguest.elf" \
	--add "$TOP/tools/realvm-lib.sh:/lib/realvm/realvm-lib.sh" \
	--add "$TOP/packaging/libvirt/tests:/lib/libvirt-test" \
	--add "$ST/readme.xml:/lib/libvirt-readme.xml" \
	--add "$TOP/packaging/libvirt/tests/libvirt-vm-guest.sh:/bin/libvirt-vm-guest" \
	--out "$OUT" -- libvirt-vm-guest
