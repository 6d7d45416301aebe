using System;
using System.Collections.Generic;

namespace LvsAdmin.Rules
{
    /// <summary>A rule that could not take effect in the table the rules describe: its line and why.</summary>
    public sealed class RuleFailure
    {
        public RuleFailure(Rule rule, string reason, string message)
        {
            Rule = rule;
            Reason = reason;
            Message = message;
        }

        public Rule Rule { get; }

        /// <summary>A stable name for the failure, such as ServiceExists.</summary>
        public string Reason { get; }
        public string Message { get; }
    }

    /// <summary>
    /// The table a rule file describes: its rules played, in order, onto an empty table, as ipvsadm's
    /// restore after a flush would leave it. -Replace makes the live table equal to this.
    /// </summary>
    public sealed class DesiredTable
    {
        public sealed class ServiceEntry
        {
            internal ServiceEntry(LvsService service, int lineNumber)
            {
                Service = service;
                LineNumber = lineNumber;
            }

            public LvsService Service { get; internal set; }
            public int LineNumber { get; internal set; }
            internal List<(LvsRealServer RealServer, int LineNumber)> Servers { get; } = new List<(LvsRealServer, int)>();
            public IReadOnlyList<(LvsRealServer RealServer, int LineNumber)> RealServers => Servers;
            internal List<LvsRealServer> RealServerList => Servers.ConvertAll(s => s.RealServer);

            internal int IndexOf(LvsRealServer server)
            {
                // A loop, not FindIndex with a closure: this runs for every real-server line of a large file.
                for (int i = 0; i < Servers.Count; i++)
                {
                    if (Servers[i].RealServer.HasEndpointOf(server))
                        return i;
                }
                return -1;
            }
        }

        private readonly Dictionary<LvsServiceKey, ServiceEntry> _services = new Dictionary<LvsServiceKey, ServiceEntry>();
        private readonly List<ServiceEntry> _order = new List<ServiceEntry>();

        public IReadOnlyList<ServiceEntry> Services => _order;

        /// <summary>Rules that change more than the table (-Z, --set, the daemons): -Replace runs them after the table.</summary>
        public List<Rule> OtherRules { get; } = new List<Rule>();

        /// <summary>A table as it was read: what restoring a snapshot makes the live table equal to again.</summary>
        internal static DesiredTable FromEntries(IEnumerable<LvsTableEntry> entries)
        {
            var table = new DesiredTable();
            foreach (var live in entries)
            {
                var entry = new ServiceEntry(live.Service, 0);
                foreach (var server in live.RealServers)
                    entry.Servers.Add((server, 0));
                table._services[live.Service.GetKey()] = entry;
                table._order.Add(entry);
            }
            return table;
        }

        /// <summary>Plays the rules; those the kernel would refuse are returned and otherwise skipped.</summary>
        public static DesiredTable FromRules(IEnumerable<Rule> rules, out List<RuleFailure> failures)
        {
            var table = new DesiredTable();
            failures = new List<RuleFailure>();
            foreach (var rule in rules)
            {
                var failure = table.Play(rule);
                if (failure is not null)
                    failures.Add(failure);
            }
            return table;
        }

        /// <summary>
        /// Leaves the holds of watches (Watch-LvsRealServer) in place: a held server the rules name stays as the
        /// watch holds it (weight 0, or absent where the watch removed it), so that a comparison finds no drift
        /// in it and -Replace does not bring a dead server back; what the rules give it is what it gets back once
        /// up. findLive reads a server from the table. Returns the holds still in force, with the rules' settings.
        /// </summary>
        public List<Health.WatchHold> KeepHeld(IEnumerable<Health.WatchHold> held, Func<LvsRealServer, LvsRealServer?> findLive)
        {
            var kept = new List<Health.WatchHold>();
            foreach (var (hold, removed) in held)
            {
                if (!_services.TryGetValue(hold.GetServiceKey(), out var entry) || entry.IndexOf(hold) is var index && index < 0)
                    continue;
                var (wanted, line) = entry.Servers[index];
                var live = findLive(hold);
                if (live is null && removed)
                {
                    entry.Servers.RemoveAt(index);
                }
                else if (live is not null && live.Weight == 0)
                {
                    var inhibited = wanted.Clone();
                    inhibited.Weight = 0;
                    entry.Servers[index] = (inhibited, line);
                }
                else
                {
                    // Someone gave it a weight again since, or removed it: the hold has lapsed.
                    continue;
                }
                kept.Add(new Health.WatchHold(wanted.Clone(), removed));
            }
            return kept;
        }

        private RuleFailure? Play(Rule rule)
        {
            var key = rule.ServiceKey;
            ServiceEntry? entry = null;
            if (key is not null)
                _services.TryGetValue(key, out entry);
            switch (rule.Command)
            {
                case RuleCommand.Clear:
                    _services.Clear();
                    _order.Clear();
                    return null;
                case RuleCommand.AddService:
                    if (entry is not null)
                        return new RuleFailure(rule, "ServiceExists", $"Line {rule.LineNumber}: the service {key} already exists.");
                    entry = new ServiceEntry(rule.Service!, rule.LineNumber);
                    _services[key!] = entry;
                    _order.Add(entry);
                    return null;
                case RuleCommand.EditService:
                    if (entry is null)
                        return NoService(rule);
                    entry.Service = rule.Service!;
                    entry.LineNumber = rule.LineNumber;
                    return null;
                case RuleCommand.DeleteService:
                    if (entry is null)
                        return NoService(rule);
                    _services.Remove(key!);
                    _order.Remove(entry);
                    return null;
                case RuleCommand.AddRealServer:
                case RuleCommand.EditRealServer:
                case RuleCommand.DeleteRealServer:
                    if (entry is null)
                        return NoService(rule);
                    var server = rule.RealServer!;
                    int index = entry.IndexOf(server);
                    if (rule.Command == RuleCommand.AddRealServer)
                    {
                        if (index >= 0)
                            return new RuleFailure(rule, "RealServerExists", $"Line {rule.LineNumber}: the real server {Addresses.FormatEndpoint(server.Address, server.Port)} of {key} already exists.");
                        entry.Servers.Add((server, rule.LineNumber));
                        return null;
                    }
                    if (index < 0)
                        return new RuleFailure(rule, "RealServerNotFound", $"Line {rule.LineNumber}: the service {key} has no real server {Addresses.FormatEndpoint(server.Address, server.Port)}.");
                    if (rule.Command == RuleCommand.EditRealServer)
                        entry.Servers[index] = (server, rule.LineNumber);
                    else
                        entry.Servers.RemoveAt(index);
                    return null;
                default:
                    OtherRules.Add(rule);
                    return null;
            }
        }

        private static RuleFailure NoService(Rule rule) =>
            new RuleFailure(rule, "ServiceNotFound", $"Line {rule.LineNumber}: there is no service {rule.ServiceKey}.");
    }
}
