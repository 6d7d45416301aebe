using System;
using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Rules
{
    /// <summary>
    /// The table (and the timeouts and sync daemons, when the rules touch them) as an import found it,
    /// so that an import that stops can put everything back: all or nothing.
    /// </summary>
    public sealed class TableSnapshot
    {
        private readonly LvsTimeout? _timeouts;
        private readonly List<LvsSyncDaemon>? _daemons;

        private TableSnapshot(List<LvsTableEntry> entries, LvsTimeout? timeouts, List<LvsSyncDaemon>? daemons)
        {
            Entries = entries;
            _timeouts = timeouts;
            _daemons = daemons;
        }

        /// <summary>The services with their real servers, as read.</summary>
        public IReadOnlyList<LvsTableEntry> Entries { get; }

        /// <summary>Reads what the rules can change: the table always; the timeouts and daemons if rules set them.</summary>
        public static TableSnapshot Take(IpvsClient client, IEnumerable<Rule> rules)
        {
            bool timeouts = false, daemons = false;
            foreach (var rule in rules)
            {
                timeouts |= rule.Command == RuleCommand.SetTimeouts;
                daemons |= rule.Command is RuleCommand.StartDaemon or RuleCommand.StopDaemon;
            }
            return new TableSnapshot(client.ReadTable().ToList(), timeouts ? client.GetTimeouts() : null, daemons ? client.GetSyncDaemons() : null);
        }

        /// <summary>
        /// Makes the live table what it was, with the fewest changes, in batches. Returns what could not
        /// be put back, each with its error: empty when everything was restored. (Counters of what had to
        /// be created again start from zero: the kernel has no way to set them.)
        /// </summary>
        public List<(string What, Exception Error)> Restore(IpvsClient client)
        {
            var failures = new List<(string, Exception)>();
            var differences = TableDifference.Compute(client.ReadTable(), DesiredTable.FromEntries(Entries));
            var results = client.Apply(differences.ConvertAll(d => d.GetChange()));
            for (int i = 0; i < results.Length; i++)
            {
                if (results[i] is { } error)
                    failures.Add((differences[i].ToString(), error));
            }
            if (_timeouts is not null)
                Try(failures, $"set the timeouts back to {_timeouts}", () => client.SetTimeouts(_timeouts));
            if (_daemons is not null)
                RestoreDaemons(client, failures);
            return failures;
        }

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
    }
}
