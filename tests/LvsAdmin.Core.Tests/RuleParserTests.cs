using System;
using System.Linq;
using System.Net;
using LvsAdmin.Rules;

namespace LvsAdmin.Core.Tests
{
    public class RuleParserTests
    {
        private static Rule One(string line) => RuleParser.ParseLine(line, 1) ?? throw new InvalidOperationException("blank");

        /// <summary>Lines ipvsadm -S -n wrote (tests/reference/ipvsadm-1.31-output.txt): read, then written back the same.</summary>
        [Theory]
        [InlineData("-A -t 10.0.0.1:80 -s sh -p 300 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 5")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.4:80 -g -w 0")]
        [InlineData("-A --sctp-service 10.0.0.2:5000 -s lblcr -b flag-3")]
        [InlineData("-A -u [2001:db8::1]:53 -s mh -p 60 -M 64 -o -b mh-port")]
        [InlineData("-a -u [2001:db8::1]:53 -r 192.168.9.9:53 -i -w 1 --tun-type ipip")]
        [InlineData("-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -i -w 1 --tun-type gre --tun-nocsum")]
        [InlineData("-A -f 5 -6 -s rr")]
        [InlineData("-A -t 10.0.0.11:80 -s rr")]
        [InlineData("-A -t 10.0.0.1:0 -s rr -p 30")]
        [InlineData("-A -u 10.0.0.1:5060 -s wlc -p 300 --pe sip -o")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.6:80 -i -w 1 --tun-type gue --tun-port 5555 --tun-remcsum")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.3:8080 -m -w 5 -x 100 -y 10")]
        public void Reads_and_writes_ipvsadm_save_lines_unchanged(string line)
        {
            var rule = One(line);
            string written = rule.Command == RuleCommand.AddService
                ? RuleWriter.ServiceLine(rule.Service!)
                : RuleWriter.RealServerLine(rule.ServiceKey!, rule.RealServer!);
            Assert.Equal(line, written);
        }

        [Fact]
        public void Reads_negative_marks_as_ipvsadm_meant_them_and_writes_them_unsigned()
        {
            var rule = One("-A -f -1 -s wrr");
            Assert.Equal(4294967295u, rule.ServiceKey!.FirewallMark);
            Assert.Equal("-A -f 4294967295 -s wrr", RuleWriter.ServiceLine(rule.Service!));
            Assert.Equal(2147483648u, One("-a -f -2147483648 -r 1.2.3.4:0 -g -w 1").ServiceKey!.FirewallMark);
        }

