using System;
using System.Net;
using System.Net.Sockets;
using LvsAdmin.Netlink;

namespace LvsAdmin.Ipvs
{
    /// <summary>Encodes IPVS requests and decodes the kernel's replies: no socket, so it can be tested on bytes alone.</summary>
    public static class IpvsCodec
    {
        private const ushort FamilyIPv4 = 2;
        private const ushort FamilyIPv6 = 10;
        private const uint ForwardingMask = 0x7;

        public static ushort ToKernelFamily(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? FamilyIPv6 : FamilyIPv4;

        public static AddressFamily FromKernelFamily(ushort family) => family switch
        {
            FamilyIPv4 => AddressFamily.InterNetwork,
            FamilyIPv6 => AddressFamily.InterNetworkV6,
            _ => throw new NetlinkProtocolException($"The kernel reported address family {family}, which is neither IPv4 nor IPv6."),
        };

        /// <summary>The service attribute with only the key: for delete, get, zero and real-server requests.</summary>
        public static void WriteServiceKey(NetlinkMessageWriter writer, LvsServiceKey key)
        {
            int nest = writer.BeginNested(IpvsAttribute.Service);
            WriteKeyAttributes(writer, key);
            writer.EndNested(nest);
        }

        /// <summary>The whole service, as new-service and set-service requests need it.</summary>
        public static void WriteService(NetlinkMessageWriter writer, LvsService service)
        {
            var key = service.GetKey();
            int nest = writer.BeginNested(IpvsAttribute.Service);
            WriteKeyAttributes(writer, key);
            writer.PutString(ServiceAttribute.SchedulerName, service.Scheduler);
            if (!string.IsNullOrEmpty(service.PersistenceEngine))
                writer.PutString(ServiceAttribute.PersistenceEngine, service.PersistenceEngine!);
            // Only the bits the model knows are changed: an edit leaves any other bit as the kernel has it.
            writer.PutU32Pair(ServiceAttribute.Flags, FlagsOf(service), ServiceFlags.Settable);
            writer.PutU32(ServiceAttribute.Timeout, service.Persistent ? service.PersistenceTimeout : 0);
            writer.PutU32(ServiceAttribute.Netmask, ServiceFlags.EncodeMask(service.PersistenceMask, key.AddressFamily));
            writer.EndNested(nest);
        }

        public static uint FlagsOf(LvsService service) =>
            (service.Persistent ? ServiceFlags.Persistent : 0) |
            (service.OnePacket ? ServiceFlags.OnePacket : 0) |
            ServiceFlags.BitsOf(service.SchedulerFlags, service.Scheduler);

        private static void WriteKeyAttributes(NetlinkMessageWriter writer, LvsServiceKey key)
        {
            writer.PutU16(ServiceAttribute.AddressFamily, ToKernelFamily(key.AddressFamily));
            if (key.IsFirewallMark)
            {
                writer.PutU32(ServiceAttribute.FirewallMark, key.FirewallMark);
            }
            else
            {
                writer.PutU16(ServiceAttribute.Protocol, (ushort)key.Protocol!.Value);
                writer.PutInetAddress(ServiceAttribute.Address, key.Address!);
                writer.PutU16BigEndian(ServiceAttribute.Port, key.Port);
            }
        }

        /// <summary>A real server, its attributes in the order ipvsadm's libipvs writes them.</summary>
        public static void WriteRealServer(NetlinkMessageWriter writer, LvsRealServer server, bool keyOnly)
        {
            int nest = writer.BeginNested(IpvsAttribute.Destination);
            writer.PutU16(DestinationAttribute.AddressFamily, ToKernelFamily(Addresses.FamilyOf(server.Address)));
            writer.PutInetAddress(DestinationAttribute.Address, server.Address);
            writer.PutU16BigEndian(DestinationAttribute.Port, server.Port);
            if (!keyOnly)
            {
                writer.PutU32(DestinationAttribute.ForwardingMethod, (uint)server.ForwardingMethod);
                writer.PutU32(DestinationAttribute.Weight, (uint)server.Weight);
                writer.PutU8(DestinationAttribute.TunnelType, (byte)(server.TunnelType ?? LvsTunnelType.Ipip));
                writer.PutU16BigEndian(DestinationAttribute.TunnelPort, server.TunnelPort);
                writer.PutU16(DestinationAttribute.TunnelFlags, (ushort)(server.TunnelChecksum ?? LvsTunnelChecksum.NoChecksum));
                writer.PutU32(DestinationAttribute.UpperThreshold, server.UpperThreshold);
                writer.PutU32(DestinationAttribute.LowerThreshold, server.LowerThreshold);
            }
            writer.EndNested(nest);
        }

        public static LvsService DecodeService(NetlinkMessage message)
        {
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type == IpvsAttribute.Service)
                    return DecodeServiceAttributes(attribute.Nested);
            }
            throw new NetlinkProtocolException("A service reply has no service attribute.");
        }

