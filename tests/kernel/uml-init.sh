#!/bin/sh
# PID 1 of the user-mode Linux test kernel. The host's root is mounted read-only; the kernel command
# line hands us (as environment variables) the repository to mount writable and the job to run.
#   LVS_REPO  host folder mounted read-write at the same path (results are written under it)
#   LVS_JOB   shell script to run
#   LVS_EXIT  file (under LVS_REPO) the job's exit status is written to
#   LVS_MODULES  folder of the UML kernel's modules
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/random c 1 8
mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/tty c 5 0
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/netns "$LVS_REPO"
mount -t hostfs none "$LVS_REPO" -o "$LVS_REPO"

loaded=" "
load_module() { # $1: path relative to the modules folder; loads its dependencies first
    case "$loaded" in *" $1 "*) return 0 ;; esac
    deps=$(grep "^$1:" "$LVS_MODULES/modules.dep" | cut -d: -f2)
    for dep in $(echo $deps | tr ' ' '\n' | tac); do load_module "$dep"; done
    insmod "$LVS_MODULES/$1" || echo "uml-init: insmod $1 failed" >&2
    loaded="$loaded$1 "
}
[ -f "$LVS_MODULES/kernel/crypto/crc32c_generic.ko" ] && load_module kernel/crypto/crc32c_generic.ko
for m in $(grep -oE '^kernel/net/netfilter/ipvs/[^:]+' "$LVS_MODULES/modules.dep") \
         kernel/drivers/net/veth.ko kernel/drivers/net/nlmon.ko kernel/net/bridge/bridge.ko \
         kernel/net/ipv4/ipip.ko kernel/net/ipv4/ip_gre.ko kernel/net/ipv4/fou.ko; do
    [ -f "$LVS_MODULES/$m" ] && load_module "$m"
done
ip link set lo up

export HOME=/tmp/home DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TERM=dumb
mkdir -p "$HOME"
cd "$LVS_REPO"
/bin/sh "$LVS_JOB"
echo $? > "$LVS_EXIT"
sync
poweroff -f