        [Fact]
        public void Reads_long_options_a_leading_ipvsadm_comments_and_blank_lines()
        {
            var rules = RuleParser.Parse(new[]
            {
                "# saved by hand",
                "",
                "ipvsadm --add-service --tcp-service 10.0.0.1:80 --scheduler rr --persistent --netmask 255.255.0.0",
                "   /sbin/ipvsadm --add-server --tcp-service=10.0.0.1:80 --real-server 192.168.1.2 --masquerading --weight 3 --u-threshold 9 --l-threshold 2",
                "-e -t 10.0.0.1:80 -r 192.168.1.2 -m -w4",
                "-d -t 10.0.0.1:80 -r 192.168.1.2",
                "-E -t 10.0.0.1:80 -s wlc",
                "-D -t 10.0.0.1:80",
                "-Z",
                "-Z -f 7",
                "-C",
                "--set 900 120 300",
                "--start-daemon master --mcast-interface eth0 --syncid 5 --sync-maxlen 1400 --mcast-group 224.0.0.82 --mcast-port 8849 --mcast-ttl 2",
                "--stop-daemon backup",
            }).ToList();
            Assert.Equal(new[] { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }, rules.Select(r => r.LineNumber));
            Assert.Equal(new[]
            {
                RuleCommand.AddService, RuleCommand.AddRealServer, RuleCommand.EditRealServer, RuleCommand.DeleteRealServer,
                RuleCommand.EditService, RuleCommand.DeleteService, RuleCommand.Zero, RuleCommand.Zero, RuleCommand.Clear,
                RuleCommand.SetTimeouts, RuleCommand.StartDaemon, RuleCommand.StopDaemon,
            }, rules.Select(r => r.Command));
            var service = rules[0].Service!;
            Assert.Equal(("rr", true, 360u, "255.255.0.0"), (service.Scheduler, service.Persistent, service.PersistenceTimeout, service.PersistenceMask));
            var server = rules[1].RealServer!;
            Assert.Equal((80, LvsForwardingMethod.Masquerade, 3, 9u, 2u), (server.Port, server.ForwardingMethod, server.Weight, server.UpperThreshold, server.LowerThreshold));
            Assert.Equal(4, rules[2].RealServer!.Weight);
            Assert.Null(rules[6].ServiceKey);
            Assert.Equal("FWM 7", rules[7].ServiceKey!.ToString());
            Assert.Equal((900u, 120u, 300u), (rules[9].Timeout!.Tcp, rules[9].Timeout!.TcpFin, rules[9].Timeout!.Udp));
            var daemon = rules[10].Daemon!;
            Assert.Equal((LvsSyncState.Master, "eth0", 5u, (ushort)1400, IPAddress.Parse("224.0.0.82"), (ushort)8849, (byte)2),
                (daemon.State, daemon.Interface, daemon.SyncId, daemon.MaxLength, daemon.Group, daemon.Port, daemon.Ttl));
            Assert.Equal(LvsSyncState.Backup, rules[11].Daemon!.State);
        }

        [Fact]
        public void Defaults_as_ipvsadm_does()
        {
            var service = One("-A -t 10.0.0.1:80").Service!;
            Assert.Equal(("wlc", false), (service.Scheduler, service.Persistent));
            var server = One("-a -t 10.0.0.1:80 -r 192.168.1.2").RealServer!;
            Assert.Equal((80, LvsForwardingMethod.Route, 1), (server.Port, server.ForwardingMethod, server.Weight));
            // Only masquerading translates ports: ipvsadm gives the others the service's port.
            Assert.Equal(80, One("-a -t 10.0.0.1:80 -r 192.168.1.2:8080 -g").RealServer!.Port);
            Assert.Equal(LvsTunnelType.Ipip, One("-a -t 10.0.0.1:80 -r 192.168.1.2 -i").RealServer!.TunnelType);
        }

        private static readonly PortNames Names = PortNames.Read(new System.IO.StringReader(
            "# services(5)\nhttp 80/tcp www # WorldWideWeb\nhttp 80/udp\ndomain 53/tcp\ndomain 53/udp\nsip 5060/udp\nbgp 179/tcp\nsctp-only 9999/sctp\n"));

        [Theory]
        [InlineData("-A -t 10.0.0.1:http", 80)]
        [InlineData("-A -t 10.0.0.1:www", 80)]
        [InlineData("-A -u 10.0.0.1:sip -s rr", 5060)]
        [InlineData("-A --sctp-service 10.0.0.1:sctp-only", 9999)]
        [InlineData("-A -t [2001:db8::1]:domain", 53)]
        public void Looks_port_names_up_for_the_service_protocol(string line, int port) =>
            Assert.Equal(port, RuleParser.ParseLine(line, 1, Names)!.ServiceKey!.Port);

        [Theory]
        [InlineData("-A -t 10.0.0.1:sip", "'sip' is not a port number or a tcp service name")]
        [InlineData("-A -u 10.0.0.1:bgp", "'bgp' is not a port number or a udp service name")]
        [InlineData("-a -u 10.0.0.1:53 -r 192.168.1.2:bgp -m", "'bgp' is not a port number or a udp service name")]
        public void Refuses_a_port_name_of_another_protocol(string line, string problem) =>
            Assert.Contains(problem, Assert.Throws<RuleParseException>(() => RuleParser.ParseLine(line, 1, Names)).Message);

