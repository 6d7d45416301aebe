using System;
using System.IO;
using System.Linq;
using System.Net;
using LvsAdmin.Connections;

namespace LvsAdmin.Core.Tests
{
    public class ConnectionTableTests
    {
        // Rows as the 6.1 kernel prints them (ip_vs_conn_seq_show): IPv4 in hex, IPv6 written out in full.
        private const string Table =
            "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n" +
            "TCP 0A630102 8A3E 0A630901 0050 0A631502 0050 TIME_WAIT        119\n" +
            "UDP 2001:0db8:0000:0000:0000:0000:0000:0010 D431 2001:0db8:0000:0000:0000:0000:0000:0001 0035 2001:0db8:0000:0000:0000:0000:0000:0002 0035 UDP              287\n" +
            "IP  0A630102 0000 0A630901 0000 0A631602 0000 NONE             359\n" +
            "UDP 0A630102 13C4 0A630901 13C4 0A631502 13C4 UDP              179 sip 3a4b5c@example.com\n" +
            "TCP 2001:0db8:0000:0000:0000:0000:0000:0010 8A3E 2001:0db8:0000:0000:0000:0000:0000:0001 0050 C0A80909 0050 ESTABLISHED      899\n";

        [Fact]
        public void Reads_every_row_kind()
        {
            var rows = ConnectionTable.Read(new StringReader(Table)).ToList();
            Assert.Equal(5, rows.Count);

            var tcp = rows[0];
            Assert.Equal(("TCP", IPAddress.Parse("10.99.1.2"), (ushort)0x8a3e), (tcp.Protocol, tcp.ClientAddress, tcp.ClientPort));
            Assert.Equal((IPAddress.Parse("10.99.9.1"), (ushort)80), (tcp.VirtualAddress, tcp.VirtualPort));
            Assert.Equal((IPAddress.Parse("10.99.21.2"), (ushort)80), (tcp.RealServerAddress, tcp.RealServerPort));
            Assert.Equal(("TIME_WAIT", 119u), (tcp.State, tcp.Expires));
            Assert.Null(tcp.PersistenceEngine);

            var udp6 = rows[1];
            Assert.Equal(IPAddress.Parse("2001:db8::10"), udp6.ClientAddress);
            Assert.Equal((IPAddress.Parse("2001:db8::1"), (ushort)53), (udp6.VirtualAddress, udp6.VirtualPort));

            Assert.Equal(("IP", "NONE", 359u), (rows[2].Protocol, rows[2].State, rows[2].Expires));
            Assert.Equal(("sip", "3a4b5c@example.com"), (rows[3].PersistenceEngine, rows[3].PersistenceData));
            Assert.Equal(IPAddress.Parse("192.168.9.9"), rows[4].RealServerAddress);
        }

        [Fact]
        public void Streams_a_large_table_row_by_row()
        {
            var reader = new GeneratedTable(100_000);
            int count = 0;
            foreach (var row in ConnectionTable.Read(reader))
            {
                count++;
                Assert.True(reader.LinesHandedOut - count <= 2, "the reader ran ahead of the rows it returned");
            }
            Assert.Equal(100_000, count);
        }

        [Theory]
        [InlineData("TCP 0A630102 8A3E 0A630901 0050 0A631502 0050 TIME_WAIT", "has 8 fields")]
        [InlineData("TCP 0A6301 8A3E 0A630901 0050 0A631502 0050 TIME_WAIT 119", "'0A6301' is not an address")]
        [InlineData("TCP 0A630102 8A3E0 0A630901 0050 0A631502 0050 TIME_WAIT 119", "'8A3E0' is not a port")]
        [InlineData("TCP 0A630102 8A3E 0A630901 0050 0A631502 0050 TIME_WAIT soon", "does not parse")]
        [InlineData("TCP 0A630102 8A3E 0A630901 0050 0A631502 0050 TIME_WAIT 99999999999", "out of range")]
        public void Names_the_line_of_a_row_that_does_not_parse(string row, string problem)
        {
            var error = Assert.Throws<FormatException>(() => ConnectionTable.Read(new StringReader("Pro FromIP\n" + row + "\n")).ToList());
            Assert.Contains("line 2", error.Message);
            Assert.Contains(problem, error.Message);
        }

        private sealed class GeneratedTable : TextReader
        {
            private readonly int _rows;
            public GeneratedTable(int rows) => _rows = rows;
            public int LinesHandedOut { get; private set; }

            public override string? ReadLine()
            {
                if (LinesHandedOut > _rows)
                    return null;
                return LinesHandedOut++ == 0
                    ? "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData"
                    : $"TCP 0A6301{LinesHandedOut % 256:X2} {LinesHandedOut % 65536:X4} 0A630901 0050 0A631502 0050 ESTABLISHED      899";
            }
        }
    }
}
