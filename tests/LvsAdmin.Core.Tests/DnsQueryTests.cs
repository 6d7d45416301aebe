using System;
using LvsAdmin.Health;

namespace LvsAdmin.Core.Tests
{
    public class DnsQueryTests
    {
        [Fact]
        public void BuildsOneQuestionWithRecursionDesired()
        {
            byte[] expected =
            {
                0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                3, (byte)'w', (byte)'w', (byte)'w', 3, (byte)'l', (byte)'v', (byte)'s', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0,
                0x00, 0x1c, 0x00, 0x01,
            };
            Assert.Equal(expected, DnsQuery.Build(0x1234, "www.lvs.test.", (ushort)LvsDnsRecordType.AAAA));
            Assert.Equal(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1 }, DnsQuery.Build(1, ".", (ushort)LvsDnsRecordType.SOA));
        }

        [Theory]
        [InlineData(0x8180, 0x1234, true, 0, 2)]
        [InlineData(0x8183, 0x1234, true, 3, 2)]
        [InlineData(0x0100, 0x1234, false, 0, 0)]
        [InlineData(0x8180, 0x4321, false, 0, 0)]
        public void ReadsTheCodeAndAnswersOfAReplyToItsQuestionOnly(int flags, int id, bool mine, int code, int answers)
        {
            byte[] reply = { (byte)(id >> 8), (byte)id, (byte)(flags >> 8), (byte)flags, 0, 1, 0, 2, 0, 0, 0, 0 };
            Assert.Equal(mine, DnsQuery.TryReadAnswer(reply, 0x1234, out int readCode, out int readAnswers));
            Assert.Equal((code, answers), (readCode, readAnswers));
            Assert.False(DnsQuery.TryReadAnswer(reply.AsSpan(0, 11), 0x1234, out _, out _));
        }

        [Theory]
        [InlineData("www.example.org", null)]
        [InlineData(".", null)]
        [InlineData("a..b", "label of 0 characters")]
        [InlineData("b\u00fccher.de", "not a character of a DNS label")]
        [InlineData("a b", "not a character of a DNS label")]
        public void ValidatesNames(string name, string? error)
        {
            string? found = DnsQuery.Validate(name);
            if (error is null)
                Assert.Null(found);
            else
                Assert.Contains(error, found);
            Assert.Contains("longer than 253", DnsQuery.Validate(string.Join(".", new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 63))));
            Assert.Contains("label of 64", DnsQuery.Validate(new string('a', 64)));
        }
    }
}
