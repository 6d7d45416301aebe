using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Core.Tests
{
    /// <summary>Our encoder against what ipvsadm sent, our decoder against what the kernel answered.</summary>
    public class CodecGoldenTests
    {
        private const byte NewService = 1;
        private const byte NewDestination = 5;

        private static byte[] Encode(byte command, Action<NetlinkMessageWriter> write)
        {
            var writer = new NetlinkMessageWriter();
            writer.BeginGenericMessage(StraceCapture.IpvsFamily, command, 1, GenericNetlinkConnection.Request | GenericNetlinkConnection.Ack, 1);
            write(writer);
            writer.EndMessage();
            return writer.WrittenSpan.Slice(NetlinkMessageWriter.HeaderLength).ToArray();
        }

        private static LvsService Service(string key, Action<LvsService> configure)
        {
            var service = LvsService.Create(LvsServiceKey.Parse(key));
            configure(service);
            return service;
        }

        public static TheoryData<string, LvsService> Services => new TheoryData<string, LvsService>
        {
            { "new-service-tcp", Service("TCP 10.0.0.1:80", s => { s.Scheduler = "sh"; s.Persistent = true; s.PersistenceTimeout = 300; s.PersistenceMask = "255.255.255.0"; s.PersistenceEngine = "sip"; s.SchedulerFlags = new[] { "sh-fallback", "sh-port" }; }) },
            { "new-service-udp6", Service("UDP [2001:db8::1]:53", s => { s.Scheduler = "mh"; s.Persistent = true; s.PersistenceTimeout = 60; s.PersistenceMask = "64"; s.OnePacket = true; s.SchedulerFlags = new[] { "mh-port" }; }) },
            { "new-service-fwm", Service("FWM 4294967295 IPv6", s => s.Scheduler = "rr") },
        };

        [Theory]
        [MemberData(nameof(Services))]
        public void Encodes_a_new_service_byte_for_byte_as_ipvsadm(string capture, LvsService service)
        {
            var sent = StraceCapture.Read(capture).Ipvs(sent: true, NewService).Single();
            byte[] ours = Encode(NewService, w => IpvsCodec.WriteService(w, service));
            // The one deliberate difference: ipvsadm's flags mask is every bit, ours only the bits a
            // service's settings stand for, so that an edit leaves the kernel's other bits alone.
            int mask = FlagsMaskOffset(ours);
            Assert.Equal(ServiceFlags.Settable, BitConverter.ToUInt32(ours, mask));
            Assert.Equal(uint.MaxValue, BitConverter.ToUInt32(sent.Payload, FlagsMaskOffset(sent.Payload)));
            BitConverter.TryWriteBytes(ours.AsSpan(mask), uint.MaxValue);
            Assert.Equal(Convert.ToHexString(sent.Payload), Convert.ToHexString(ours));
        }

        /// <summary>Where the mask half of the service's FLAGS attribute is in a new-service payload.</summary>
        private static int FlagsMaskOffset(byte[] genericPayload)
        {
            const ushort flagsAttribute = 7;
            int service = NetlinkMessageWriter.GenericHeaderLength;
            int end = service + BitConverter.ToUInt16(genericPayload, service);
            for (int offset = service + 4; offset < end; offset += NetlinkMessageWriter.Align(BitConverter.ToUInt16(genericPayload, offset)))
            {
                if (BitConverter.ToUInt16(genericPayload, offset + 2) == flagsAttribute)
                    return offset + 4 + 4;
            }
            throw new InvalidOperationException("The service has no flags attribute.");
        }

        public static TheoryData<string, string, LvsRealServer> RealServers => new TheoryData<string, string, LvsRealServer>
        {
            { "new-dest-gue", "TCP 10.0.0.1:80", new LvsRealServer { Address = IPAddress.Parse("192.168.1.2"), Port = 80, ForwardingMethod = LvsForwardingMethod.Tunnel, Weight = 3, TunnelType = LvsTunnelType.Gue, TunnelPort = 6080, TunnelChecksum = LvsTunnelChecksum.Checksum } },
            { "new-dest-masq", "TCP 10.0.0.1:80", new LvsRealServer { Address = IPAddress.Parse("192.168.1.3"), Port = 80, ForwardingMethod = LvsForwardingMethod.Masquerade, Weight = 5, UpperThreshold = 100, LowerThreshold = 10 } },
            { "new-dest-mixed", "UDP [2001:db8::1]:53", new LvsRealServer { Address = IPAddress.Parse("192.168.9.9"), Port = 53, ForwardingMethod = LvsForwardingMethod.Tunnel, Weight = 1, TunnelType = LvsTunnelType.Gre, TunnelChecksum = LvsTunnelChecksum.NoChecksum } },
        };

        [Theory]
        [MemberData(nameof(RealServers))]
        public void Encodes_a_new_real_server_byte_for_byte_as_ipvsadm(string capture, string service, LvsRealServer server)
        {
            var sent = StraceCapture.Read(capture).Ipvs(sent: true, NewDestination).Single();
            byte[] ours = Encode(NewDestination, w => IpvsCodec.WriteRealServer(w, server, keyOnly: false));
            // ipvsadm repeats the whole service before the real server; compare the real-server attribute.
            Assert.Equal(Convert.ToHexString(ClearIPv4Padding(NestedAttribute(sent.Payload, 2))), Convert.ToHexString(NestedAttribute(ours, 2)));
            byte[] key = Encode(NewDestination, w => IpvsCodec.WriteServiceKey(w, LvsServiceKey.Parse(service)));
            Assert.StartsWith(Convert.ToHexString(NestedAttribute(key, 1).AsSpan(4).ToArray()), Convert.ToHexString(NestedAttribute(sent.Payload, 1).AsSpan(4).ToArray()));
        }

        /// <summary>
        /// ipvsadm parses addresses into one union, so behind an IPv4 real server of an IPv6 service it
        /// leaves the service address's last bytes; the kernel reads only the first four. We send zeros.
        /// </summary>
        private static byte[] ClearIPv4Padding(byte[] destination)
        {
            var copy = (byte[])destination.Clone();
            int offset = 4;
            bool ipv4 = false;
            int addressValue = -1;
            while (offset < copy.Length)
            {
                int length = BitConverter.ToUInt16(copy, offset);
                int type = BitConverter.ToUInt16(copy, offset + 2) & 0x3fff;
                if (type == 11)
                    ipv4 = BitConverter.ToUInt16(copy, offset + 4) == 2;
                if (type == 1)
                    addressValue = offset + 4;
                offset += NetlinkMessageWriter.Align(length);
            }
            if (ipv4 && addressValue >= 0)
                Array.Clear(copy, addressValue + 4, 12);
            return copy;
        }

        private static byte[] NestedAttribute(byte[] genericPayload, ushort type)
        {
            int offset = NetlinkMessageWriter.GenericHeaderLength;
            while (offset < genericPayload.Length)
            {
                int length = BitConverter.ToUInt16(genericPayload, offset);
                if ((BitConverter.ToUInt16(genericPayload, offset + 2) & 0x3fff) == type)
                    return genericPayload.AsSpan(offset, length).ToArray();
                offset += NetlinkMessageWriter.Align(length);
            }
            throw new InvalidOperationException($"No attribute {type}.");
        }

        private static T DecodeOne<T>(CapturedMessage message, NetlinkDecoder<T> decode)
        {
            foreach (var m in new NetlinkMessageEnumerator(message.Bytes))
                return decode(m);
            throw new InvalidOperationException("No message.");
        }

        [Fact]
        public void Decodes_the_services_the_kernel_dumped()
        {
            var services = StraceCapture.Read("list-stats").Ipvs(sent: false, NewService)
                .Select(m => DecodeOne(m, IpvsCodec.DecodeService)).ToDictionary(s => s.ToString());
            Assert.Equal(new[] { "FWM 4294967295 IPv6", "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53" }, services.Keys.OrderBy(k => k));

            var tcp = services["TCP 10.0.0.1:80"];
            Assert.Equal(LvsProtocol.Tcp, tcp.Protocol);
            Assert.Equal(IPAddress.Parse("10.0.0.1"), tcp.Address);
            Assert.Equal(80, tcp.Port);
            Assert.Equal("sh", tcp.Scheduler);
            Assert.True(tcp.Persistent);
            Assert.Equal(300u, tcp.PersistenceTimeout);
            Assert.Equal("255.255.255.0", tcp.PersistenceMask);
            Assert.Equal("sip", tcp.PersistenceEngine);
            Assert.False(tcp.OnePacket);
            Assert.Equal(new[] { "sh-fallback", "sh-port" }, tcp.SchedulerFlags);

            var udp = services["UDP [2001:db8::1]:53"];
            Assert.Equal(AddressFamily.InterNetworkV6, udp.AddressFamily);
            Assert.Equal("64", udp.PersistenceMask);
            Assert.True(udp.OnePacket);
            Assert.Equal(new[] { "mh-port" }, udp.SchedulerFlags);
            Assert.Null(udp.PersistenceEngine);

            var mark = services["FWM 4294967295 IPv6"];
            Assert.Null(mark.Protocol);
            Assert.Null(mark.Address);
            Assert.Equal(4294967295u, mark.FirewallMark);
            Assert.False(mark.Persistent);
            Assert.Equal(0u, mark.PersistenceTimeout);
            Assert.Empty(mark.SchedulerFlags);
            Assert.Equal(0ul, mark.Statistics.Connections);
        }

        [Fact]
        public void Decodes_the_real_servers_the_kernel_dumped()
        {
            var replies = StraceCapture.Read("list-stats").Ipvs(sent: false, NewDestination).ToList();
            var servers = replies.Select(m => DecodeOne(m, msg => IpvsCodec.DecodeRealServer(msg, LvsServiceKey.Parse("TCP 10.0.0.1:80"))))
                .ToDictionary(s => s.Address.ToString());
            Assert.Equal(3, servers.Count);

            var gue = servers["192.168.1.2"];
            Assert.Equal(LvsForwardingMethod.Tunnel, gue.ForwardingMethod);
            Assert.Equal(80, gue.Port);
            Assert.Equal(3, gue.Weight);
            Assert.Equal(LvsTunnelType.Gue, gue.TunnelType);
            Assert.Equal(6080, gue.TunnelPort);
            Assert.Equal(LvsTunnelChecksum.Checksum, gue.TunnelChecksum);

            var masq = servers["192.168.1.3"];
            Assert.Equal(LvsForwardingMethod.Masquerade, masq.ForwardingMethod);
            Assert.Equal(5, masq.Weight);
            Assert.Equal(100u, masq.UpperThreshold);
            Assert.Equal(10u, masq.LowerThreshold);
            Assert.Null(masq.TunnelType);
            Assert.Null(masq.TunnelChecksum);

            var mixed = servers["192.168.9.9"];
            Assert.Equal(AddressFamily.InterNetwork, mixed.AddressFamily);
            Assert.Equal(LvsTunnelType.Gre, mixed.TunnelType);
            Assert.Equal(LvsTunnelChecksum.NoChecksum, mixed.TunnelChecksum);
        }

        [Fact]
        public void Decodes_info_and_timeouts()
        {
            var replies = StraceCapture.Read("get-info").Where(m => !m.Sent && m.Type == StraceCapture.IpvsFamily).ToList();
            var info = DecodeOne(replies.First(m => m.Command == 14 || m.Command == 15), IpvsCodec.DecodeInfo);
            Assert.Equal("1.2.1", info.Version);
            Assert.Equal(4096u, info.ConnectionTableSize);
            var timeout = DecodeOne(replies.First(m => m.Command == 12), IpvsCodec.DecodeTimeout);
            Assert.Equal((900u, 120u, 300u), (timeout.Tcp, timeout.TcpFin, timeout.Udp));
        }

        [Fact]
        public void Reads_the_kernel_refusal_of_an_existing_service_as_EEXIST()
        {
            var messages = StraceCapture.Read("new-service-exists");
            var request = messages.Ipvs(sent: true, NewService).Single();
            uint sequence = BitConverter.ToUInt32(request.Bytes, 8);
            var error = messages.Single(m => !m.Sent && m.Type == 2 && BitConverter.ToUInt32(m.Bytes, 8) == sequence);
            var exception = DecodeOne(error, m => GenericNetlinkConnection.ReadError(m, "add the virtual service TCP 10.0.0.1:80"));
            Assert.NotNull(exception);
            Assert.Equal(Errno.EEXIST, exception!.Errno);
            Assert.Equal("add the virtual service TCP 10.0.0.1:80", exception.Action);
            var acknowledgements = messages.Where(m => !m.Sent && m.Type == 2 && BitConverter.ToUInt32(m.Bytes, 8) != sequence);
            Assert.All(acknowledgements, ack => Assert.Null(DecodeOne(ack, m => GenericNetlinkConnection.ReadError(m, "x"))));
        }
    }
}
