using System;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace LvsAdmin
{
    /// <summary>Input the kernel would refuse or misread, caught before anything is sent.</summary>
    public class LvsArgumentException : ArgumentException
    {
        public LvsArgumentException(string reason, string message) : base(message) => Reason = reason;

        /// <summary>A stable name for the kind of mistake, usable as an error id.</summary>
        public string Reason { get; }
    }

    /// <summary>The checks ipvsadm makes (and some the kernel makes with a less helpful answer).</summary>
    public static class LvsValidation
    {
        public const int MaxWeight = 65535;
        private static readonly Regex ModuleName = new Regex("^[a-z0-9_]{1,15}$", RegexOptions.CultureInvariant);

        /// <summary>The schedulers of mainline Linux, for completion and help; the kernel decides which it has.</summary>
        public static readonly string[] KnownSchedulers = { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos" };

        /// <summary>The known scheduler of this name as a shared string, or null: a large table names the same few thousands of times.</summary>
        internal static string? KnownScheduler(ReadOnlySpan<char> name)
        {
            foreach (string known in KnownSchedulers)
            {
                if (name.SequenceEqual(known))
                    return known;
            }
            return null;
        }

        /// <inheritdoc cref="KnownScheduler(ReadOnlySpan{char})"/>
        internal static string? KnownScheduler(ReadOnlySpan<byte> asciiName)
        {
            foreach (string known in KnownSchedulers)
            {
                if (Ascii.Equals(asciiName, known))
                    return known;
            }
            return null;
        }

        public static void ValidateService(LvsService service)
        {
            var key = service.GetKey();
            if (!ModuleName.IsMatch(service.Scheduler ?? ""))
                throw new LvsArgumentException("InvalidScheduler", $"'{service.Scheduler}' is not a scheduler name: use one of {string.Join(", ", KnownSchedulers)}.");
            if (service.PersistenceEngine is { Length: > 0 } engine && !ModuleName.IsMatch(engine))
                throw new LvsArgumentException("InvalidPersistenceEngine", $"'{engine}' is not a persistence engine name (such as sip).");
            if (!key.IsFirewallMark && key.Port == 0 && !service.Persistent)
                throw new LvsArgumentException("ZeroPortNotPersistent", $"Zero port specified for non-persistent service {key}: give a port, or make the service persistent to match every port.");
            if (service.Persistent && (service.PersistenceTimeout == 0 || service.PersistenceTimeout > LvsService.MaxTimeout))
                throw new LvsArgumentException("InvalidPersistenceTimeout",
                    $"The persistence timeout {service.PersistenceTimeout} of {key} is out of range: use 1 to {LvsService.MaxTimeout} seconds (31 days).");
            if (service.OnePacket && !key.IsFirewallMark && key.Protocol != LvsProtocol.Udp)
                throw new LvsArgumentException("OnePacketNotUdp", $"One-packet scheduling is only for UDP (or firewall-mark) services, not {key}.");
            ValidateMask(service.PersistenceMask, key.AddressFamily);
            try
            {
                ServiceFlags.BitsOf(service.SchedulerFlags, service.Scheduler!);
            }
            catch (ArgumentException e)
            {
                throw new LvsArgumentException("IncompatibleSchedulerFlag", e.Message);
            }
        }

        private static void ValidateMask(string? mask, AddressFamily family)
        {
            try
            {
                ServiceFlags.EncodeMask(mask ?? "", family);
            }
            catch (ArgumentException)
            {
                bool looksIPv6Prefix = uint.TryParse(mask, out _);
                throw new LvsArgumentException("InvalidPersistenceMask", family == AddressFamily.InterNetworkV6
                    ? $"'{mask}' is not a persistence mask for an IPv6 service: give a prefix length from 1 to 128."
                    : looksIPv6Prefix
                        ? $"'{mask}' is a prefix length, which only IPv6 services take: an IPv4 service takes a dotted mask such as 255.255.255.0."
                        : $"'{mask}' is not a persistence mask for an IPv4 service: give a dotted mask such as 255.255.255.0.");
            }
        }

        public static void ValidateRealServer(LvsServiceKey service, LvsRealServer server)
        {
            // Formatted only for an error: this runs for every rule of a large import.
            string endpoint() => Addresses.FormatEndpoint(server.Address, server.Port);
            if (server.Weight < 0 || server.Weight > MaxWeight)
                throw new LvsArgumentException("InvalidWeight", $"The weight {server.Weight} of {endpoint()} is out of range: use 0 to {MaxWeight}.");
            // The kernel refuses this even when the upper threshold is 0 (no limit).
            if (server.LowerThreshold > server.UpperThreshold)
                throw new LvsArgumentException("LowerThresholdAboveUpper", $"The lower threshold {server.LowerThreshold} of {endpoint()} is above its upper threshold {server.UpperThreshold}.");
            // A firewall-mark service has no port of its own: its real servers keep theirs, as in ipvsadm.
            if (!service.IsFirewallMark && server.ForwardingMethod != LvsForwardingMethod.Masquerade && server.Port != service.Port)
                throw new LvsArgumentException("PortWithoutMasquerade",
                    $"The real server {endpoint()} would need port translation, which only -ForwardingMethod Masquerade does: with {server.ForwardingMethod} it receives the service's port {service.Port}.");
            bool tunnel = server.ForwardingMethod == LvsForwardingMethod.Tunnel;
            if (!tunnel && (server.TunnelType is not null || server.TunnelPort != 0 || server.TunnelChecksum is not null))
                throw new LvsArgumentException("TunnelOptionsWithoutTunnel", $"Tunnel options conflict with the forwarding method {server.ForwardingMethod} of {endpoint()}: they need -ForwardingMethod Tunnel.");
            if (tunnel)
            {
                var type = server.TunnelType ?? LvsTunnelType.Ipip;
                if (type == LvsTunnelType.Gue && server.TunnelPort == 0)
                    throw new LvsArgumentException("TunnelPortMissing", $"A GUE tunnel to {endpoint()} needs a tunnel port (-TunnelPort).");
                if (type != LvsTunnelType.Gue && server.TunnelPort != 0)
                    throw new LvsArgumentException("TunnelPortWithoutGue", $"Only GUE tunnels take a tunnel port; {endpoint()} tunnels with {type}.");
                var checksum = server.TunnelChecksum ?? LvsTunnelChecksum.NoChecksum;
                if (type == LvsTunnelType.Ipip && checksum != LvsTunnelChecksum.NoChecksum)
                    throw new LvsArgumentException("TunnelChecksumWithoutEncapsulation", $"IPIP tunnels have no checksum option; {endpoint()} would need GUE or GRE.");
                if (type == LvsTunnelType.Gre && checksum == LvsTunnelChecksum.RemoteChecksum)
                    throw new LvsArgumentException("RemoteChecksumWithoutGue", $"Remote checksum offload is for GUE tunnels only; {endpoint()} tunnels with GRE.");
            }
            if (Addresses.FamilyOf(server.Address) != service.AddressFamily && !tunnel)
                throw new LvsArgumentException("MixedAddressFamily",
                    $"The real server {endpoint()} is {FamilyName(server.Address.AddressFamily)} but the service {service} is {FamilyName(service.AddressFamily)}: mixing address families needs -ForwardingMethod Tunnel.");
        }

        public static void ValidateSyncDaemon(LvsSyncDaemon daemon)
        {
            if (daemon.State != LvsSyncState.Master && daemon.State != LvsSyncState.Backup)
                throw new LvsArgumentException("InvalidSyncState", $"'{daemon.State}' is not a sync daemon state: use Master or Backup.");
            if (string.IsNullOrEmpty(daemon.Interface) || daemon.Interface.Length > 15 || daemon.Interface.IndexOfAny(new[] { '/', ' ', ':' }) >= 0)
                throw new LvsArgumentException("InvalidInterface", $"'{daemon.Interface}' is not an interface name (1 to 15 characters, no '/', ':' or spaces).");
            if (daemon.SyncId > 255)
                throw new LvsArgumentException("InvalidSyncId", $"The sync id {daemon.SyncId} is out of range: use 0 to 255.");
            if (daemon.Group is { } group)
            {
                bool multicast = group.AddressFamily == AddressFamily.InterNetworkV6
                    ? group.IsIPv6Multicast
                    : group.AddressFamily == AddressFamily.InterNetwork && (group.GetAddressBytes()[0] & 0xf0) == 0xe0;
                if (!multicast)
                    throw new LvsArgumentException("InvalidMulticastGroup", $"'{group}' is not a multicast group address (224.0.0.0/4 or ff00::/8).");
            }
        }

        private static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
    }
}
