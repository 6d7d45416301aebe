#!/bin/sh
# Captures the netlink bytes ipvsadm exchanges with the kernel, as golden data for the xunit decoders
# and encoders. Run it inside the test kernel:
#   dotnet pwsh ./build.ps1 Sandbox -Command 'sh tests/kernel/capture-golden.sh'
# strace -xx prints every byte of each sendmsg/recvmsg iovec as \xNN.
set -e
out="$(dirname "$0")/../LvsAdmin.Core.Tests/Golden"
capture() { # $1: file name; the rest: ipvsadm arguments
    name=$1; shift
    strace -xx -s 65536 -e trace=sendmsg,recvmsg -o "$out/$name.strace" ipvsadm "$@" >/dev/null 2>&1 || true
}
ipvsadm -C
ipvsadm --set 900 120 300
capture new-service-tcp -A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port
capture new-service-udp6 -A -u '[2001:db8::1]:53' -s mh -p 60 -M 64 -o -b mh-port
capture new-service-fwm -A -f 4294967295 -6 -s rr
capture new-dest-gue -a -t 10.0.0.1:80 -r 192.168.1.2:8080 -i -w 3 --tun-type gue --tun-port 6080 --tun-csum
capture new-dest-masq -a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 5 -x 100 -y 10
capture new-dest-mixed -a -u '[2001:db8::1]:53' -r 192.168.9.9:53 -i --tun-type gre --tun-nocsum
capture new-service-exists -A -t 10.0.0.1:80 -s rr
capture list-stats -Ln --stats
capture get-info -Ln --timeout
