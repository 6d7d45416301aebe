using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Rules
{
    /// <summary>
    /// What an import changed, so that an import that stops puts back exactly that and nothing else:
    /// each change the kernel accepted is recorded with its inverse, worked out from the entry as it was
    /// just before (read from the kernel, or known from an earlier change of the same import). Services
    /// and real servers that other writers add, change or remove meanwhile are left as they are, and
    /// nothing is deleted because a listing missed it: no listing is compared.
    /// </summary>
    public sealed class ChangeJournal
    {
        private readonly Dictionary<LvsServiceKey, KnownService> _known = new Dictionary<LvsServiceKey, KnownService>();
        // Each accepted change's inverse: one change, or for a deleted service its addition and then its real servers'.
        private readonly List<IpvsChange[]> _inverses = new List<IpvsChange[]>();
        private readonly List<string> _unknown = new List<string>();
        private readonly LvsTimeout? _timeouts;
        private readonly List<LvsSyncDaemon>? _daemons;

        private ChangeJournal(LvsTimeout? timeouts, List<LvsSyncDaemon>? daemons)
        {
            _timeouts = timeouts;
            _daemons = daemons;
        }

        /// <summary>
        /// Starts a journal for these rules: reads the timeouts and sync daemons if rules set them, and
        /// each service (with its real servers) that a rule edits or deletes, or whose real servers it edits
        /// or deletes, by its key: exact whatever else changes in the kernel.
        /// </summary>
        public static ChangeJournal Begin(IpvsClient client, IEnumerable<Rule> rules)
        {
            bool timeouts = false, daemons = false;
            var keys = new HashSet<LvsServiceKey>();
            foreach (var rule in rules)
            {
                timeouts |= rule.Command == RuleCommand.SetTimeouts;
                daemons |= rule.Command is RuleCommand.StartDaemon or RuleCommand.StopDaemon;
                if (rule.Command is RuleCommand.EditService or RuleCommand.DeleteService)
                    keys.Add(rule.ServiceKey ?? rule.Service!.GetKey());
                else if (rule.Command is RuleCommand.EditRealServer or RuleCommand.DeleteRealServer)
                    keys.Add(rule.RealServer!.GetServiceKey());
            }
            var journal = new ChangeJournal(timeouts ? client.GetTimeouts() : null, daemons ? client.GetSyncDaemons() : null);
            foreach (var key in keys)
                journal.Read(client, key);
            return journal;
        }

        /// <summary>Makes the entry of one service known as the kernel has it now (absent, if it has none).</summary>
        public void Read(IpvsClient client, LvsServiceKey key)
        {
            var service = client.GetService(key);
            _known[key] = service is null ? new KnownService(null) : new KnownService(service, client.GetRealServers(key));
        }

        /// <summary>Makes an entry known as a listing that was just read has it (for -Replace, whose plan comes from that listing).</summary>
        public void Know(LvsTableEntry entry) => _known[entry.Service.GetKey()] = new KnownService(entry.Service, entry.RealServers);

        /// <summary>Records a change the kernel accepted, with what undoes it.</summary>
        public void Accepted(IpvsChange change)
        {
            switch (change)
            {
                case IpvsChange.ServiceChange { Service: var service } s:
                    var key = service.GetKey();
                    _known.TryGetValue(key, out var before);
                    if (s.Kind == IpvsChangeKind.Add)
                    {
                        Undoes(IpvsChange.ForService(IpvsChangeKind.Delete, service));
                        _known[key] = new KnownService(service.Clone());
                    }
                    else if (before?.Service is null)
                    {
                        _unknown.Add($"{(s.Kind == IpvsChangeKind.Update ? "edit" : "delete")} the virtual service {key}");
                    }
                    else if (s.Kind == IpvsChangeKind.Update)
                    {
                        Undoes(IpvsChange.ForService(IpvsChangeKind.Update, before.Service));
                        before.Service = service.Clone();
                    }
                    else
                    {
                        Undoes(before.RealServers.Values.Select(server => IpvsChange.ForRealServer(IpvsChangeKind.Add, server))
                            .Prepend(IpvsChange.ForService(IpvsChangeKind.Add, before.Service)).ToArray());
                        _known[key] = new KnownService(null);
                    }
                    break;
                case IpvsChange.RealServerChange { RealServer: var server } r:
                    var serviceKey = server.GetServiceKey();
                    var endpoint = (server.Address, server.Port);
                    // A service the journal has not read holds, as far as it knows, the real servers the import added.
                    if (!_known.TryGetValue(serviceKey, out var owner))
                        _known[serviceKey] = owner = new KnownService(null);
                    owner.RealServers.TryGetValue(endpoint, out var was);
                    if (r.Kind == IpvsChangeKind.Add)
                    {
                        Undoes(IpvsChange.ForRealServer(IpvsChangeKind.Delete, server));
                        owner.RealServers[endpoint] = server.Clone();
                    }
                    else if (was is null)
                    {
                        _unknown.Add($"{(r.Kind == IpvsChangeKind.Update ? "edit" : "delete")} the real server {server}");
                    }
                    else if (r.Kind == IpvsChangeKind.Update)
                    {
                        Undoes(IpvsChange.ForRealServer(IpvsChangeKind.Update, was));
                        owner.RealServers[endpoint] = server.Clone();
                    }
                    else
                    {
                        Undoes(IpvsChange.ForRealServer(IpvsChangeKind.Add, was));
                        owner.RealServers.Remove(endpoint);
                    }
                    break;
            }
        }

        private void Undoes(params IpvsChange[] inverse) => _inverses.Add(inverse);

        /// <summary>After a -C rule: the table as read just before it, each service of which the flush deleted.</summary>
        public void Cleared(IEnumerable<LvsTableEntry> table)
        {
            foreach (var entry in table)
            {
                Know(entry);
                Accepted(IpvsChange.ForService(IpvsChangeKind.Delete, entry.Service));
            }
        }

        /// <summary>
        /// Undoes what was recorded, last change first, in batches; then the timeouts and sync daemons.
        /// What another writer did since stays: an entry it removed is not edited back, one it added again is
        /// not replaced. Returns what could not be put back, each with its error: empty when everything was.
        /// (Counters of what had to be created again start from zero: the kernel has no way to set them.)
        /// </summary>
        public List<(string What, Exception Error)> Undo(IpvsClient client)
        {
            var failures = _unknown.Select(what => (what, (Exception)new InvalidOperationException($"The import could not read what it was before, to {what}."))).ToList();
            var changes = Enumerable.Reverse(_inverses).SelectMany(inverse => inverse).ToList();
            IReadOnlyList<NetlinkException?> results;
            NetlinkBatchException? interrupted = null;
            try
            {
                results = client.Apply(changes);
            }
            catch (NetlinkBatchException e)
            {
                (results, interrupted) = (e.Results, e);
            }
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i] is { } error && !ChangedByOthers(changes[i], error))
                    failures.Add((changes[i].ToString()!, error));
                else if (interrupted?.Outcomes[i] is BatchOutcome.Unknown or BatchOutcome.NotSent)
                    failures.Add(($"{changes[i]} ({(interrupted.Outcomes[i] == BatchOutcome.Unknown ? "outcome unknown" : "not sent")})", interrupted));
            }
            _inverses.Clear();
            if (_timeouts is not null)
                Try(failures, $"set the timeouts back to {_timeouts}", () => client.SetTimeouts(_timeouts));
            if (_daemons is not null)
                RestoreDaemons(client, failures);
            return failures;
        }

        /// <summary>An undo the kernel refuses because another writer removed the entry or added it again: that stays.</summary>
        private static bool ChangedByOthers(IpvsChange change, NetlinkException error) => change.Kind switch
        {
            IpvsChangeKind.Add => error.Errno == Errno.EEXIST,
            _ => error.Errno is Errno.ESRCH or Errno.ENOENT,
        };

        private void RestoreDaemons(IpvsClient client, List<(string, Exception)> failures)
        {
            var running = client.GetSyncDaemons();
            foreach (var daemon in running)
            {
                var was = _daemons!.Find(d => d.State == daemon.State);
                if (was is null || !SameSettings(was, daemon))
                    Try(failures, $"stop the {daemon.State} sync daemon the import started", () => client.StopSyncDaemon(daemon.State));
            }
            foreach (var was in _daemons!)
            {
                var now = running.Find(d => d.State == was.State);
                if (now is null || !SameSettings(was, now))
                    Try(failures, $"start the {was.State} sync daemon again", () => client.StartSyncDaemon(was));
            }
        }

        private static bool SameSettings(LvsSyncDaemon a, LvsSyncDaemon b) =>
            a.Interface == b.Interface && a.SyncId == b.SyncId && a.MaxLength == b.MaxLength && Equals(a.Group, b.Group) && a.Port == b.Port && a.Ttl == b.Ttl;

        private static void Try(List<(string, Exception)> failures, string what, Action action)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is NetlinkException or LvsArgumentException)
            {
                failures.Add((what, e));
            }
        }

        /// <summary>A service as the journal knows it: its settings (null when it is known not to exist) and real servers.</summary>
        private sealed class KnownService
        {
            public KnownService(LvsService? service, IEnumerable<LvsRealServer>? realServers = null)
            {
                Service = service;
                foreach (var server in realServers ?? Array.Empty<LvsRealServer>())
                    RealServers[(server.Address, server.Port)] = server;
            }

            public LvsService? Service { get; set; }
            public Dictionary<(IPAddress, ushort), LvsRealServer> RealServers { get; } = new Dictionary<(IPAddress, ushort), LvsRealServer>();
        }
    }
}
