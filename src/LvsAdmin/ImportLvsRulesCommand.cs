using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using LvsAdmin.Ipvs;
using LvsAdmin.Rules;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Applies ipvsadm rule lines (ipvsadm -R); with -Replace, makes the table equal to the rules with
    /// the fewest changes, never flushing.
    /// </summary>
    [Cmdlet(VerbsData.Import, "LvsRules", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class ImportLvsRulesCommand : LvsRulesInputCmdlet
    {
        private const int ProgressThreshold = 1000;

        /// <summary>Make the table equal to the rules: add, change and remove only what differs.</summary>
        [Parameter]
        public SwitchParameter Replace { get; set; }

        protected override void EndProcessing()
        {
            if (NoRulesFromPipeline())
            {
                WriteWarning("No rule lines came from the pipeline: the table is left as it is (Clear-LvsService empties it).");
                return;
            }
            if (Replace)
                ReplaceTable(ReadDesiredTable());
            else
                ApplyInOrder(ReadRules());
        }

        private void ApplyInOrder(List<Rule> rules)
        {
            // Rule by rule when asked what would happen or to confirm; otherwise one decision for all, as
            // fifty thousand ShouldProcess calls would cost more than the kernel's work.
            var approved = AsksRuleByRule()
                ? rules.Where(rule => ShouldProcess($"line {rule.LineNumber}: {rule.Text}", "Apply rule")).ToList()
                : ShouldProcess($"{rules.Count} rules", "Apply") ? rules : new List<Rule>();
            if (approved.Count == 0)
                return;
            bool stopAtFirst = StopsOnError();
            var journal = RunKernel(() => ChangeJournal.Begin(Client, approved), "Service", null);
            List<(Rule Rule, System.Exception Error)> failures = null!;
            RulesInterruptedException? interrupted = null;
            AllOrNothing(journal, () =>
            {
                try
                {
                    failures = RuleApplier.Apply(Client, approved, Progress(approved.Count, "Applying rules"), stopAtFirst, journal);
                }
                catch (RulesInterruptedException e)
                {
                    (interrupted, failures) = (e, e.Refused);
                }
            });
            CompleteProgress(approved.Count);
            if (interrupted is not null)
                Interrupted(journal, ToErrorRecord(interrupted, "Service", interrupted.Unknown), interrupted.Unknown.Count, stopAtFirst, failures.Select(f => RuleError(f.Rule, f.Error)));
            if (stopAtFirst && failures.Count > 0)
                ThrowRestored(journal, RuleError(failures[0].Rule, failures[0].Error));
            foreach (var (rule, error) in failures)
                WriteError(RuleError(rule, error));
        }

        /// <summary>
        /// Ends an import that the transport cut short: under Stop, undone (but for the changes whose outcome
        /// could not be learned: the journal does not hold them); otherwise after the refusals met before it.
        /// </summary>
        private void Interrupted(ChangeJournal journal, ErrorRecord cause, int unknown, bool stopAtFirst, IEnumerable<ErrorRecord> refusals)
        {
            if (stopAtFirst)
                ThrowRestored(journal, cause, unknown);
            foreach (var refusal in refusals)
                WriteError(refusal);
            ThrowTerminatingError(cause);
        }

        private void ReplaceTable(DesiredTable desired)
        {
            WriteVerbose("Reading the live table to compare it with the rules");
            var live = RunKernel(() => Client.ReadTable().ToList(), "Service", null);
            var journal = RunKernel(() => ChangeJournal.Begin(Client, desired.OtherRules), "Service", null);
            foreach (var entry in live)
                journal.Know(entry);
            var held = KeepWatchHolds(desired, out var holds);
            var differences = TableDifference.Compute(live, desired);
            var approved = Approve(differences);
            var otherRules = desired.OtherRules.Where(rule => ShouldProcess($"line {rule.LineNumber}: {rule.Text}", "Apply rule")).ToList();
            var results = new List<Netlink.NetlinkException?>();
            var otherFailures = new List<(Rule Rule, System.Exception Error)>();
            var unknown = new List<LvsRuleDifference>();
            Netlink.NetlinkBatchException? interrupted = null;
            bool stopAtFirst = StopsOnError();
            AllOrNothing(journal, () =>
            {
                var progress = Progress(approved.Count, "Changing the table");
                foreach (var chunk in approved.Chunk(4096))
                {
                    var changes = chunk.Select(d => d.GetChange()).ToList();
                    IReadOnlyList<Netlink.NetlinkException?> outcomes;
                    try
                    {
                        outcomes = Client.Apply(changes);
                    }
                    catch (Netlink.NetlinkBatchException e)
                    {
                        for (int i = 0; i < changes.Count; i++)
                        {
                            if (e.Outcomes[i] == Netlink.BatchOutcome.Accepted)
                                journal.Accepted(changes[i]);
                        }
                        results.AddRange(e.Results);
                        unknown.AddRange(chunk.Where((_, i) => e.Outcomes[i] == Netlink.BatchOutcome.Unknown));
                        interrupted = e;
                        return;
                    }
                    for (int i = 0; i < outcomes.Count; i++)
                    {
                        if (outcomes[i] is null)
                            journal.Accepted(changes[i]);
                    }
                    results.AddRange(outcomes);
                    progress?.Invoke(results.Count);
                    if (stopAtFirst && results.Any(r => r is not null))
                        return;
                }
                foreach (var rule in otherRules)
                {
                    try
                    {
                        RuleApplier.RunToMatch(Client, rule);
                    }
                    catch (System.Exception e) when (e is Netlink.NetlinkException or LvsArgumentException)
                    {
                        otherFailures.Add((rule, e));
                        if (stopAtFirst)
                            return;
                    }
                }
            });
            CompleteProgress(approved.Count);
            if (held.Count > 0 && ShouldProcess(holds.Path, $"Record the rules' settings for the {held.Count} real servers that watches hold down"))
                RunKernel(() => holds.Save(held.Select(h => h.Settings), held), "Service", holds.Path);
            var refused = new List<ErrorRecord>();
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i] is { } error)
                {
                    var difference = approved[i];
                    var record = ToErrorRecord(error, difference.RealServer is null ? "Service" : "RealServer", difference);
                    record.ErrorDetails = new ErrorDetails(difference.LineNumber is int line ? $"Line {line}: {record.Exception.Message}" : record.Exception.Message);
                    refused.Add(record);
                }
            }
            refused.AddRange(otherFailures.Select(f => RuleError(f.Rule, f.Error)));
            if (interrupted is not null)
            {
                var cause = ToErrorRecord(interrupted, "Service", unknown);
                if (unknown.Count > 0)
                    cause.ErrorDetails = new ErrorDetails($"{interrupted.Message} Whether {unknown.Count} changes were made cannot be known (each adds an entry the table has, which another writer may have made): " +
                        $"{string.Join("; ", unknown.Take(5).Select(d => d.ToString()))}{(unknown.Count > 5 ? "; ..." : "")}.");
                Interrupted(journal, cause, unknown.Count, stopAtFirst, refused);
            }
            if (stopAtFirst && refused.Count > 0)
                ThrowRestored(journal, refused[0]);
            foreach (var record in refused)
                WriteError(record);
        }

        /// <summary>Runs the import; if the pipeline is stopped meanwhile (Ctrl+C), undoes what it changed first.</summary>
        private void AllOrNothing(ChangeJournal journal, System.Action apply)
        {
            try
            {
                apply();
            }
            catch (PipelineStoppedException)
            {
                journal.Undo(Client);
                throw;
            }
            if (Stopping)
            {
                journal.Undo(Client);
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Undoes what the import changed, then ends the cmdlet with the refusal that stopped it.</summary>
        private void ThrowRestored(ChangeJournal journal, ErrorRecord refusal, int unknown = 0)
        {
            var undone = RunKernel(() => journal.Undo(Client), "Service", null);
            string cause = refusal.ErrorDetails?.Message ?? refusal.Exception.Message;
            string outcome = undone.Count == 0
                ? unknown == 0
                    ? "The import stopped there and was undone: the table is as it was found, but for what others changed meanwhile, which stays."
                    : $"The import stopped there and was undone, but for the {unknown} changes whose outcome could not be learned, which are left as they are."
                : $"The import stopped there, and undoing it failed for {undone.Count} changes, which the table still has: " +
                  string.Join("; ", undone.Select(u => $"{u.What}: {u.Error.Message}"));
            ThrowTerminatingError(new ErrorRecord(new System.InvalidOperationException($"{cause} {outcome}", refusal.Exception),
                refusal.FullyQualifiedErrorId, refusal.CategoryInfo.Category, refusal.TargetObject));
        }

        /// <summary>
        /// The differences to apply. With -WhatIf or -Confirm each is shown or asked about; otherwise the
        /// whole plan is one decision. Removing services is asked about as Remove-LvsService asks (its
        /// impact is High): unless -Confirm:$false or $ConfirmPreference = 'None'.
        /// </summary>
        private List<LvsRuleDifference> Approve(List<LvsRuleDifference> differences)
        {
            if (AsksRuleByRule())
                return differences.Where(d => ShouldProcess(Target(d), Operation(d))).ToList();
            if (differences.Count == 0)
                return differences;
            var removed = differences.Where(d => d.Action == LvsDifferenceAction.Remove && d.RealServer is null).Select(d => d.Service).ToList();
            string plan = $"{differences.Count} changes ({Count(differences, LvsDifferenceAction.Add)} to add, {Count(differences, LvsDifferenceAction.Change)} to change, {Count(differences, LvsDifferenceAction.Remove)} to remove)";
            if (!ShouldProcess("the IPVS table", $"Make it equal the rules: {plan}"))
                return new List<LvsRuleDifference>();
            if (removed.Count > 0 && ConfirmsHighImpact() && !ConfirmRemoving(removed))
                return new List<LvsRuleDifference>();
            return differences;
        }

        private bool ConfirmRemoving(List<string> services)
        {
            string names = $"{string.Join(", ", services.Take(5))}{(services.Count > 5 ? ", ..." : "")}";
            try
            {
                return ShouldContinue($"Remove {services.Count} virtual services with their real servers and connections: {names}?", "Confirm removing virtual services");
            }
            catch (System.Exception e) when (e is not PipelineStoppedException)
            {
                // A non-interactive host (pwsh -NonInteractive, a remote session without a console) cannot ask.
                ThrowTerminatingError(new ErrorRecord(
                    new System.InvalidOperationException($"Import-LvsRules -Replace would remove {services.Count} virtual services ({names}) and cannot ask for confirmation here ({e.Message}). Nothing was changed. To remove them without asking, add -Confirm:$false.", e),
                    "ReplaceNotConfirmed", ErrorCategory.OperationStopped, services));
                return false;
            }
        }

        private static int Count(List<LvsRuleDifference> differences, LvsDifferenceAction action) => differences.Count(d => d.Action == action);

        /// <summary>Whether PowerShell would ask before an action of High impact here, as it does for Remove-LvsService.</summary>
        private bool ConfirmsHighImpact()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm))
                return LanguagePrimitives.IsTrue(confirm);
            return Preference<ConfirmImpact>("ConfirmPreference") != ConfirmImpact.None;
        }

        private static string Target(LvsRuleDifference difference) =>
            difference.RealServer is null ? $"virtual service {difference.Service}" : $"real server {difference.RealServer} of {difference.Service}";

        private static string Operation(LvsRuleDifference difference) => difference.Action switch
        {
            LvsDifferenceAction.Add => difference.LineNumber is int line ? $"Add (line {line})" : "Add",
            LvsDifferenceAction.Remove => "Remove",
            _ => $"Change {string.Join(", ", difference.Properties)}",
        };

        private bool AsksRuleByRule() =>
            MyInvocation.BoundParameters.ContainsKey("WhatIf") ||
            (MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm) && LanguagePrimitives.IsTrue(confirm)) ||
            (GetVariableValue("WhatIfPreference") is SwitchParameter whatIf ? whatIf.IsPresent : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));

        private System.Action<int>? Progress(int total, string activity)
        {
            if (total < ProgressThreshold)
                return null;
            var record = new ProgressRecord(1, activity, $"0 of {total}");
            var shown = System.Diagnostics.Stopwatch.StartNew();
            return done =>
            {
                // Rendering progress costs more than a batch of rules: a few updates a second are enough.
                if (shown.ElapsedMilliseconds < 250 && done < total)
                    return;
                shown.Restart();
                record.StatusDescription = $"{done} of {total}";
                record.PercentComplete = (int)(100L * done / total);
                WriteProgress(record);
            };
        }

        private void CompleteProgress(int total)
        {
            if (total >= ProgressThreshold)
                WriteProgress(new ProgressRecord(1, "Applying rules", "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
