using System.Net;

namespace LvsAdmin
{
    /// <summary>One entry of the connection table (/proc/net/ip_vs_conn, ipvsadm -L -c).</summary>
    public sealed class LvsConnection
    {
        /// <summary>TCP, UDP or SCTP; IP for a persistence template.</summary>
        public string Protocol { get; set; } = "";
        public IPAddress ClientAddress { get; set; } = IPAddress.None;
        public ushort ClientPort { get; set; }
        public IPAddress VirtualAddress { get; set; } = IPAddress.None;
        public ushort VirtualPort { get; set; }
        public IPAddress RealServerAddress { get; set; } = IPAddress.None;
        public ushort RealServerPort { get; set; }

        /// <summary>The protocol state as the kernel names it: ESTABLISHED, TIME_WAIT, NONE ...</summary>
        public string State { get; set; } = "";

        /// <summary>Seconds until the entry expires.</summary>
        public uint Expires { get; set; }

        public string? PersistenceEngine { get; set; }
        public string? PersistenceData { get; set; }

        public override string ToString() =>
            $"{Protocol} {Addresses.FormatEndpoint(ClientAddress, ClientPort)} -> {Addresses.FormatEndpoint(VirtualAddress, VirtualPort)} -> {Addresses.FormatEndpoint(RealServerAddress, RealServerPort)} {State}";
    }
}