        [Fact]
        public void Real_server_port_names_follow_the_service_protocol_and_firewall_marks_read_them_as_tcp()
        {
            Assert.Equal(53, RuleParser.ParseLine("-a -u 10.0.0.1:53 -r 192.168.1.2:domain -m", 1, Names)!.RealServer!.Port);
            Assert.Equal(179, RuleParser.ParseLine("-a -f 5 -r 192.168.1.2:bgp", 1, Names)!.RealServer!.Port);
        }

        [Fact]
        public void Firewall_mark_real_servers_keep_their_ports_whatever_the_forwarding()
        {
            // ipvsadm forces the port of -g/-i real servers only for TCP, UDP and SCTP services.
            foreach (string method in new[] { "-g", "-i", "-m", "" })
                Assert.Equal(80, One($"-a -f 5 -r 10.0.0.2:80 {method}").RealServer!.Port);
            Assert.Equal(0, One("-a -f 5 -r 10.0.0.2 -g").RealServer!.Port);
            var server = One("-a -f 5 -r 10.0.0.2:80 -g").RealServer!;
            Assert.Equal("-a -f 5 -r 10.0.0.2:80 -g -w 1", RuleWriter.RealServerLine(LvsServiceKey.ForFirewallMark(5), server));
        }

        [Fact]
        public void A_bare_persistence_flag_is_360_seconds_as_in_ipvsadm_code()
        {
            Assert.Equal(360u, One("-A -t 10.0.0.1:80 -p").Service!.PersistenceTimeout);
            Assert.Equal(360u, One("-A -t 10.0.0.1:80 -p -s rr").Service!.PersistenceTimeout);
            Assert.Equal(2678400u, One("-A -t 10.0.0.1:80 -p 2678400").Service!.PersistenceTimeout);
        }

        [Fact]
        public void A_daemon_without_an_interface_uses_eth0_as_ipvsadm_does()
        {
            Assert.Equal("eth0", One("--start-daemon master").Daemon!.Interface);
            Assert.Equal(65507, One("--start-daemon backup --sync-maxlen 65507").Daemon!.MaxLength);
        }

        [Fact]
        public void A_line_naming_the_same_address_with_another_protocol_gets_its_own_service()
        {
            var rules = RuleParser.Parse(new[]
            {
                "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m", "-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m",
                "-a -u 10.0.0.1:80 -r 192.168.1.2:80 -m", "-a --tcp-service 10.0.0.1:80 -r 192.168.1.4:80 -m",
            });
            Assert.Equal(new[] { "TCP 10.0.0.1:80", "TCP 10.0.0.1:80", "UDP 10.0.0.1:80", "TCP 10.0.0.1:80" }, rules.Select(r => r.ServiceKey!.ToString()));
            Assert.Same(rules[0].ServiceKey, rules[1].ServiceKey);
            Assert.Equal(new[] { "192.168.1.2", "192.168.1.3", "192.168.1.2", "192.168.1.4" }, rules.Select(r => r.RealServer!.Address.ToString()));
        }

        [Fact]
        public void Reads_timeouts_and_words_separated_by_any_whitespace()
        {
            var timeouts = One("--set\t900 \t 120\v300").Timeout!;
            Assert.Equal((900u, 120u, 300u), (timeouts.Tcp, timeouts.TcpFin, timeouts.Udp));
            Assert.Equal("wrr", One("  -A\t-t 10.0.0.1:80   -s\twrr  ").Service!.Scheduler);
            Assert.Equal("my_sched", One("-A -t 10.0.0.1:80 -s my_sched").Service!.Scheduler);
            var fromWindows = One("-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 2\r");
            Assert.Equal(("-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 2", 2), (fromWindows.Text, fromWindows.RealServer!.Weight));
        }

