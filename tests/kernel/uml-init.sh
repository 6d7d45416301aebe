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

# The modules the tests use (every IPVS module, veth, nlmon, the bridge and the tunnels), with what they
# depend on, by one modprobe: a process is dear here. It finds them under <root>/lib/modules/<release>.
release=$(basename "$LVS_MODULES")
mkdir -p /run/uml-modules/lib/modules
ln -s "$LVS_MODULES" "/run/uml-modules/lib/modules/$release"
# crc32c_generic first, where it is a module: libcrc32c needs it, and modules.dep does not say so.
crc32c=$([ -f "$LVS_MODULES/kernel/crypto/crc32c_generic.ko" ] && echo crc32c_generic)
modprobe -d /run/uml-modules -S "$release" -a $crc32c \
    $(sed -n 's|^kernel/net/netfilter/ipvs/\([^:/]*\)\.ko[^:]*:.*|\1|p' "$LVS_MODULES/modules.dep") \
    veth nlmon bridge ipip ip_gre fou || echo "uml-init: modprobe did not load every module" >&2
ip link set lo up

export HOME=/tmp/home DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 TERM=dumb
mkdir -p "$HOME"
cd "$LVS_REPO"
/bin/sh "$LVS_JOB"
echo $? > "$LVS_EXIT"
sync
poweroff -f
