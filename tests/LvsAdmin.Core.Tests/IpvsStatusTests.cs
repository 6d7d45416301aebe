using System;
using LvsAdmin.Ipvs;
using Xunit;

namespace LvsAdmin.Core.Tests
{
    public class IpvsStatusTests
    {
        [Fact]
        public void ReadsTheCountsTablesLoadFactorsAndLongestChains()
        {
            var status = IpvsStatus.Parse(
                "Conns:\t3\n" +
                "Conn buckets:\t256 (8 bits, lfactor -4)\n" +
                "Conn buckets empty:\t253 (98%)\n" +
                "Conn buckets len-1:\t2 (66%)\n" +
                "Conn buckets len-2:\t1 (33%)\n" +
                "Services:\t1500\n" +
                "Service buckets:\t16384 (14 bits, lfactor -3)\n" +
                "Service buckets empty:\t15000 (91%)\n" +
                "Service buckets len-1:\t1300 (94%)\n" +
                "Service buckets len-7:\t1 (0%)\n" +
                "Stats thread slots:\t1 (max 16)\n" +
                "Stats chain max len:\t16\n" +
                "Stats thread ests:\t38400\n");
            Assert.Equal(new IpvsStatus(3, 256, -4, 2, 1500, 16384, -3, 7), status);
        }

        [Fact]
        public void AnEmptyTableHasNoChains()
        {
            var status = IpvsStatus.Parse("Conns:\t0\nConn buckets:\t0 (0 bits, lfactor 0)\nServices:\t0\nService buckets:\t0 (0 bits, lfactor 0)\nStats thread slots:\t0 (max 16)\n");
            Assert.Equal(new IpvsStatus(0, 0, 0, 0, 0, 0, 0, 0), status);
        }

        [Theory]
        [InlineData("Conn buckets:\t256 (8 bits, lfactor -4)\nServices:\t1\nService buckets:\t16 (4 bits, lfactor -3)\n", "'Conns'")]
        [InlineData("Conns:\t1\nConn buckets:\t256\nServices:\t1\nService buckets:\t16 (4 bits, lfactor -3)\n", "'Conn buckets: N (B bits, lfactor F)'")]
        [InlineData("", "'Conn")]
        public void NamesWhatIsMissing(string text, string named)
        {
            var error = Assert.Throws<FormatException>(() => IpvsStatus.Parse(text));
            Assert.Contains(named, error.Message);
        }
    }
}
