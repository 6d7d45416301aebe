using System;
using System.Net;
using System.Net.Sockets;
using LvsAdmin;

namespace LvsAdmin.Core.Tests
{
    public class ServiceKeyTests
    {
        [Theory]
        [InlineData("TCP 10.0.0.1:80", "TCP 10.0.0.1:80")]
        [InlineData("tcp   10.0.0.1:80", "TCP 10.0.0.1:80")]
        [InlineData("UDP [2001:db8::1]:53", "UDP [2001:db8::1]:53")]
        [InlineData("sctp 192.0.2.7:5000", "SCTP 192.0.2.7:5000")]
        [InlineData("FWM 5", "FWM 5")]
        [InlineData("fwm 4294967295 IPv6", "FWM 4294967295 IPv6")]
        [InlineData("FWM 7 ipv4", "FWM 7")]
        public void Parses_the_text_ipvsadm_shows_and_writes_it_back(string text, string expected)
        {
            Assert.Equal(expected, LvsServiceKey.Parse(text).ToString());
        }

        [Fact]
        public void A_service_key_follows_the_properties_it_is_made_of()
        {
            var service = LvsService.Create(LvsServiceKey.Parse("TCP 10.0.0.1:80"));
            var key = service.GetKey();
            Assert.Same(key, service.GetKey());
            service.Port = 443;
            Assert.Equal("TCP 10.0.0.1:443", service.GetKey().ToString());
            service.Address = IPAddress.Parse("10.0.0.2");
            Assert.Equal("TCP 10.0.0.2:443", service.GetKey().ToString());
            service.Protocol = LvsProtocol.Udp;
            Assert.Equal("UDP 10.0.0.2:443", service.GetKey().ToString());
            service.FirewallMark = 9;
            Assert.Equal("FWM 9", service.GetKey().ToString());
            service.AddressFamily = AddressFamily.InterNetworkV6;
            Assert.Equal("FWM 9 IPv6", service.GetKey().ToString());
        }

        [Fact]
        public void Statistics_read_zero_until_set()
        {
            var server = new LvsRealServer();
            Assert.Equal(0UL, server.Statistics.Connections);
            Assert.Same(server.Statistics, server.Statistics);
            var counted = new LvsStatistics { Connections = 3 };
            var service = new LvsService { Statistics = counted };
            Assert.Same(counted, service.Statistics);
        }

        [Theory]
        [InlineData("", "not a virtual service")]
        [InlineData("TCP", "not a virtual service")]
        [InlineData("ICMP 10.0.0.1:80", "not a virtual service")]
        [InlineData("TCP 10.0.0.1", "has no port")]
        [InlineData("TCP 10.0.0.300:80", "'10.0.0.300' is not an IPv4 or IPv6 address")]
        [InlineData("TCP 10.1:80", "'10.1' is not an IPv4 or IPv6 address")]
        [InlineData("TCP 10.0.0.1:65536", "'65536' is not a port")]
        [InlineData("UDP [2001:db8::1:53", "opening bracket")]
        [InlineData("FWM 0", "'0' is not a firewall mark")]
        [InlineData("FWM -1", "'-1' is not a firewall mark")]
        [InlineData("FWM 5 IPv7", "'IPv7' is not an address family")]
        public void Names_what_is_wrong_with_bad_text(string text, string expected)
        {
            Assert.False(LvsServiceKey.TryParse(text, out var key, out var error));
            Assert.Null(key);
            Assert.Contains(expected, error);
        }

        [Fact]
        public void Keys_with_the_same_parts_are_equal()
        {
            var a = LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80);
            var b = LvsServiceKey.Parse("TCP 10.0.0.1:80");
            Assert.Equal(a, b);
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
            Assert.NotEqual(a, LvsServiceKey.Parse("UDP 10.0.0.1:80"));
            Assert.NotEqual(LvsServiceKey.ForFirewallMark(5), LvsServiceKey.ForFirewallMark(5, AddressFamily.InterNetworkV6));
        }
    }
}
