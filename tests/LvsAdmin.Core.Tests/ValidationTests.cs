using System;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin.Core.Tests
{
    public class ValidationTests
    {
        private static readonly LvsServiceKey Tcp = LvsServiceKey.Parse("TCP 10.0.0.1:80");
        private static readonly LvsServiceKey Udp6 = LvsServiceKey.Parse("UDP [2001:db8::1]:53");

        private static LvsRealServer Server(string address, Action<LvsRealServer>? configure = null, ushort port = 80)
        {
            var server = new LvsRealServer { Address = IPAddress.Parse(address), Port = port };
            configure?.Invoke(server);
            return server;
        }

        public static TheoryData<string, LvsServiceKey, LvsRealServer> BadRealServers => new TheoryData<string, LvsServiceKey, LvsRealServer>
        {
            { "InvalidWeight", Tcp, Server("192.168.1.2", s => s.Weight = 65536) },
            { "InvalidWeight", Tcp, Server("192.168.1.2", s => s.Weight = -1) },
            { "LowerThresholdAboveUpper", Tcp, Server("192.168.1.2", s => { s.UpperThreshold = 10; s.LowerThreshold = 11; }) },
            { "LowerThresholdAboveUpper", Tcp, Server("192.168.1.2", s => s.LowerThreshold = 1) },
            { "TunnelOptionsWithoutTunnel", Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Masquerade; s.TunnelPort = 5; }) },
            { "TunnelOptionsWithoutTunnel", Tcp, Server("192.168.1.2", s => s.TunnelChecksum = LvsTunnelChecksum.Checksum) },
            { "TunnelPortMissing", Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Tunnel; s.TunnelType = LvsTunnelType.Gue; }) },
            { "TunnelPortWithoutGue", Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Tunnel; s.TunnelType = LvsTunnelType.Gre; s.TunnelPort = 9; }) },
            { "TunnelChecksumWithoutEncapsulation", Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Tunnel; s.TunnelChecksum = LvsTunnelChecksum.Checksum; }) },
            { "RemoteChecksumWithoutGue", Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Tunnel; s.TunnelType = LvsTunnelType.Gre; s.TunnelChecksum = LvsTunnelChecksum.RemoteChecksum; }) },
            { "MixedAddressFamily", Udp6, Server("192.168.1.2", s => s.ForwardingMethod = LvsForwardingMethod.Masquerade, port: 53) },
            { "PortWithoutMasquerade", Tcp, Server("192.168.1.2", port: 8080) },
        };

        [Theory]
        [MemberData(nameof(BadRealServers))]
        public void Refuses_a_real_server_the_kernel_would_refuse_or_misread(string reason, LvsServiceKey service, LvsRealServer server)
        {
            var error = Assert.Throws<LvsArgumentException>(() => LvsValidation.ValidateRealServer(service, server));
            Assert.Equal(reason, error.Reason);
            Assert.Contains("192.168.1.2", error.Message);
        }

        [Fact]
        public void Accepts_what_ipvsadm_accepts()
        {
            LvsValidation.ValidateRealServer(Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Masquerade; s.Port = 8080; s.Weight = 0; s.UpperThreshold = 5; s.LowerThreshold = 5; }));
            LvsValidation.ValidateRealServer(Tcp, Server("192.168.1.2", s => { s.ForwardingMethod = LvsForwardingMethod.Tunnel; s.TunnelType = LvsTunnelType.Gue; s.TunnelPort = 6080; s.TunnelChecksum = LvsTunnelChecksum.RemoteChecksum; }));
            LvsValidation.ValidateRealServer(Udp6, Server("192.168.1.2", s => s.ForwardingMethod = LvsForwardingMethod.Tunnel, port: 53));
        }

        public static TheoryData<string, Action<LvsService>> BadServices => new TheoryData<string, Action<LvsService>>
        {
            { "InvalidScheduler", s => s.Scheduler = "Round Robin" },
            { "InvalidScheduler", s => s.Scheduler = "averyveryverylongname" },
            { "InvalidPersistenceEngine", s => s.PersistenceEngine = "s i p" },
            { "InvalidPersistenceTimeout", s => s.Persistent = true },
            { "InvalidPersistenceMask", s => s.PersistenceMask = "64" },
            { "InvalidPersistenceMask", s => s.PersistenceMask = "255.255.0" },
            { "IncompatibleSchedulerFlag", s => s.SchedulerFlags = new[] { "mh-port" } },
            { "IncompatibleSchedulerFlag", s => s.SchedulerFlags = new[] { "flag-4" } },
        };

        [Theory]
        [MemberData(nameof(BadServices))]
        public void Refuses_a_service_the_kernel_would_refuse_or_misread(string reason, Action<LvsService> configure)
        {
            var service = LvsService.Create(Tcp);
            configure(service);
            Assert.Equal(reason, Assert.Throws<LvsArgumentException>(() => LvsValidation.ValidateService(service)).Reason);
        }

        [Fact]
        public void Refuses_port_zero_unless_persistent()
        {
            var service = LvsService.Create(LvsServiceKey.Parse("TCP 10.0.0.1:0"));
            Assert.Equal("ZeroPortNotPersistent", Assert.Throws<LvsArgumentException>(() => LvsValidation.ValidateService(service)).Reason);
            service.Persistent = true;
            service.PersistenceTimeout = 300;
            LvsValidation.ValidateService(service);
        }

        [Theory]
        [InlineData("255.255.255.0", AddressFamily.InterNetwork, 0x00ffffffu)]
        [InlineData("255.255.255.255", AddressFamily.InterNetwork, 0xffffffffu)]
        [InlineData("64", AddressFamily.InterNetworkV6, 64u)]
        [InlineData("128", AddressFamily.InterNetworkV6, 128u)]
        public void Encodes_persistence_masks_as_the_kernel_keeps_them(string mask, AddressFamily family, uint expected)
        {
            Assert.Equal(expected, ServiceFlags.EncodeMask(mask, family));
            Assert.Equal(mask, ServiceFlags.DecodeMask(expected, family));
        }

        // Set in every service the kernel reports; not a setting, so the model has no name for it.
        private const uint KernelHashedBit = 0x2;

        [Theory]
        [InlineData("sh", new[] { "sh-fallback", "sh-port" }, 0x18u)]
        [InlineData("mh", new[] { "mh-port" }, 0x10u)]
        [InlineData("rr", new[] { "flag-1", "flag-3" }, 0x28u)]
        [InlineData("sh", new[] { "flag-3" }, 0x20u)]
        public void Names_scheduler_flags_as_ipvsadm_does(string scheduler, string[] names, uint bits)
        {
            Assert.Equal(bits, ServiceFlags.BitsOf(names, scheduler));
            Assert.Equal(names, ServiceFlags.NamesOf(bits | ServiceFlags.Persistent | KernelHashedBit, scheduler));
        }
    }
}
