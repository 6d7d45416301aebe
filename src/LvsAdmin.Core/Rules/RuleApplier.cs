using System;
using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Rules
{
    /// <summary>
    /// Applies rules in order, as ipvsadm -R does, but with the table changes of consecutive lines
    /// batched into as few sendmsg calls as the socket allows. A rule the kernel refuses is reported
    /// and the others go on.
    /// </summary>
    public static class RuleApplier
    {
        /// <summary>
        /// Returns each refused rule with the kernel's error; progress gets the count of rules done; the
        /// journal, when given, records every change the kernel accepted. With stopAtFirstFailure, no batch
        /// after the one with the first refusal is sent (the rest of that batch may have been applied: a
        /// caller that stops undoes what the journal recorded). A transport failure ends the run with
        /// <see cref="RulesInterruptedException"/>, the journal holding every change known to be applied.
        /// </summary>
        public static List<(Rule Rule, Exception Error)> Apply(IpvsClient client, IReadOnlyList<Rule> rules, Action<int>? progress = null,
            bool stopAtFirstFailure = false, ChangeJournal? journal = null)
        {
            const int batchSize = 4096;
            var failures = new List<(Rule, Exception)>();
            var batch = new List<(Rule Rule, IpvsChange Change)>();
            int done = 0;

            void Flush()
            {
                if (batch.Count == 0)
                    return;
                var changes = batch.ConvertAll(item => item.Change);
                try
                {
                    Record(client.Apply(changes), null);
                }
                catch (NetlinkBatchException e)
                {
                    Record(e.Results, e.Outcomes);
                    var unknown = batch.Where((_, i) => e.Outcomes[i] == BatchOutcome.Unknown).Select(item => item.Rule).ToList();
                    var notApplied = batch.Where((_, i) => e.Outcomes[i] == BatchOutcome.NotSent).Select(item => item.Rule)
                        .Concat(rules.Skip(done + batch.Count)).ToList();
                    throw new RulesInterruptedException(e, failures, unknown, notApplied);
                }
                done += batch.Count;
                progress?.Invoke(done);
                batch.Clear();
            }

            void Record(IReadOnlyList<NetlinkException?> results, IReadOnlyList<BatchOutcome>? outcomes)
            {
                for (int i = 0; i < results.Count; i++)
                {
                    if (results[i] is { } error)
                        failures.Add((batch[i].Rule, error));
                    else if (outcomes is null || outcomes[i] == BatchOutcome.Accepted)
                        journal?.Accepted(batch[i].Change);
                }
            }

            foreach (var rule in rules)
            {
                var change = ToChange(rule);
                if (change is not null)
                {
                    batch.Add((rule, change));
                    if (batch.Count >= batchSize)
                        Flush();
                    if (stopAtFirstFailure && failures.Count > 0)
                        return failures;
                    continue;
                }
                Flush();
                if (stopAtFirstFailure && failures.Count > 0)
                    return failures;
                try
                {
                    var flushed = rule.Command == RuleCommand.Clear && journal is not null ? client.ReadTable().ToList() : null;
                    RunAlone(client, rule);
                    if (flushed is not null)
                        journal!.Cleared(flushed);
                }
                catch (Exception e) when (e is NetlinkException or LvsArgumentException)
                {
                    failures.Add((rule, e));
                    if (stopAtFirstFailure)
                        return failures;
                }
                progress?.Invoke(++done);
            }
            Flush();
            return failures;
        }

        /// <summary>The table change a rule makes, or null for rules that are not table changes.</summary>
        public static IpvsChange? ToChange(Rule rule) => rule.Command switch
        {
            RuleCommand.AddService => IpvsChange.ForService(IpvsChangeKind.Add, rule.Service!),
            RuleCommand.EditService => IpvsChange.ForService(IpvsChangeKind.Update, rule.Service!),
            RuleCommand.DeleteService => IpvsChange.ForService(IpvsChangeKind.Delete, LvsService.Create(rule.ServiceKey!)),
            RuleCommand.AddRealServer => IpvsChange.ForRealServer(IpvsChangeKind.Add, rule.RealServer!),
            RuleCommand.EditRealServer => IpvsChange.ForRealServer(IpvsChangeKind.Update, rule.RealServer!),
            RuleCommand.DeleteRealServer => IpvsChange.ForRealServer(IpvsChangeKind.Delete, rule.RealServer!),
            _ => null,
        };

        /// <summary>
        /// Runs a rule that is not a table change so that the result is what the rule asks for, however
        /// often it runs (for -Replace): a daemon already running as the rule starts it is left alone, one
        /// running otherwise is restarted, and stopping a daemon that is not running does nothing.
        /// </summary>
        public static void RunToMatch(IpvsClient client, Rule rule)
        {
            if (rule.Command is RuleCommand.StartDaemon or RuleCommand.StopDaemon)
            {
                var running = client.GetSyncDaemons().Find(d => d.State == rule.Daemon!.State);
                if (rule.Command == RuleCommand.StopDaemon ? running is null : running is not null && Matches(running, rule.Daemon!))
                    return;
                if (running is not null && rule.Command == RuleCommand.StartDaemon)
                    client.StopSyncDaemon(running.State);
            }
            RunAlone(client, rule);
        }

        /// <summary>Whether a running daemon has every setting the rule gives (those it leaves out take the kernel's defaults).</summary>
        private static bool Matches(LvsSyncDaemon running, LvsSyncDaemon wanted) =>
            running.Interface == wanted.Interface && running.SyncId == wanted.SyncId &&
            (wanted.MaxLength == 0 || wanted.MaxLength == running.MaxLength) &&
            (wanted.Group is null || wanted.Group.Equals(running.Group)) &&
            (wanted.Port == 0 || wanted.Port == running.Port) &&
            (wanted.Ttl == 0 || wanted.Ttl == running.Ttl);

        /// <summary>Runs a rule that is not a table change: -C, -Z, --set and the daemon commands.</summary>
        public static void RunAlone(IpvsClient client, Rule rule)
        {
            switch (rule.Command)
            {
                case RuleCommand.Clear: client.Flush(); break;
                case RuleCommand.Zero: client.ZeroStatistics(rule.ServiceKey); break;
                case RuleCommand.SetTimeouts: client.SetTimeouts(rule.Timeout!); break;
                case RuleCommand.StartDaemon: client.StartSyncDaemon(rule.Daemon!); break;
                case RuleCommand.StopDaemon: client.StopSyncDaemon(rule.Daemon!.State); break;
                default: throw new ArgumentException($"{rule} is a table change, not a command to run alone.");
            }
        }
    }

    /// <summary>
    /// Rules cut short by a transport failure: the refusals met before it, the rules whose outcome the
    /// table could not tell (an addition of an entry that is there), and the rules never applied.
    /// </summary>
    public sealed class RulesInterruptedException : Exception
    {
        public RulesInterruptedException(NetlinkBatchException cause, List<(Rule Rule, Exception Error)> refused, List<Rule> unknown, List<Rule> notApplied)
            : base(Describe(cause, unknown, notApplied), cause)
        {
            Refused = refused;
            Unknown = unknown;
            NotApplied = notApplied;
        }

        public NetlinkBatchException Cause => (NetlinkBatchException)InnerException!;
        public List<(Rule Rule, Exception Error)> Refused { get; }
        public List<Rule> Unknown { get; }
        public List<Rule> NotApplied { get; }

        private static string Describe(NetlinkBatchException cause, List<Rule> unknown, List<Rule> notApplied)
        {
            string message = $"Applying the rules was cut short: {cause.InnerException!.Message}";
            if (unknown.Count > 0)
                message += $" Whether {unknown.Count} rules were applied cannot be known (each names an entry the table has, which another writer may have made): {Lines(unknown)}.";
            if (notApplied.Count > 0)
                message += $" {notApplied.Count} rules were not applied, from line {notApplied[0].LineNumber} on.";
            return message;
        }

        private static string Lines(List<Rule> rules) =>
            string.Join("; ", rules.Take(5)) + (rules.Count > 5 ? "; ..." : "");
    }
}
