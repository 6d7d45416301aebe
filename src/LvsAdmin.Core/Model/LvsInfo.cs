namespace LvsAdmin
{
    /// <summary>What `ipvsadm -L` prints in its first line: the IPVS version and the connection table size.</summary>
    public sealed class LvsInfo
    {
        public LvsInfo(string version, uint connectionTableSize)
        {
            Version = version;
            ConnectionTableSize = connectionTableSize;
        }

        public string Version { get; }

        public uint ConnectionTableSize { get; }

        /// <summary>The kernel's encoding 0xMMmmpp as text (0x010201 is 1.2.1).</summary>
        public static string FormatVersion(uint version) =>
            $"{(version >> 16) & 0xff}.{(version >> 8) & 0xff}.{version & 0xff}";

        public override string ToString() => $"IP Virtual Server version {Version} (size={ConnectionTableSize})";
    }
}
