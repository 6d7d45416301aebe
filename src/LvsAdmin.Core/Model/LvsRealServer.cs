using System.Net;
using System.Net.Sockets;

namespace LvsAdmin
{
    /// <summary>A real server behind a virtual service, with its connection counts and statistics.</summary>
    public sealed class LvsRealServer
    {
        private LvsServiceKey? _serviceKey;
        private LvsStatistics? _statistics;

        /// <summary>The virtual service's key text, such as 'TCP 10.0.0.1:80'.</summary>
        public string Service { get; set; } = "";
        public IPAddress Address { get; set; } = IPAddress.None;
        public ushort Port { get; set; }
        public AddressFamily AddressFamily { get; set; } = AddressFamily.InterNetwork;
        public LvsForwardingMethod ForwardingMethod { get; set; } = LvsForwardingMethod.Route;
        public int Weight { get; set; } = 1;
        public uint UpperThreshold { get; set; }
        public uint LowerThreshold { get; set; }
        public uint ActiveConnections { get; set; }
        public uint InactiveConnections { get; set; }
        public uint PersistentConnections { get; set; }

        /// <summary>Set only for tunnelled real servers.</summary>
        public LvsTunnelType? TunnelType { get; set; }
        public ushort TunnelPort { get; set; }
        public LvsTunnelChecksum? TunnelChecksum { get; set; }
        /// <summary>The counters; zero until the kernel reports some (created on first use: tables are large).</summary>
        public LvsStatistics Statistics
        {
            get => _statistics ??= new LvsStatistics();
            set => _statistics = value;
        }

        public LvsServiceKey GetServiceKey() => _serviceKey ??= LvsServiceKey.Parse(Service);

        public void SetServiceKey(LvsServiceKey key)
        {
            _serviceKey = key;
            Service = key.ToString();
        }

        /// <summary>Whether the other is at the same address and port: what tells real servers of a service apart.</summary>
        public bool HasEndpointOf(LvsRealServer other) => Port == other.Port && Address.Equals(other.Address);

        public LvsRealServer Clone() => (LvsRealServer)MemberwiseClone();

        public override string ToString() => $"{Service} -> {Addresses.FormatEndpoint(Address, Port)}";
    }
}
