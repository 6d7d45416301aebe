using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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

        /// <summary>The listing as the kernel gives it: each read() a walk of its own, of at most chunk bytes.</summary>
        private static ProcServiceList Read(string text, int chunk = 1 << 16, int firstRead = 1 << 16) =>
            ProcServiceList.Read(new ChunkedStream(System.Text.Encoding.ASCII.GetBytes(text), chunk), firstRead);

        private sealed class ChunkedStream : MemoryStream
        {
            private readonly int _chunk;
            public ChunkedStream(byte[] bytes, int chunk) : base(bytes) => _chunk = chunk;
            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _chunk));
        }

        [Theory]
        [InlineData(160, 1 << 16)]
        [InlineData(160, 40)]
        [InlineData(100, 250)]
        [InlineData(30, 30)]
        public void Each_read_is_a_stretch_of_the_services_whose_line_began_in_it(int chunk, int firstRead)
        {
            // Where each service's line begins, and so which read it began in (the stream gives at most chunk bytes a read).
            firstRead = Math.Min(firstRead, chunk);
            var expected = new SortedDictionary<int, int>();
            int offset = 0;
            foreach (string line in Listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[0] is "TCP" or "UDP" or "SCTP" or "FWM")
                {
                    int read = offset < firstRead ? 0 : 1 + (offset - firstRead) / chunk;
                    expected[read] = expected.GetValueOrDefault(read) + 1;
                }
                offset += line.Length + 1;
            }
            var listing = Read(Listing, chunk, firstRead);
            Assert.Equal(expected.Values, listing.Stretches.Select(stretch => stretch.Services.Count));
            Assert.Equal(new[] { "TCP 10.0.0.1:80", "UDP 10.0.0.2:53", "SCTP 10.0.0.3:2905", "TCP [2001:db8::1]:443", "FWM 5", "FWM 5", "FWM 4294967295" },
                listing.Stretches.SelectMany(stretch => stretch.Services).Select(key => key.ToString()));
            Assert.True(listing.Stretches[0].FromStart);
            Assert.All(listing.Stretches.Skip(1), stretch => Assert.False(stretch.FromStart));
            Assert.All(listing.Stretches.SkipLast(1), stretch => Assert.False(stretch.ToEnd));
            Assert.True(listing.Stretches[^1].ToEnd, "a last read far shorter than a page ended with the walk");
        }

        [Fact]
        public void Reads_each_address_service_by_key_and_counts_marks()
        {
            var listing = Read(Listing);
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
        public void Misses_nothing_in_a_dump_of_the_same_services()
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
            Assert.Empty(Read(Listing).MissingFrom(dumped));
        }

        [Fact]
        public void Names_what_the_dump_lacks_and_both_families_of_a_mark_it_has_fewer_of()
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
            // What the dump alone has (gone) is not asked for: the dump saw it in the table.
            var expected = new HashSet<LvsServiceKey>
            {
                skipped,
                LvsServiceKey.ForFirewallMark(5),
                LvsServiceKey.ForFirewallMark(5, AddressFamily.InterNetworkV6),
            };
            var missing = Read(Listing).MissingFrom(dumped);
            Assert.True(expected.SetEquals(missing), $"missing: {string.Join(", ", missing)}");
        }

        [Theory]
        [InlineData("ICMP  0A000001:0050 rr ")]
        [InlineData("TCP  0A00001:0050 rr ")]
        [InlineData("TCP  0A000001-0050 rr ")]
        [InlineData("FWM  5 rr ")]
        [InlineData("TCP")]
        public void Names_the_line_that_does_not_parse(string line)
        {
            var error = Assert.Throws<FormatException>(() => Read(Listing + line + "\n"));
            Assert.Contains("line 14", error.Message);
            Assert.Contains(line.Trim(), error.Message);
        }
    }
}
