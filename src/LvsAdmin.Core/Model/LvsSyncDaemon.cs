using System.Net;

namespace LvsAdmin
{
    /// <summary>A running connection-synchronisation daemon (ipvsadm --start-daemon).</summary>
    public sealed class LvsSyncDaemon
    {
        /// <summary>The interface ipvsadm --start-daemon uses without --mcast-interface.</summary>
        public const string DefaultInterface = "eth0";

        /// <summary>The largest sync message ipvsadm takes: a UDP datagram's payload over IPv4.</summary>
        public const int MaxMessageLength = 65507;

        public LvsSyncState State { get; set; }
        public string Interface { get; set; } = "";
        public uint SyncId { get; set; }
        public ushort MaxLength { get; set; }
        public IPAddress? Group { get; set; }
        public ushort Port { get; set; }
        public byte Ttl { get; set; }

        public override string ToString() => $"{State} {Interface} syncid={SyncId}";
    }
}