        [Theory]
        [InlineData("-A -t 10.0.0.1:80 -s rr -q", "unknown option '-q'")]
        [InlineData("-A -t 10.0.0.1:80 --frobnicate", "unknown option '--frobnicate'")]
        [InlineData("-A -t 10.0.0.1:80 -s", "'-s' needs a value")]
        [InlineData("-t 10.0.0.1:80 -s rr", "no command")]
        [InlineData("-A -a -t 10.0.0.1:80", "two commands, '-A' and '-a'")]
        [InlineData("-A -s rr", "no service")]
        [InlineData("-A -t 10.0.0.1:80 -u 10.0.0.1:53", "two services")]
        [InlineData("-a -t 10.0.0.1:80 -w 3", "no real server (-r)")]
        [InlineData("-A -t 10.0.0.300:80", "'10.0.0.300' is not an IPv4 or IPv6 address")]
        [InlineData("-A -t www.example.com:80", "'www.example.com' is not an IPv4 or IPv6 address")]
        [InlineData("-A -t 10.0.0.1:99999", "'99999' is not a port")]
        [InlineData("-A -t 10.0.0.1:nosuchservice", "'nosuchservice' is not a port number or a tcp service name")]
        [InlineData("-A -t 10.0.0.1:80 -s rr -b sh-port", "belongs to the sh scheduler")]
        [InlineData("-A -t 10.0.0.1:80 -s rr -w 3", "'-w' does not go with '-A'")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2 -g -m", "two forwarding methods")]
        [InlineData("-L -n", "'-L' lists or saves")]
        [InlineData("-A -t 10.0.0.1:80 -6", "'-6' goes with a firewall-mark service")]
        [InlineData("-A -f 0", "'0' is not a firewall mark")]
        [InlineData("-A -f five", "'five' is not a firewall mark")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2 -w 70000", "'70000' is not a valid weight")]
        [InlineData("-A -t 10.0.0.1:80 -p 0", "'0' is not a valid persistence timeout")]
        [InlineData("-A -t 10.0.0.1:80 -p 60 -M 64", "'64' is a prefix length")]
        [InlineData("-A -t 10.0.0.1:0 -s rr", "Zero port specified for non-persistent service")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2 -i --tun-type vxlan", "'vxlan' is not a tunnel type")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2 -m --tun-type gue", "Tunnel options conflict")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2 -m -x 5 -y 6", "lower threshold 6")]
        [InlineData("-a -t 10.0.0.1:80 -r 192.168.1.2 -i --tun-csum --tun-nocsum", "two tunnel checksum options")]
        [InlineData("--set 900 120", "'--set' needs three timeouts")]
        [InlineData("--set 2678401 0 0", "'2678401' is not a valid tcp timeout (0 to 2678400)")]
        [InlineData("-A -t 10.0.0.1:80 -p 2678401", "'2678401' is not a valid persistence timeout (1 to 2678400)")]
        [InlineData("-A -t 10.0.0.1:80 -o", "One-packet scheduling is only for UDP")]
        [InlineData("-A --sctp-service 10.0.0.1:80 --ops", "One-packet scheduling is only for UDP")]
        [InlineData("--start-daemon master --sync-maxlen 65508", "'65508' is not a valid sync maximum length (1 to 65507)")]
        [InlineData("--start-daemon primary --mcast-interface eth0", "'primary' is not a sync daemon state")]
        [InlineData("-A -t 10.0.0.1:80 -s rr -s wlc", "'-s' is given twice")]
        [InlineData("ipvsadm", "'ipvsadm' without a command")]
        [InlineData("-A -t 10.0.0.1:80 rr", "'rr' is not an option")]
        [InlineData("-A -t [2001:db8::1:80", "opening bracket without a closing one")]
        [InlineData("-C -t 10.0.0.1:80", "'-t' does not go with '-C'")]
        [InlineData("-A -t 10.0.0.1:80 -s rr -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o -o", "more than 64 words")]
        public void Names_the_line_and_what_is_wrong(string line, string problem)
        {
            var error = Assert.Throws<RuleParseException>(() => RuleParser.Parse(new[] { "-A -t 10.9.9.9:80", "# ok", line }));
            Assert.Equal(3, error.LineNumber);
            Assert.Equal(line, error.Line);
            Assert.Contains(problem, error.Message);
            Assert.StartsWith("Line 3: ", error.Message);
        }
    }
}
