using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
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
            var marks = new Dictionary<uint, int>();
            var keys = ProcServiceList.Read(new StringReader(Listing), marks);
            var expected = new HashSet<LvsServiceKey>
            {
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80),
                LvsServiceKey.ForAddress(LvsProtocol.Udp, IPAddress.Parse("10.0.0.2"), 53),
                LvsServiceKey.ForAddress(LvsProtocol.Sctp, IPAddress.Parse("10.0.0.3"), 2905),
                LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 443),
            };
            Assert.True(expected.SetEquals(keys), $"read: {string.Join(", ", keys)}");
            Assert.Equal(new Dictionary<uint, int> { [5] = 2, [uint.MaxValue] = 1 }, marks);
        }

        [Theory]
        [InlineData("ICMP  0A000001:0050 rr ")]
        [InlineData("TCP  0A00001:0050 rr ")]
        [InlineData("TCP  0A000001-0050 rr ")]
        [InlineData("FWM  5 rr ")]
        [InlineData("TCP")]
        public void Names_the_line_that_does_not_parse(string line)
        {
            var error = Assert.Throws<FormatException>(() => ProcServiceList.Read(new StringReader(Listing + line + "\n"), new Dictionary<uint, int>()));
            Assert.Contains("line 14", error.Message);
            Assert.Contains(line.Trim(), error.Message);
        }
    }
}
