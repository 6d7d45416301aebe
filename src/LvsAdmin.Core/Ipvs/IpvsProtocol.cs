namespace LvsAdmin.Ipvs
{
    /// <summary>Numbers of the IPVS generic-netlink protocol (include/uapi/linux/ip_vs.h).</summary>
    internal static class IpvsCommand
    {
        public const byte NewService = 1;
        public const byte SetService = 2;
        public const byte DeleteService = 3;
        public const byte GetService = 4;
        public const byte NewDestination = 5;
        public const byte SetDestination = 6;
        public const byte DeleteDestination = 7;
        public const byte GetDestination = 8;
        public const byte NewDaemon = 9;
        public const byte DeleteDaemon = 10;
        public const byte GetDaemon = 11;
        public const byte SetConfig = 12;
        public const byte GetConfig = 13;
        public const byte GetInfo = 15;
        public const byte Zero = 16;
        public const byte Flush = 17;
    }

    internal static class IpvsAttribute
    {
        public const ushort Service = 1;
        public const ushort Destination = 2;
        public const ushort Daemon = 3;
        public const ushort TimeoutTcp = 4;
        public const ushort TimeoutTcpFin = 5;
        public const ushort TimeoutUdp = 6;
    }

    internal static class ServiceAttribute
    {
        public const ushort AddressFamily = 1;
        public const ushort Protocol = 2;
        public const ushort Address = 3;
        public const ushort Port = 4;
        public const ushort FirewallMark = 5;
        public const ushort SchedulerName = 6;
        public const ushort Flags = 7;
        public const ushort Timeout = 8;
        public const ushort Netmask = 9;
        public const ushort Statistics = 10;
        public const ushort PersistenceEngine = 11;
        public const ushort Statistics64 = 12;
    }

    internal static class DestinationAttribute
    {
        public const ushort Address = 1;
        public const ushort Port = 2;
        public const ushort ForwardingMethod = 3;
        public const ushort Weight = 4;
        public const ushort UpperThreshold = 5;
        public const ushort LowerThreshold = 6;
        public const ushort ActiveConnections = 7;
        public const ushort InactiveConnections = 8;
        public const ushort PersistentConnections = 9;
        public const ushort Statistics = 10;
        public const ushort AddressFamily = 11;
        public const ushort Statistics64 = 12;
        public const ushort TunnelType = 13;
        public const ushort TunnelPort = 14;
        public const ushort TunnelFlags = 15;
    }

    internal static class DaemonAttribute
    {
        public const ushort State = 1;
        public const ushort Interface = 2;
        public const ushort SyncId = 3;
        public const ushort MaxLength = 4;
        public const ushort Group = 5;
        public const ushort Group6 = 6;
        public const ushort Port = 7;
        public const ushort Ttl = 8;
    }

    internal static class StatisticsAttribute
    {
        public const ushort Connections = 1;
        public const ushort InPackets = 2;
        public const ushort OutPackets = 3;
        public const ushort InBytes = 4;
        public const ushort OutBytes = 5;
        public const ushort ConnectionsPerSecond = 6;
        public const ushort InPacketsPerSecond = 7;
        public const ushort OutPacketsPerSecond = 8;
        public const ushort InBytesPerSecond = 9;
        public const ushort OutBytesPerSecond = 10;
    }

    internal static class InfoAttribute
    {
        public const ushort Version = 1;
        public const ushort ConnectionTableSize = 2;
    }
}
