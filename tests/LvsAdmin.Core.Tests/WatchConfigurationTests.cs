using System;
using System.Collections;
using System.Linq;
using LvsAdmin.Health;

namespace LvsAdmin.Core.Tests
{
    /// <summary>The health watch's configuration, as Import-PowerShellDataFile hands it over: tables, lists, numbers, text.</summary>
    public class WatchConfigurationTests
    {
        private static WatchConfiguration Read(Hashtable data) =>
            WatchConfiguration.Read(data, 5, new HealthProbeOptions(), new RealServerWatchOptions());

        [Fact]
        public void ServicesTakeTheirOwnSettingsThenTheTopLevelOnesThenTheDefaults()
        {
            var configuration = Read(new Hashtable
            {
                ["Interval"] = 2,
                ["fall"] = 4,
                ["Timeout"] = 0.5,
                ["Services"] = new object[]
                {
                    new Hashtable { ["Service"] = "TCP 10.0.0.1:80", ["Check"] = "http", ["Path"] = "/health", ["StatusCode"] = new object[] { 200, 204 }, ["Fall"] = 2, ["SlowStart"] = 30 },
                    new Hashtable { ["Service"] = "FWM 5", ["Port"] = 443, ["Check"] = "Https", ["SkipCertificateCheck"] = true, ["OnFailure"] = "Remove", ["Quorum"] = 3, ["SorryServer"] = "[2001:db8::9]:443" },
                },
            });
            Assert.Equal(2, configuration.Interval);
            var (web, mark) = (configuration.Services[0], configuration.Services[1]);
            Assert.Equal((LvsHealthCheck.Http, "/health", 2, 2, TimeSpan.FromSeconds(30)), (web.Probe.Check, web.Probe.Path, web.Watch.Fall, web.Watch.Rise, web.Watch.SlowStart));
            Assert.Equal(new[] { 200, 204 }, web.Probe.StatusCodes);
            Assert.Equal(TimeSpan.FromSeconds(0.5), web.Probe.Timeout);
            Assert.Null(web.ProbePort);
            Assert.Equal("FWM 5", mark.Service.ToString());
            Assert.Equal((LvsHealthCheck.Https, true, (ushort?)443, 4, LvsFailureAction.Remove), (mark.Probe.Check, mark.Probe.SkipCertificateCheck, mark.ProbePort, mark.Watch.Fall, mark.Watch.OnFailure));
            Assert.Equal(("2001:db8::9", (ushort)443, 3), (mark.Watch.SorryServer!.Value.Address.ToString(), mark.Watch.SorryServer.Value.Port, mark.Watch.Quorum));
        }

        [Fact]
        public void UdpAndDnsChecksTakeTheirOwnSettings()
        {
            var configuration = Read(new Hashtable
            {
                ["Services"] = new object[]
                {
                    new Hashtable { ["Service"] = "UDP 10.0.0.1:7", ["Check"] = "Udp", ["Payload"] = "ping", ["Expect"] = "^pong" },
                    new Hashtable { ["Service"] = "UDP 10.0.0.1:53", ["Check"] = "dns", ["QueryName"] = "www.example.org", ["QueryType"] = "aaaa" },
                },
            });
            var (udp, dns) = (configuration.Services[0].Probe, configuration.Services[1].Probe);
            Assert.Equal((LvsHealthCheck.Udp, "ping", "^pong"), (udp.Check, udp.Payload, udp.Expect));
            Assert.Equal((LvsHealthCheck.Dns, "www.example.org", LvsDnsRecordType.AAAA), (dns.Check, dns.QueryName, dns.QueryType));
            Assert.Equal(LvsHealthCheck.Dns, configuration.Services[1].Watch.Check);
        }

        [Theory]
        [InlineData("Fal", 2, "Services[0] has 'Fal', which is not a setting")]
        [InlineData("Fall", 0, "Services[0]: Fall is '0'; it takes a whole number from 1 to 1000")]
        [InlineData("Check", "Ping", "Services[0]: Check is 'Ping'; it takes Tcp, Http, Https, Udp, Dns")]
        [InlineData("Expect", "(", "Services[0]: Expect '(' is not a regular expression")]
        [InlineData("QueryName", "a..b", "Services[0]: the DNS name 'a..b' has a label of 0 characters")]
        [InlineData("QueryType", "AXFR", "Services[0]: QueryType is 'AXFR'; it takes A, NS, CNAME, SOA")]
        [InlineData("SkipCertificateCheck", "yes", "SkipCertificateCheck is 'yes'; it takes $true or $false")]
        [InlineData("SorryServer", "10.0.0.9:80", "Quorum and SorryServer go together")]
        [InlineData("SorryServer", "10.0.0.9", "is not an address:port")]
        [InlineData("InitialState", "Unknown", "InitialState is Up or Down")]
        public void AWrongSettingIsAnErrorThatNamesIt(string key, object value, string message)
        {
            var data = new Hashtable { ["Services"] = new Hashtable { ["Service"] = "TCP 10.0.0.1:80", [key] = value } };
            Assert.Contains(message, Assert.Throws<FormatException>(() => Read(data)).Message);
        }

        [Fact]
        public void NoServicesOrTheSameServiceTwiceIsAnError()
        {
            Assert.Contains("has no Services", Assert.Throws<FormatException>(() => Read(new Hashtable { ["Interval"] = 1 })).Message);
            Assert.Contains("names no Service", Assert.Throws<FormatException>(() => Read(new Hashtable { ["Services"] = new Hashtable { ["Fall"] = 1 } })).Message);
            var twice = new Hashtable { ["Services"] = new object[] { new Hashtable { ["Service"] = "tcp 10.0.0.1:80" }, new Hashtable { ["Service"] = "TCP 10.0.0.1:80" } } };
            Assert.Contains("twice", Assert.Throws<FormatException>(() => Read(twice)).Message);
        }
    }
}
