using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Core.Tests
{
    public class ProcServiceListTests
    {
        // /proc/net/ip_vs as the 6.1 kernel prints it (ip_vs_info_seq_show): a firewall-mark service of each
        // family, so two lines for mark 5; persistence and one-packet flags after the scheduler.
        private const string Listing =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n" +
            "TCP  0A000001:0050 wlc  \n" +
            "  -> C0A8010A:0050      Masq    5      0          0         \n" +
            "  -> C0A8010B:0050      Masq    0      0          0         \n" +
            "UDP  0A000002:0035 rr ops \n" +
            "SCTP  0A000003:0B59 sh  persistent 300 FFFFFFFF\n" +
            "TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB rr \n" +
            "  -> [2001:0db8:0000:0000:0000:0000:0000:0002]:01BB      Route   1      0          0         \n" +
            "FWM  00000005 rr \n" +
            "FWM  00000005 wrr \n" +
            "FWM  FFFFFFFF rr persistent 360 FFFFFFFF\n";

        [Fact]
        public void Reads_each_address_service_by_key_and_counts_marks()
        {
            var listing = ProcServiceList.Read(new StringReader(Listing));
            var expected = new HashSet<LvsServiceKey>
            {
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80),
                LvsServiceKey.ForAddress(LvsProtocol.Udp, IPAddress.Parse("10.0.0.2"), 53),
                LvsServiceKey.ForAddress(LvsProtocol.Sctp, IPAddress.Parse("10.0.0.3"), 2905),
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 443),
            };
            Assert.True(expected.SetEquals(listing.AddressKeys), $"read: {string.Join(", ", listing.AddressKeys)}");
            Assert.Equal(new Dictionary<uint, int> { [5] = 2, [uint.MaxValue] = 1 }, listing.Marks);
        }

        [Fact]
        public void Agrees_with_a_dump_of_the_same_services()
        {
            var dumped = new[]
            {
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80),
                LvsServiceKey.ForAddress(LvsProtocol.Udp, IPAddress.Parse("10.0.0.2"), 53),
                LvsServiceKey.ForAddress(LvsProtocol.Sctp, IPAddress.Parse("10.0.0.3"), 2905),
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 443),
                LvsServiceKey.ForFirewallMark(5),
                LvsServiceKey.ForFirewallMark(5, AddressFamily.InterNetworkV6),
                LvsServiceKey.ForFirewallMark(uint.MaxValue, AddressFamily.InterNetworkV6),
            };
            Assert.Empty(ProcServiceList.Read(new StringReader(Listing)).Disagreements(dumped));
        }

        [Fact]
        public void Questions_what_only_one_view_has_and_both_families_of_a_mark_counted_differently()
        {
            var skipped = LvsServiceKey.ForAddress(LvsProtocol.Udp, IPAddress.Parse("10.0.0.2"), 53);
            var gone = LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("10.9.9.9"), 80);
            var dumped = new[]
            {
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80),
                gone,
                LvsServiceKey.ForAddress(LvsProtocol.Sctp, IPAddress.Parse("10.0.0.3"), 2905),
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 443),
                LvsServiceKey.ForFirewallMark(5),
                LvsServiceKey.ForFirewallMark(uint.MaxValue),
            };
            var expected = new HashSet<LvsServiceKey>
            {
                skipped,
                gone,
                LvsServiceKey.ForFirewallMark(5),
                LvsServiceKey.ForFirewallMark(5, AddressFamily.InterNetworkV6),
            };
            var questioned = ProcServiceList.Read(new StringReader(Listing)).Disagreements(dumped);
            Assert.True(expected.SetEquals(questioned), $"questioned: {string.Join(", ", questioned)}");
        }

        [Theory]
        [InlineData("ICMP  0A000001:0050 rr ")]
        [InlineData("TCP  0A00001:0050 rr ")]
        [InlineData("TCP  0A000001-0050 rr ")]
        [InlineData("FWM  5 rr ")]
        [InlineData("TCP")]
        public void Names_the_line_that_does_not_parse(string line)
        {
            var error = Assert.Throws<FormatException>(() => ProcServiceList.Read(new StringReader(Listing + line + "\n")));
            Assert.Contains("line 14", error.Message);
            Assert.Contains(line.Trim(), error.Message);
        }
    }
}
