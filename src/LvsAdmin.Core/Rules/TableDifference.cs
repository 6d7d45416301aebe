using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Rules
{
    public enum LvsDifferenceAction
    {
        Add,
        Remove,
        Change,
    }

    /// <summary>One service or real server that differs between the live table and the desired rules.</summary>
    public sealed class LvsRuleDifference
    {
        internal LvsRuleDifference(LvsDifferenceAction action, string service, string? realServer, string[] properties,
            object? live, object? desired, int? lineNumber, IpvsChange change)
        {
            Action = action;
            Service = service;
            RealServer = realServer;
            Properties = properties;
            Live = live;
            Desired = desired;
            LineNumber = lineNumber;
            _change = change;
        }

        private readonly IpvsChange _change;

        public LvsDifferenceAction Action { get; }

        /// <summary>The service's key text.</summary>
        public string Service { get; }

        /// <summary>The real server's address and port; null when the difference is the service itself.</summary>
        public string? RealServer { get; }

        /// <summary>For a change, the properties whose values differ.</summary>
        public string[] Properties { get; }

        /// <summary>The object as the kernel has it (null for an addition).</summary>
        public object? Live { get; }

        /// <summary>The object as the rules want it (null for a removal).</summary>
        public object? Desired { get; }

        /// <summary>The rule line that wants it (null for a removal).</summary>
        public int? LineNumber { get; }

        /// <summary>The kernel request that removes the difference.</summary>
        public IpvsChange GetChange() => _change;

        public override string ToString()
        {
            string what = RealServer is null ? $"service {Service}" : $"real server {RealServer} of {Service}";
            return Action == LvsDifferenceAction.Change ? $"Change {what}: {string.Join(", ", Properties)}" : $"{Action} {what}";
        }
    }

    /// <summary>The fewest changes that make the live table equal to a desired one: what -Replace applies, what Compare reports.</summary>
    public static class TableDifference
    {
        /// <summary>
        /// Compares the live table, read once in any order (it may be streamed: no live entry is kept
        /// beyond its comparison unless it differs), with the desired one. Removals of services come first,
        /// in live order; then services added or changed, real servers removed, and real servers added or
        /// changed, each in the order of the rules.
        /// </summary>
        public static List<LvsRuleDifference> Compute(IEnumerable<LvsTableEntry> live, DesiredTable desired)
        {
            var wantedServices = desired.Services;
            var positions = new Dictionary<LvsServiceKey, int>(wantedServices.Count);
            for (int i = 0; i < wantedServices.Count; i++)
                positions.Add(wantedServices[i].Service.GetKey(), i);
            var isLive = new bool[wantedServices.Count];
            var removeServices = new List<LvsRuleDifference>();
            var services = new List<(int Position, LvsRuleDifference Difference)>();
            var removeServers = new List<(int Position, LvsRuleDifference Difference)>();
            var servers = new List<(int Position, LvsRuleDifference Difference)>();

            foreach (var entry in live)
            {
                var key = entry.Service.GetKey();
                if (!positions.TryGetValue(key, out int position))
                {
                    removeServices.Add(new LvsRuleDifference(LvsDifferenceAction.Remove, key.ToString(), null, Array.Empty<string>(),
                        entry.Service, null, null, IpvsChange.ForService(IpvsChangeKind.Delete, entry.Service)));
                    continue;
                }
                isLive[position] = true;
                var wanted = wantedServices[position];
                var differing = DifferingProperties(entry.Service, wanted.Service);
                if (differing.Length > 0)
                {
                    services.Add((position, new LvsRuleDifference(LvsDifferenceAction.Change, key.ToString(), null, differing,
                        entry.Service, wanted.Service, wanted.LineNumber, IpvsChange.ForService(IpvsChangeKind.Update, wanted.Service))));
                }
                CompareRealServers(position, entry.RealServers, wanted, removeServers, servers);
            }
            for (int position = 0; position < wantedServices.Count; position++)
            {
                if (isLive[position])
                    continue;
                var wanted = wantedServices[position];
                services.Add((position, new LvsRuleDifference(LvsDifferenceAction.Add, wanted.Service.GetKey().ToString(), null, Array.Empty<string>(),
                    null, wanted.Service, wanted.LineNumber, IpvsChange.ForService(IpvsChangeKind.Add, wanted.Service))));
                CompareRealServers(position, Array.Empty<LvsRealServer>(), wanted, removeServers, servers);
            }
            // Removals first (a real server's address may move between services), services before their real servers.
            var all = new List<LvsRuleDifference>(removeServices.Count + services.Count + removeServers.Count + servers.Count);
            all.AddRange(removeServices);
            all.AddRange(InRuleOrder(services));
            all.AddRange(InRuleOrder(removeServers));
            all.AddRange(InRuleOrder(servers));
            return all;
        }

        private static void CompareRealServers(int position, IReadOnlyList<LvsRealServer> liveServers, DesiredTable.ServiceEntry wanted,
            List<(int, LvsRuleDifference)> removals, List<(int, LvsRuleDifference)> changes)
        {
            string keyText = wanted.Service.GetKey().ToString();
            var liveEndpoints = new EndpointIndex(liveServers);
            var wantedEndpoints = new EndpointIndex(wanted.RealServerList);
            for (int i = 0; i < liveServers.Count; i++)
            {
                var server = liveServers[i];
                if (wantedEndpoints.IndexOf(server) >= 0)
                    continue;
                removals.Add((position, new LvsRuleDifference(LvsDifferenceAction.Remove, keyText, Endpoint(server), Array.Empty<string>(),
                    server, null, null, IpvsChange.ForRealServer(IpvsChangeKind.Delete, server))));
            }
            for (int i = 0; i < wanted.RealServers.Count; i++)
            {
                var (server, line) = wanted.RealServers[i];
                int index = liveEndpoints.IndexOf(server);
                if (index < 0)
                {
                    changes.Add((position, new LvsRuleDifference(LvsDifferenceAction.Add, keyText, Endpoint(server), Array.Empty<string>(),
                        null, server, line, IpvsChange.ForRealServer(IpvsChangeKind.Add, server))));
                    continue;
                }
                var existing = liveServers[index];
                var differing = DifferingProperties(existing, server);
                if (differing.Length > 0)
                {
                    changes.Add((position, new LvsRuleDifference(LvsDifferenceAction.Change, keyText, Endpoint(server), differing,
                        existing, server, line, IpvsChange.ForRealServer(IpvsChangeKind.Update, server))));
                }
            }
        }

        /// <summary>The differences by the position of their service in the rules; a stable sort, so each service's keep their order.</summary>
        private static IEnumerable<LvsRuleDifference> InRuleOrder(List<(int Position, LvsRuleDifference Difference)> differences) =>
            differences.OrderBy(d => d.Position).Select(d => d.Difference);

        /// <summary>
        /// Finds a service's real servers by address and port: a scan for the few most services have,
        /// a dictionary for many, so that neither a large table nor a large service costs more than linear time.
        /// </summary>
        private readonly struct EndpointIndex
        {
            private const int ScanLimit = 16;
            private readonly IReadOnlyList<LvsRealServer> _servers;
            private readonly Dictionary<(IPAddress, ushort), int>? _byEndpoint;

            public EndpointIndex(IReadOnlyList<LvsRealServer> servers)
            {
                _servers = servers;
                _byEndpoint = null;
                if (servers.Count > ScanLimit)
                {
                    _byEndpoint = new Dictionary<(IPAddress, ushort), int>(servers.Count);
                    for (int i = 0; i < servers.Count; i++)
                        _byEndpoint[(servers[i].Address, servers[i].Port)] = i;
                }
            }

            public int IndexOf(LvsRealServer server)
            {
                if (_byEndpoint is not null)
                    return _byEndpoint.TryGetValue((server.Address, server.Port), out int found) ? found : -1;
                for (int i = 0; i < _servers.Count; i++)
                {
                    if (_servers[i].HasEndpointOf(server))
                        return i;
                }
                return -1;
            }
        }

        private static string Endpoint(LvsRealServer server) => Addresses.FormatEndpoint(server.Address, server.Port);

        public static string[] DifferingProperties(LvsService live, LvsService desired)
        {
            // Most entries of a large table are equal: the list is made only for the first difference.
            List<string>? names = null;
            if (live.Scheduler != desired.Scheduler) Add(ref names, nameof(LvsService.Scheduler));
            if (live.Persistent != desired.Persistent) Add(ref names, nameof(LvsService.Persistent));
            if (desired.Persistent && live.PersistenceTimeout != desired.PersistenceTimeout) Add(ref names, nameof(LvsService.PersistenceTimeout));
            if (desired.Persistent && !SameMask(live, desired)) Add(ref names, nameof(LvsService.PersistenceMask));
            if ((live.PersistenceEngine ?? "") != (desired.PersistenceEngine ?? "")) Add(ref names, nameof(LvsService.PersistenceEngine));
            if (live.OnePacket != desired.OnePacket) Add(ref names, nameof(LvsService.OnePacket));
            if (ServiceFlags.BitsOf(live.SchedulerFlags, live.Scheduler) != ServiceFlags.BitsOf(desired.SchedulerFlags, desired.Scheduler))
                Add(ref names, nameof(LvsService.SchedulerFlags));
            return names?.ToArray() ?? Array.Empty<string>();
        }

        public static string[] DifferingProperties(LvsRealServer live, LvsRealServer desired)
        {
            List<string>? names = null;
            if (Method(live) != Method(desired)) Add(ref names, nameof(LvsRealServer.ForwardingMethod));
            if (live.Weight != desired.Weight) Add(ref names, nameof(LvsRealServer.Weight));
            if (live.UpperThreshold != desired.UpperThreshold) Add(ref names, nameof(LvsRealServer.UpperThreshold));
            if (live.LowerThreshold != desired.LowerThreshold) Add(ref names, nameof(LvsRealServer.LowerThreshold));
            if (desired.ForwardingMethod == LvsForwardingMethod.Tunnel)
            {
                if (live.TunnelType != desired.TunnelType) Add(ref names, nameof(LvsRealServer.TunnelType));
                if (live.TunnelPort != desired.TunnelPort) Add(ref names, nameof(LvsRealServer.TunnelPort));
                if (live.TunnelChecksum != desired.TunnelChecksum) Add(ref names, nameof(LvsRealServer.TunnelChecksum));
            }
            return names?.ToArray() ?? Array.Empty<string>();
        }

        // As the kernel keeps them: '255.255.255.0' and '255.255.255.000' are one mask.
        private static bool SameMask(LvsService live, LvsService desired) =>
            live.PersistenceMask == desired.PersistenceMask ||
            ServiceFlags.EncodeMask(live.PersistenceMask, live.AddressFamily) == ServiceFlags.EncodeMask(desired.PersistenceMask, desired.AddressFamily);

        private static void Add(ref List<string>? names, string name) => (names ??= new List<string>(2)).Add(name);

        // The kernel reports Local for a real server at one of the director's own addresses, where rules say -g.
        private static LvsForwardingMethod Method(LvsRealServer server) =>
            server.ForwardingMethod == LvsForwardingMethod.Local ? LvsForwardingMethod.Route : server.ForwardingMethod;
    }
}