        private static LvsService DecodeServiceAttributes(NetlinkAttributeEnumerator attributes)
        {
            ushort? family = null;
            LvsProtocol? protocol = null;
            ReadOnlySpan<byte> address = default;
            bool hasAddress = false;
            ushort port = 0;
            uint mark = 0, flags = 0, timeout = 0, netmask = 0;
            string? scheduler = null, engine = null;
            ReadOnlySpan<byte> statistics = default, statistics64 = default;
            foreach (var attribute in attributes)
            {
                switch (attribute.Type)
                {
                    case ServiceAttribute.AddressFamily: family = attribute.GetU16(); break;
                    case ServiceAttribute.Protocol: protocol = (LvsProtocol)attribute.GetU16(); break;
                    case ServiceAttribute.Address: address = attribute.Value; hasAddress = true; break;
                    case ServiceAttribute.Port: port = attribute.GetU16BigEndian(); break;
                    case ServiceAttribute.FirewallMark: mark = attribute.GetU32(); break;
                    case ServiceAttribute.SchedulerName: scheduler = SchedulerName(attribute); break;
                    case ServiceAttribute.Flags: flags = attribute.GetU32(); break;
                    case ServiceAttribute.Timeout: timeout = attribute.GetU32(); break;
                    case ServiceAttribute.Netmask: netmask = attribute.GetU32(); break;
                    case ServiceAttribute.PersistenceEngine: engine = attribute.GetString(); break;
                    case ServiceAttribute.Statistics: statistics = attribute.Value; break;
                    case ServiceAttribute.Statistics64: statistics64 = attribute.Value; break;
                }
            }
            if (family is null)
                throw new NetlinkProtocolException("A service reply has no address family.");
            var addressFamily = FromKernelFamily(family.Value);
            if (mark == 0 && (protocol is null || !hasAddress))
                throw new NetlinkProtocolException("A service reply has neither a firewall mark nor a protocol and address.");
            // The kernel adds services of these protocols and IPv6 masks of 1 to 128 bits only.
            if (mark == 0 && !Enum.IsDefined(protocol!.Value))
                throw new NetlinkProtocolException($"A service reply names protocol {(ushort)protocol.Value}, which IPVS does not balance.");
            if (addressFamily == AddressFamily.InterNetworkV6 && (netmask < 1 || netmask > 128))
                throw new NetlinkProtocolException($"A service reply has an IPv6 persistence mask of {netmask} bits.");
            scheduler ??= "";
            return new LvsService
            {
                AddressFamily = addressFamily,
                FirewallMark = mark,
                Protocol = mark == 0 ? protocol : null,
                Address = mark == 0 ? AddressFrom(address, addressFamily) : null,
                Port = mark == 0 ? port : (ushort)0,
                Scheduler = scheduler,
                Persistent = (flags & ServiceFlags.Persistent) != 0,
                PersistenceTimeout = (flags & ServiceFlags.Persistent) != 0 ? timeout : 0,
                PersistenceMask = ServiceFlags.DecodeMask(netmask, addressFamily),
                PersistenceEngine = string.IsNullOrEmpty(engine) ? null : engine,
                OnePacket = (flags & ServiceFlags.OnePacket) != 0,
                SchedulerFlags = ServiceFlags.NamesOf(flags, scheduler),
                Statistics = DecodeStatistics(statistics, statistics64),
            };
        }

