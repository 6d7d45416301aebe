namespace LvsAdmin
{
    /// <summary>The counters of a virtual service or real server, and the kernel's per-second estimates.</summary>
    public sealed class LvsStatistics
    {
        public ulong Connections { get; set; }
        public ulong InPackets { get; set; }
        public ulong OutPackets { get; set; }
        public ulong InBytes { get; set; }
        public ulong OutBytes { get; set; }
        public ulong ConnectionsPerSecond { get; set; }
        public ulong InPacketsPerSecond { get; set; }
        public ulong OutPacketsPerSecond { get; set; }
        public ulong InBytesPerSecond { get; set; }
        public ulong OutBytesPerSecond { get; set; }

        public override string ToString() =>
            $"{Connections} conns, {InPackets}/{OutPackets} pkts, {InBytes}/{OutBytes} bytes";
    }
}
