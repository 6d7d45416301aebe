namespace LvsAdmin
{
    /// <summary>The connection timeouts, in seconds (ipvsadm --timeout).</summary>
    public sealed class LvsTimeout
    {
        public uint Tcp { get; set; }
        public uint TcpFin { get; set; }
        public uint Udp { get; set; }

        public override string ToString() => $"{Tcp} {TcpFin} {Udp}";
    }
}