        /// <summary>Decodes a real server of the service given by key; its address family defaults to the service's.</summary>
        public static LvsRealServer DecodeRealServer(NetlinkMessage message, LvsServiceKey key)
        {
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type == IpvsAttribute.Destination)
                    return DecodeRealServerAttributes(attribute.Nested, key);
            }
            throw new NetlinkProtocolException("A real-server reply has no destination attribute.");
        }

        private static LvsRealServer DecodeRealServerAttributes(NetlinkAttributeEnumerator attributes, LvsServiceKey key)
        {
            var family = key.AddressFamily;
            ReadOnlySpan<byte> address = default;
            bool hasAddress = false;
            var server = new LvsRealServer();
            server.SetServiceKey(key);
            ReadOnlySpan<byte> statistics = default, statistics64 = default;
            byte tunnelType = 0;
            ushort tunnelFlags = 0;
            foreach (var attribute in attributes)
            {
                switch (attribute.Type)
                {
                    case DestinationAttribute.Address: address = attribute.Value; hasAddress = true; break;
                    case DestinationAttribute.Port: server.Port = attribute.GetU16BigEndian(); break;
                    case DestinationAttribute.ForwardingMethod: server.ForwardingMethod = (LvsForwardingMethod)(attribute.GetU32() & ForwardingMask); break;
                    case DestinationAttribute.Weight: server.Weight = (int)attribute.GetU32(); break;
                    case DestinationAttribute.UpperThreshold: server.UpperThreshold = attribute.GetU32(); break;
                    case DestinationAttribute.LowerThreshold: server.LowerThreshold = attribute.GetU32(); break;
                    case DestinationAttribute.ActiveConnections: server.ActiveConnections = attribute.GetU32(); break;
                    case DestinationAttribute.InactiveConnections: server.InactiveConnections = attribute.GetU32(); break;
                    case DestinationAttribute.PersistentConnections: server.PersistentConnections = attribute.GetU32(); break;
                    case DestinationAttribute.AddressFamily: family = FromKernelFamily(attribute.GetU16()); break;
                    case DestinationAttribute.TunnelType: tunnelType = attribute.GetU8(); break;
                    case DestinationAttribute.TunnelPort: server.TunnelPort = attribute.GetU16BigEndian(); break;
                    case DestinationAttribute.TunnelFlags: tunnelFlags = attribute.GetU16(); break;
                    case DestinationAttribute.Statistics: statistics = attribute.Value; break;
                    case DestinationAttribute.Statistics64: statistics64 = attribute.Value; break;
                }
            }
            if (!hasAddress)
                throw new NetlinkProtocolException("A real-server reply has no address.");
            server.AddressFamily = family;
            server.Address = AddressFrom(address, family);
            if (server.ForwardingMethod == LvsForwardingMethod.Tunnel)
            {
                server.TunnelType = (LvsTunnelType)tunnelType;
                server.TunnelChecksum = (LvsTunnelChecksum)tunnelFlags;
            }
            else
            {
                server.TunnelPort = 0;
            }
            server.Statistics = DecodeStatistics(statistics, statistics64);
            return server;
        }

        private static IPAddress AddressFrom(ReadOnlySpan<byte> bytes, AddressFamily family)
        {
            int length = family == AddressFamily.InterNetworkV6 ? 16 : 4;
            if (bytes.Length < length)
                throw new NetlinkProtocolException($"An address attribute has {bytes.Length} bytes where {length} are needed.");
            return new IPAddress(bytes.Slice(0, length));
        }

        /// <summary>The 64-bit counters when the kernel sends them (since 4.x it sends both), else the 32-bit ones.</summary>
        private static LvsStatistics DecodeStatistics(ReadOnlySpan<byte> statistics, ReadOnlySpan<byte> statistics64) =>
            statistics64.IsEmpty ? DecodeStatistics(new NetlinkAttributeEnumerator(statistics), wide: false) : DecodeStatistics(new NetlinkAttributeEnumerator(statistics64), wide: true);

        private static string SchedulerName(NetlinkAttribute attribute)
        {
            var name = attribute.Value;
            int end = name.IndexOf((byte)0);
            return LvsValidation.KnownScheduler(end < 0 ? name : name.Slice(0, end)) ?? attribute.GetString();
        }

        private static LvsStatistics DecodeStatistics(NetlinkAttributeEnumerator attributes, bool wide)
        {
            var statistics = new LvsStatistics();
            foreach (var attribute in attributes)
            {
                switch (attribute.Type)
                {
                    case StatisticsAttribute.Connections: statistics.Connections = Read(attribute, wide); break;
                    case StatisticsAttribute.InPackets: statistics.InPackets = Read(attribute, wide); break;
                    case StatisticsAttribute.OutPackets: statistics.OutPackets = Read(attribute, wide); break;
                    case StatisticsAttribute.InBytes: statistics.InBytes = attribute.GetU64(); break;
                    case StatisticsAttribute.OutBytes: statistics.OutBytes = attribute.GetU64(); break;
                    case StatisticsAttribute.ConnectionsPerSecond: statistics.ConnectionsPerSecond = Read(attribute, wide); break;
                    case StatisticsAttribute.InPacketsPerSecond: statistics.InPacketsPerSecond = Read(attribute, wide); break;
                    case StatisticsAttribute.OutPacketsPerSecond: statistics.OutPacketsPerSecond = Read(attribute, wide); break;
                    case StatisticsAttribute.InBytesPerSecond: statistics.InBytesPerSecond = Read(attribute, wide); break;
                    case StatisticsAttribute.OutBytesPerSecond: statistics.OutBytesPerSecond = Read(attribute, wide); break;
                }
            }
            return statistics;
        }

        private static ulong Read(NetlinkAttribute attribute, bool wide) => wide ? attribute.GetU64() : attribute.GetU32();

        public static LvsInfo DecodeInfo(NetlinkMessage message)
        {
            uint? version = null, size = null;
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type == InfoAttribute.Version)
                    version = attribute.GetU32();
                else if (attribute.Type == InfoAttribute.ConnectionTableSize)
                    size = attribute.GetU32();
            }
            if (version is null || size is null)
                throw new NetlinkProtocolException("The IPVS info reply lacks the version or the table size.");
            return new LvsInfo(LvsInfo.FormatVersion(version.Value), size.Value);
        }

        public static LvsTimeout DecodeTimeout(NetlinkMessage message)
        {
            var timeout = new LvsTimeout();
            foreach (var attribute in message.GenericAttributes)
            {
                switch (attribute.Type)
                {
                    case IpvsAttribute.TimeoutTcp: timeout.Tcp = attribute.GetU32(); break;
                    case IpvsAttribute.TimeoutTcpFin: timeout.TcpFin = attribute.GetU32(); break;
                    case IpvsAttribute.TimeoutUdp: timeout.Udp = attribute.GetU32(); break;
                }
            }
            return timeout;
        }

        public static void WriteTimeout(NetlinkMessageWriter writer, LvsTimeout timeout)
        {
            writer.PutU32(IpvsAttribute.TimeoutTcp, timeout.Tcp);
            writer.PutU32(IpvsAttribute.TimeoutTcpFin, timeout.TcpFin);
            writer.PutU32(IpvsAttribute.TimeoutUdp, timeout.Udp);
        }

        public static LvsSyncDaemon DecodeDaemon(NetlinkMessage message)
        {
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type != IpvsAttribute.Daemon)
                    continue;
                var daemon = new LvsSyncDaemon();
                foreach (var field in attribute.Nested)
                {
                    switch (field.Type)
                    {
                        case DaemonAttribute.State: daemon.State = (LvsSyncState)field.GetU32(); break;
                        case DaemonAttribute.Interface: daemon.Interface = field.GetString(); break;
                        case DaemonAttribute.SyncId: daemon.SyncId = field.GetU32(); break;
                        case DaemonAttribute.MaxLength: daemon.MaxLength = field.GetU16(); break;
                        case DaemonAttribute.Group: daemon.Group ??= field.GetInetAddress(ipv6: false); break;
                        case DaemonAttribute.Group6: daemon.Group = field.GetInetAddress(ipv6: true); break;
                        case DaemonAttribute.Port: daemon.Port = field.GetU16(); break;
                        case DaemonAttribute.Ttl: daemon.Ttl = field.GetU8(); break;
                    }
                }
                return daemon;
            }
            throw new NetlinkProtocolException("A sync-daemon reply has no daemon attribute.");
        }

        public static void WriteDaemon(NetlinkMessageWriter writer, LvsSyncDaemon daemon, bool stateOnly)
        {
            int nest = writer.BeginNested(IpvsAttribute.Daemon);
            writer.PutU32(DaemonAttribute.State, (uint)daemon.State);
            if (!stateOnly)
            {
                writer.PutString(DaemonAttribute.Interface, daemon.Interface);
                writer.PutU32(DaemonAttribute.SyncId, daemon.SyncId);
                if (daemon.MaxLength != 0)
                    writer.PutU16(DaemonAttribute.MaxLength, daemon.MaxLength);
                if (daemon.Group is not null)
                {
                    if (daemon.Group.AddressFamily == AddressFamily.InterNetworkV6)
                        writer.PutBytes(DaemonAttribute.Group6, daemon.Group.GetAddressBytes());
                    else
                        writer.PutBytes(DaemonAttribute.Group, daemon.Group.GetAddressBytes());
                }
                if (daemon.Port != 0)
                    writer.PutU16(DaemonAttribute.Port, daemon.Port);
                if (daemon.Ttl != 0)
                    writer.PutU8(DaemonAttribute.Ttl, daemon.Ttl);
            }
            writer.EndNested(nest);
        }
    }
}
