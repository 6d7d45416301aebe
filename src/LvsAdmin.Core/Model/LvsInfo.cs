using LvsAdmin.Ipvs;

namespace LvsAdmin
{
    /// <summary>
    /// What `ipvsadm -L` prints in its first line, the IPVS version and the connection table size, and where
    /// the kernel has /proc/net/ip_vs_status (7.1 and later) what that shows.
    /// </summary>
    public sealed class LvsInfo
    {
        private readonly IpvsStatus? _status;

        public LvsInfo(string version, uint connectionTableSize)
        {
            Version = version;
            ConnectionTableSize = connectionTableSize;
        }

        /// <summary>The same with what a 7.1 or later kernel adds: the size is the current one, and the status where it could be read.</summary>
        public LvsInfo WithCurrentSize(IpvsStatus? status) =>
            new(Version, ConnectionTableSize, status);

        private LvsInfo(string version, uint connectionTableSize, IpvsStatus? status) : this(version, connectionTableSize)
        {
            ConnectionTableSizeIsCurrent = true;
            _status = status;
        }

        public string Version { get; }

        public uint ConnectionTableSize { get; }

        /// <summary>
        /// Whether ConnectionTableSize is the table's size now (7.1 and later: the table grows and shrinks with the
        /// connections) rather than the most it can be (before 7.1).
        /// </summary>
        public bool ConnectionTableSizeIsCurrent { get; }

        /// <summary>The namespace's connections (7.1 and later; null before).</summary>
        public int? Connections => _status?.Connections;

        /// <summary>The connection table's buckets now (7.1 and later).</summary>
        public int? ConnectionBuckets => _status?.ConnectionBuckets;

        /// <summary>The connection table's load factor, a power of two (the conn_lfactor setting it was sized by).</summary>
        public int? ConnectionLoadFactor => _status?.ConnectionLoadFactor;

        /// <summary>The most connections in one bucket (7 stands for 7 or more; 0 with none).</summary>
        public int? LongestConnectionChain => _status?.LongestConnectionChain;

        /// <summary>The namespace's virtual services (7.1 and later).</summary>
        public int? Services => _status?.Services;

        /// <summary>The service table's buckets now (7.1 and later).</summary>
        public int? ServiceBuckets => _status?.ServiceBuckets;

        /// <summary>The service table's load factor (the svc_lfactor setting it was sized by).</summary>
        public int? ServiceLoadFactor => _status?.ServiceLoadFactor;

        /// <summary>The most services in one bucket (7 stands for 7 or more; 0 with none).</summary>
        public int? LongestServiceChain => _status?.LongestServiceChain;

        /// <summary>The kernel's encoding 0xMMmmpp as text (0x010201 is 1.2.1).</summary>
        public static string FormatVersion(uint version) =>
            $"{(version >> 16) & 0xff}.{(version >> 8) & 0xff}.{version & 0xff}";

        public override string ToString() => $"IP Virtual Server version {Version} (size={ConnectionTableSize})";
    }
}
