using LvsAdmin.Settings;

namespace LvsAdmin
{
    /// <summary>One IPVS setting of a network namespace: a net.ipv4.vs.* sysctl.</summary>
    public sealed class LvsSetting
    {
        /// <summary>The name as under /proc/sys/net/ipv4/vs, such as expire_nodest_conn.</summary>
        public string Name { get; set; } = "";

        /// <summary>An Int32 for most settings, an Int64 for sync_qlen_max, two Int32 for sync_threshold, text for est_cpulist.</summary>
        public object? Value { get; set; }

        /// <summary>What it does and which values it takes.</summary>
        public string Description { get; set; } = "";

        /// <summary>Whether the kernel lets nobody change it in this namespace.</summary>
        public bool ReadOnly { get; set; }

        public override string ToString() => $"{Name} = {IpvsSettings.FormatValue(Value)}";
    }
}
