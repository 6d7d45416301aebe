using System;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin
{
    /// <summary>A virtual service: the address (or firewall mark) clients reach, and how it schedules them.</summary>
    public sealed class LvsService
    {
        public const string DefaultScheduler = "wlc";
        /// <summary>What a bare -p gives in ipvsadm's code (its man page says 300).</summary>
        public const uint DefaultPersistenceTimeout = 360;

        /// <summary>
        /// The longest persistence and connection timeout ipvsadm takes, 31 days: the kernel keeps the
        /// persistence timeout as seconds times HZ in 32 bits, so larger values wrap.
        /// </summary>
        public const uint MaxTimeout = 31 * 86400;

        private LvsStatistics? _statistics;
        private LvsServiceKey? _key;

        public LvsProtocol? Protocol { get; set; }
        public IPAddress? Address { get; set; }
        public ushort Port { get; set; }
        public uint FirewallMark { get; set; }
        public AddressFamily AddressFamily { get; set; } = AddressFamily.InterNetwork;
        public string Scheduler { get; set; } = DefaultScheduler;
        public bool Persistent { get; set; }

        /// <summary>Seconds a client stays with its real server; meaningful when Persistent.</summary>
        public uint PersistenceTimeout { get; set; }

        /// <summary>The persistence granularity as ipvsadm writes it: a dotted mask for IPv4, a prefix length for IPv6.</summary>
        public string PersistenceMask { get; set; } = "255.255.255.255";

        public string? PersistenceEngine { get; set; }
        public bool OnePacket { get; set; }
        public string[] SchedulerFlags { get; set; } = Array.Empty<string>();
        /// <summary>The counters; zero until the kernel reports some (created on first use: tables are large).</summary>
        public LvsStatistics Statistics
        {
            get => _statistics ??= new LvsStatistics();
            set => _statistics = value;
        }

        /// <summary>The service's key; kept while the properties it is made of stay as they are.</summary>
        public LvsServiceKey GetKey()
        {
            if (_key is null || !KeyMatches(_key))
            {
                _key = FirewallMark != 0
                    ? LvsServiceKey.ForFirewallMark(FirewallMark, AddressFamily)
                    : LvsServiceKey.ForAddress(Protocol ?? throw new InvalidOperationException("A service without a firewall mark needs a protocol."),
                        Address ?? throw new InvalidOperationException("A service without a firewall mark needs an address."), Port);
            }
            return _key;
        }

        private bool KeyMatches(LvsServiceKey key) => FirewallMark != 0
            ? key.FirewallMark == FirewallMark && key.AddressFamily == AddressFamily
            : key.FirewallMark == 0 && key.Protocol == Protocol && key.Port == Port && ReferenceEquals(key.Address, Address);

        /// <summary>A service with the given key and ipvsadm's defaults for everything else.</summary>
        public static LvsService Create(LvsServiceKey key) => new LvsService
        {
            Protocol = key.Protocol,
            Address = key.Address,
            Port = key.Port,
            FirewallMark = key.FirewallMark,
            AddressFamily = key.AddressFamily,
            PersistenceMask = ServiceFlags.DefaultMask(key.AddressFamily),
        };

        public LvsService Clone()
        {
            var copy = (LvsService)MemberwiseClone();
            copy.SchedulerFlags = (string[])SchedulerFlags.Clone();
            return copy;
        }

        public override string ToString() => GetKey().ToString();
    }
}
