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
        public static List<LvsRuleDifference> Compute(IEnumerable<LvsTableEntry> live, DesiredTable desired)
        {
            var liveByKey = live.ToDictionary(entry => entry.Service.GetKey());
            var removeServices = new List<LvsRuleDifference>();
            var services = new List<LvsRuleDifference>();
            var removeServers = new List<LvsRuleDifference>();
            var servers = new List<LvsRuleDifference>();

            foreach (var entry in liveByKey.Values.Where(e => !desired.Contains(e.Service.GetKey())))
            {
                removeServices.Add(new LvsRuleDifference(LvsDifferenceAction.Remove, entry.Service.ToString(), null, Array.Empty<string>(),
                    entry.Service, null, null, IpvsChange.ForService(IpvsChangeKind.Delete, entry.Service)));
            }
            foreach (var wanted in desired.Services)
            {
                var key = wanted.Service.GetKey();
                string keyText = key.ToString();
                IReadOnlyList<LvsRealServer> liveServers = Array.Empty<LvsRealServer>();
                if (!liveByKey.TryGetValue(key, out var current))
                {
                    services.Add(new LvsRuleDifference(LvsDifferenceAction.Add, keyText, null, Array.Empty<string>(),
                        null, wanted.Service, wanted.LineNumber, IpvsChange.ForService(IpvsChangeKind.Add, wanted.Service)));
                }
                else
                {
                    liveServers = current.RealServers;
                    var differing = DifferingProperties(current.Service, wanted.Service);
                    if (differing.Length > 0)
                    {
                        services.Add(new LvsRuleDifference(LvsDifferenceAction.Change, keyText, null, differing,
                            current.Service, wanted.Service, wanted.LineNumber, IpvsChange.ForService(IpvsChangeKind.Update, wanted.Service)));
                    }
                }
                var liveByEndpoint = liveServers.ToDictionary(EndpointKey);
                var wantedEndpoints = new HashSet<(IPAddress, ushort)>(wanted.RealServers.Select(r => EndpointKey(r.RealServer)));
                foreach (var server in liveServers.Where(s => !wantedEndpoints.Contains(EndpointKey(s))))
                {
                    removeServers.Add(new LvsRuleDifference(LvsDifferenceAction.Remove, keyText, Endpoint(server), Array.Empty<string>(),
                        server, null, null, IpvsChange.ForRealServer(IpvsChangeKind.Delete, server)));
                }
                foreach (var (server, line) in wanted.RealServers)
                {
                    if (!liveByEndpoint.TryGetValue(EndpointKey(server), out var existing))
                    {
                        servers.Add(new LvsRuleDifference(LvsDifferenceAction.Add, keyText, Endpoint(server), Array.Empty<string>(),
                            null, server, line, IpvsChange.ForRealServer(IpvsChangeKind.Add, server)));
                        continue;
                    }
                    var differing = DifferingProperties(existing, server);
                    if (differing.Length > 0)
                    {
                        servers.Add(new LvsRuleDifference(LvsDifferenceAction.Change, keyText, Endpoint(server), differing,
                            existing, server, line, IpvsChange.ForRealServer(IpvsChangeKind.Update, server)));
                    }
                }
            }
            // Removals first (a real server's address may move between services), services before their real servers.
            return removeServices.Concat(services).Concat(removeServers).Concat(servers).ToList();
        }

        private static string Endpoint(LvsRealServer server) => Addresses.FormatEndpoint(server.Address, server.Port);

        private static (IPAddress, ushort) EndpointKey(LvsRealServer server) => (server.Address, server.Port);

        public static string[] DifferingProperties(LvsService live, LvsService desired)
        {
            var names = new List<string>(0);
            if (live.Scheduler != desired.Scheduler) names.Add(nameof(LvsService.Scheduler));
            if (live.Persistent != desired.Persistent) names.Add(nameof(LvsService.Persistent));
            if (desired.Persistent && live.PersistenceTimeout != desired.PersistenceTimeout) names.Add(nameof(LvsService.PersistenceTimeout));
            if (desired.Persistent && live.PersistenceMask != desired.PersistenceMask) names.Add(nameof(LvsService.PersistenceMask));
            if ((live.PersistenceEngine ?? "") != (desired.PersistenceEngine ?? "")) names.Add(nameof(LvsService.PersistenceEngine));
            if (live.OnePacket != desired.OnePacket) names.Add(nameof(LvsService.OnePacket));
            if (ServiceFlags.BitsOf(live.SchedulerFlags, live.Scheduler) != ServiceFlags.BitsOf(desired.SchedulerFlags, desired.Scheduler))
                names.Add(nameof(LvsService.SchedulerFlags));
            return names.Count == 0 ? Array.Empty<string>() : names.ToArray();
        }

        public static string[] DifferingProperties(LvsRealServer live, LvsRealServer desired)
        {
            var names = new List<string>(0);
            if (Method(live) != Method(desired)) names.Add(nameof(LvsRealServer.ForwardingMethod));
            if (live.Weight != desired.Weight) names.Add(nameof(LvsRealServer.Weight));
            if (live.UpperThreshold != desired.UpperThreshold) names.Add(nameof(LvsRealServer.UpperThreshold));
            if (live.LowerThreshold != desired.LowerThreshold) names.Add(nameof(LvsRealServer.LowerThreshold));
            if (desired.ForwardingMethod == LvsForwardingMethod.Tunnel)
            {
                if (live.TunnelType != desired.TunnelType) names.Add(nameof(LvsRealServer.TunnelType));
                if (live.TunnelPort != desired.TunnelPort) names.Add(nameof(LvsRealServer.TunnelPort));
                if (live.TunnelChecksum != desired.TunnelChecksum) names.Add(nameof(LvsRealServer.TunnelChecksum));
            }
            return names.Count == 0 ? Array.Empty<string>() : names.ToArray();
        }

        // The kernel reports Local for a real server at one of the director's own addresses, where rules say -g.
        private static LvsForwardingMethod Method(LvsRealServer server) =>
            server.ForwardingMethod == LvsForwardingMethod.Local ? LvsForwardingMethod.Route : server.ForwardingMethod;
    }
}
