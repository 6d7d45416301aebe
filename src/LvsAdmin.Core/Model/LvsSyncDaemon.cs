using System.Net;

namespace LvsAdmin
{
    /// <summary>A running connection-synchronisation daemon (ipvsadm --start-daemon).</summary>
    public sealed class LvsSyncDaemon
    {
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
