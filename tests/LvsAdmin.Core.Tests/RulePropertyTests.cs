using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Runtime.InteropServices;
using CsCheck;
using LvsAdmin.Rules;

namespace LvsAdmin.Core.Tests
{
    /// <summary>Properties over generated input: the parser and writer agree, and bad text fails only one way.</summary>
    public class RulePropertyTests
    {
        private static readonly string[] Schedulers = LvsValidation.KnownSchedulers;

        private static readonly Gen<IPAddress> IPv4 = Gen.UInt.Select(value => new IPAddress(value)).Where(a => !a.Equals(IPAddress.Any));
        private static readonly Gen<IPAddress> IPv6 = Gen.Byte.Array[16].Select(bytes => new IPAddress(bytes));

        private static readonly Gen<LvsServiceKey> Keys = Gen.OneOf(
            Gen.Select(Gen.Enum<LvsProtocol>(), IPv4, Gen.UShort, (protocol, address, port) => LvsServiceKey.ForAddress(protocol, address, port)),
            Gen.Select(Gen.Enum<LvsProtocol>(), IPv6, Gen.UShort, (protocol, address, port) => LvsServiceKey.ForAddress(protocol, address, port)),
            Gen.Select(Gen.UInt[1, uint.MaxValue], Gen.Bool, (mark, ipv6) => LvsServiceKey.ForFirewallMark(mark, ipv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork)));

        private static readonly Gen<LvsService> Services =
            from key in Keys
            from scheduler in Gen.OneOf(Schedulers)
            from persistent in Gen.Bool
            from timeout in Gen.UInt[1, LvsService.MaxTimeout]
            from prefix in Gen.Int[1, 128]
            from mask in Gen.OneOf("255.255.255.255", "255.255.255.0", "255.255.0.0", "255.0.0.0", "255.255.255.128")
            from engine in Gen.OneOf(new string?[] { null, "sip" })
            from onePacket in Gen.Bool
            from flags in Gen.Int[0, 3]
            select MakeService(key, scheduler, persistent || key.Port == 0, timeout,
                key.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? prefix.ToString() : mask, engine,
                onePacket && (key.IsFirewallMark || key.Protocol == LvsProtocol.Udp), flags);

        private static LvsService MakeService(LvsServiceKey key, string scheduler, bool persistent, uint timeout, string mask, string? engine, bool onePacket, int flags)
        {
            var service = LvsService.Create(key);
            service.Scheduler = scheduler;
            service.Persistent = persistent;
            service.PersistenceTimeout = persistent ? timeout : 0;
            if (persistent)
                service.PersistenceMask = mask;
            service.PersistenceEngine = engine;
            service.OnePacket = onePacket;
            service.SchedulerFlags = ServiceFlags.NamesOf((uint)flags << 3, scheduler);
            return service;
        }

        private static readonly Gen<LvsRealServer> RealServers =
            from ipv6 in Gen.Bool
            from address in ipv6 ? IPv6 : IPv4
            from port in Gen.UShort
            from method in Gen.OneOf(LvsForwardingMethod.Route, LvsForwardingMethod.Masquerade, LvsForwardingMethod.Tunnel)
            from weight in Gen.Int[0, LvsValidation.MaxWeight]
            from upper in Gen.UInt[0, int.MaxValue]
            from lower in Gen.UInt[0, int.MaxValue]
            from tunnel in Gen.OneOf(LvsTunnelType.Ipip, LvsTunnelType.Gue, LvsTunnelType.Gre)
            from tunnelPort in Gen.UShort[1, ushort.MaxValue]
            from checksum in Gen.OneOf(LvsTunnelChecksum.NoChecksum, LvsTunnelChecksum.Checksum, LvsTunnelChecksum.RemoteChecksum)
            select new LvsRealServer
            {
                Address = address,
                Port = port,
                AddressFamily = address.AddressFamily,
                ForwardingMethod = method,
                Weight = weight,
                UpperThreshold = Math.Max(upper, lower),
                LowerThreshold = Math.Min(upper, lower),
                TunnelType = method == LvsForwardingMethod.Tunnel ? tunnel : null,
                TunnelPort = method == LvsForwardingMethod.Tunnel && tunnel == LvsTunnelType.Gue ? tunnelPort : (ushort)0,
                TunnelChecksum = method != LvsForwardingMethod.Tunnel ? null
                    : tunnel == LvsTunnelType.Ipip ? LvsTunnelChecksum.NoChecksum
                    : tunnel == LvsTunnelType.Gre && checksum == LvsTunnelChecksum.RemoteChecksum ? LvsTunnelChecksum.Checksum : checksum,
            };

        /// <summary>A service and real servers the kernel would take: ports and families as validation wants them.</summary>
        private static readonly Gen<(LvsService Service, List<LvsRealServer> Servers)> Tables =
            from service in Services
            from servers in RealServers.List[0, 5]
            select (service, Taken(service.GetKey(), servers));

