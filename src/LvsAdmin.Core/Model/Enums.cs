namespace LvsAdmin
{
    /// <summary>The transport protocol of a virtual service (the IP protocol number).</summary>
    public enum LvsProtocol
    {
        Tcp = 6,
        Udp = 17,
        Sctp = 132,
    }

    /// <summary>How the director hands a connection to a real server (ipvsadm -g, -m, -i).</summary>
    public enum LvsForwardingMethod
    {
        Masquerade = 0,
        Local = 1,
        Tunnel = 2,
        Route = 3,
        Bypass = 4,
    }

    /// <summary>The encapsulation of a tunnelled real server (ipvsadm --tun-type).</summary>
    public enum LvsTunnelType
    {
        Ipip = 0,
        Gue = 1,
        Gre = 2,
    }

    /// <summary>The checksum of GUE and GRE tunnels (ipvsadm --tun-nocsum, --tun-csum, --tun-remcsum).</summary>
    public enum LvsTunnelChecksum
    {
        NoChecksum = 0,
        Checksum = 1,
        RemoteChecksum = 2,
    }

    /// <summary>The role of a connection-synchronisation daemon.</summary>
    public enum LvsSyncState
    {
        Master = 1,
        Backup = 2,
    }
}