        private static List<LvsRealServer> Taken(LvsServiceKey key, List<LvsRealServer> servers)
        {
            var taken = new List<LvsRealServer>();
            foreach (var server in servers)
            {
                if (!key.IsFirewallMark && server.ForwardingMethod != LvsForwardingMethod.Masquerade)
                    server.Port = key.Port;
                if (server.AddressFamily != key.AddressFamily && server.ForwardingMethod != LvsForwardingMethod.Tunnel)
                    continue;
                taken.Add(server);
            }
            return taken;
        }

        private static string[] RuleLines((LvsService Service, List<LvsRealServer> Servers) table) =>
            table.Servers.Select(server => RuleWriter.RealServerLine(table.Service.GetKey(), server)).Prepend(RuleWriter.ServiceLine(table.Service)).ToArray();

        // Every field a rule line carries, from the model itself: a field that writer and parser both dropped shows here.
        private static string Fields(LvsService s) =>
            $"{s.GetKey()} {s.Scheduler} persistent={s.Persistent}/{s.PersistenceTimeout}/{(s.Persistent ? ServiceFlags.EncodeMask(s.PersistenceMask, s.AddressFamily) : 0)} " +
            $"pe={s.PersistenceEngine} ops={s.OnePacket} flags={string.Join(",", s.SchedulerFlags)}";

        private static string Fields(LvsRealServer r) =>
            $"{Addresses.FormatEndpoint(r.Address, r.Port)} {r.ForwardingMethod} w={r.Weight} x={r.UpperThreshold} y={r.LowerThreshold} tun={r.TunnelType}/{r.TunnelPort}/{r.TunnelChecksum}";

        [Fact]
        public void Parsing_what_was_written_gives_every_field_back() =>
            Tables.Sample(table =>
            {
                var rules = RuleParser.Parse(RuleLines(table));
                Assert.Equal(Fields(table.Service), Fields(rules[0].Service!));
                Assert.Equal(table.Servers.Select(Fields), rules.Skip(1).Select(rule => Fields(rule.RealServer!)));
            }, iter: 2000);

        [Fact]
        public void Writing_what_was_parsed_gives_the_canonical_lines_back() =>
            Tables.Sample(table =>
            {
                var lines = RuleLines(table);
                var written = RuleParser.Parse(lines).Select(rule => rule.Command == RuleCommand.AddService
                    ? RuleWriter.ServiceLine(rule.Service!)
                    : RuleWriter.RealServerLine(rule.ServiceKey!, rule.RealServer!));
                Assert.Equal(lines, written);
            }, iter: 2000);

        private static readonly Gen<string> RuleishText = Gen.OneOf(
            Gen.String,
            Gen.OneOf("-A", "-a", "-E", "-e", "-D", "-d", "-t", "-u", "-f", "-r", "-s", "-p", "-M", "-w", "-x", "-y", "-6", "-o", "-b", "-g", "-m", "-i",
                "--sctp-service", "--tun-type", "--tun-port", "--pe", "--set", "--start-daemon", "--syncid", "--sync-maxlen", "--mcast-group",
                "10.0.0.1:80", "[2001:db8::1]:53", "[::1", "0", "-1", "65536", "4294967296", "rr", "sh-port", "gue", "master", "=", ":", "ipvsadm", "#")
                .Array[0, 12].Select(words => string.Join(" ", words)));

        [Fact]
        public void Any_text_parses_or_fails_with_a_rule_parse_error_naming_its_line() =>
            RuleishText.Sample(text =>
            {
                var error = Record.Exception(() => RuleParser.Parse(new[] { text }, PortNames.Read(new System.IO.StringReader("http 80/tcp\n"))));
                if (error is not null)
                {
                    var parseError = Assert.IsType<RuleParseException>(error);
                    Assert.Equal(1, parseError.LineNumber);
                }
            }, iter: 20000);

        private delegate int Comparer(IntPtr left, IntPtr right);

        [DllImport("libc")]
        private static extern void qsort(IntPtr values, UIntPtr count, UIntPtr size, IntPtr compare);

        [Fact]
        public void Sorts_as_glibc_qsort_does_even_when_the_comparison_is_not_an_order()
        {
            // ipvsadm compares marks by subtraction in an int: from 2^31 apart the order wraps around.
            static int Wrapping(uint left, uint right) => unchecked((int)(left - right));
            Comparer native = (left, right) => Wrapping((uint)Marshal.ReadInt32(left), (uint)Marshal.ReadInt32(right));
            IntPtr function = Marshal.GetFunctionPointerForDelegate(native);
            Gen.UInt.Array[0, 64].Sample(marks =>
            {
                var byGlibc = (uint[])marks.Clone();
                var handle = GCHandle.Alloc(byGlibc, GCHandleType.Pinned);
                try
                {
                    qsort(handle.AddrOfPinnedObject(), (UIntPtr)byGlibc.Length, (UIntPtr)sizeof(uint), function);
                }
                finally
                {
                    handle.Free();
                }
                var ours = marks.ToList();
                IpvsadmOrder.MergeSort(ours, Wrapping);
                Assert.Equal(byGlibc, ours);
            }, iter: 2000);
            GC.KeepAlive(native);
        }
    }
}
