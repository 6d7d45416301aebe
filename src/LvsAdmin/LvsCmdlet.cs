using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;
using LvsAdmin.Rules;
using LvsAdmin.Settings;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// The base of every LvsAdmin cmdlet: the -NetworkNamespace parameter, the IPVS session (one
    /// socket for the cmdlet's whole pipeline run), and the mapping of kernel errors to error records.
    /// </summary>
    public abstract class LvsCmdlet : PSCmdlet, IDisposable
    {
        /// <summary>The most changes held before they are sent; the socket splits them further as its buffer needs.</summary>
        private const int MaxPendingChanges = 4096;

        private IpvsClient? _client;
        private readonly CancellationTokenSource _stopping = new();
        private readonly List<PendingChange> _pending = new();
        private bool? _promptsEachChange;

        /// <summary>A change waiting to be sent, with what undoes it and what to do once the kernel took it.</summary>
        private sealed record PendingChange(IpvsChange Change, IpvsChange? Undo, string Noun, object Target, Action? Applied);

        /// <summary>A namespace name under /run/netns, or a path such as /proc/1234/ns/net.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? NetworkNamespace { get; set; }

        /// <summary>The IPVS session, opened on first use; a missing IPVS or permission ends the cmdlet.</summary>
        protected IpvsClient Client
        {
            get
            {
                if (_client is null)
                {
                    try
                    {
                        _client = IpvsClient.Open(NetworkNamespace);
                    }
                    catch (Exception e) when (e is not PipelineStoppedException)
                    {
                        ThrowTerminatingError(ToErrorRecord(e, "IpvsSession", null));
                    }
                    // Only when verbose output is wanted: a large dump makes a request per service.
                    if (VerboseWanted())
                        _client!.Trace = message => WriteVerbose($"{Target}: {message}");
                }
                return _client!;
            }
        }

        private bool VerboseWanted() =>
            MyInvocation.BoundParameters.TryGetValue("Verbose", out object? verbose)
                ? LanguagePrimitives.IsTrue(verbose)
                : Preference<ActionPreference>("VerbosePreference") is { } preference && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;

        /// <summary>
        /// A preference variable as the caller's scope has it. A script that assigns one stores text
        /// ($ErrorActionPreference = 'Stop'), not the enum, so it is converted as PowerShell does.
        /// </summary>
        protected T? Preference<T>(string variable) where T : struct =>
            LanguagePrimitives.TryConvertTo(GetVariableValue(variable), out T value) ? value : null;

        private string Target => NetworkNamespace is null ? "IPVS" : $"IPVS in {NetworkNamespace}";

        /// <summary>Cancelled when the pipeline is stopped (Ctrl+C): what waits (drains, probes) ends on it.</summary>
        protected CancellationToken StopRequested => _stopping.Token;

        protected override void StopProcessing() => _stopping.Cancel();

        /// <summary>
        /// The namespace's IPVS settings. They appear once IPVS is loaded: when they are missing, opening the
        /// session (which has the kernel load IPVS on demand, or says why it cannot) comes first.
        /// </summary>
        protected List<LvsSetting> ReadSettings()
        {
            try
            {
                return IpvsSettings.Read(NetworkNamespace);
            }
            catch (IpvsUnavailableException)
            {
                _ = Client;
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                ThrowTerminatingError(ToErrorRecord(e, "Setting", null));
            }
            return RunKernel(() => IpvsSettings.Read(NetworkNamespace), "Setting", null);
        }

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (!disposing)
                return;
            _client?.Dispose();
            _client = null;
            _stopping.Dispose();
        }

        /// <summary>
        /// Queues a change of the table for one target object. Changes are sent in batches, in the order they
        /// were queued, when enough have gathered, before any error is written (so that errors and changes keep
        /// their order), and at the end of the pipeline; each change the kernel refuses is an error for its
        /// target, and applied runs for each it took. When errors stop the pipeline (-ErrorAction Stop), the
        /// changes the kernel took after the refused one in its batch are undone first, so that the table is
        /// as if the changes had been sent one by one: undo is the change that does that (none for a change
        /// that can only come last). When each change is asked about (-Confirm), each is sent once confirmed.
        /// A change that fails the checks made before sending is an error at once, and is not queued.
        /// </summary>
        protected void QueueChange(IpvsChange change, IpvsChange? undo, string noun, object target, Action? applied = null)
        {
            try
            {
                IpvsClient.Validate(change);
            }
            catch (LvsArgumentException e)
            {
                WriteError(ToErrorRecord(e, noun, target));
                return;
            }
            // A change that cannot be undone goes alone, so that under -ErrorAction Stop none follows a refused one.
            bool alone = undo is null && StopsOnError();
            if (alone)
                SendQueuedChanges();
            _pending.Add(new PendingChange(change, undo, noun, target, applied));
            if (alone || _pending.Count >= (PromptsEachChange() ? 1 : MaxPendingChanges))
                SendQueuedChanges();
        }

        /// <summary>Sends what <see cref="QueueChange"/> holds. Cmdlets that override EndProcessing call it (base.EndProcessing does).</summary>
        protected void SendQueuedChanges()
        {
            if (_pending.Count == 0)
                return;
            var batch = _pending.ToArray();
            _pending.Clear();
            NetlinkBatchException? interrupted = null;
            var results = RunKernel(() =>
            {
                try
                {
                    return Client.Apply(batch.Select(p => p.Change).ToList());
                }
                catch (NetlinkBatchException e)
                {
                    interrupted = e;
                    return e.Results.ToArray();
                }
            }, batch[0].Noun, batch[0].Target);
            bool stops = StopsOnError();
            var accepted = results.Select((error, i) => error is null && interrupted?.Outcomes[i] is null or BatchOutcome.Accepted).ToArray();
            for (int i = 0; i < batch.Length; i++)
            {
                if (accepted[i])
                {
                    batch[i].Applied?.Invoke();
                    continue;
                }
                if (results[i] is not { } refused)
                    break;
                if (refused.Errno == Errno.EPERM || refused.Errno == Errno.EACCES)
                    ThrowTerminatingError(ToErrorRecord(new IpvsPermissionException(refused.Action ?? "change the table"), batch[i].Noun, batch[i].Target));
                if (!stops)
                {
                    base.WriteError(ToErrorRecord(refused, batch[i].Noun, batch[i].Target));
                    continue;
                }
                var record = ToErrorRecord(refused, batch[i].Noun, batch[i].Target);
                string? undoFailure = UndoAfter(batch, accepted, i);
                if (undoFailure is not null)
                    record.ErrorDetails = new ErrorDetails($"{record.Exception.Message} {undoFailure}");
                base.WriteError(record);
                return;
            }
            if (interrupted is not null)
            {
                var unknown = batch.Where((_, i) => interrupted.Outcomes[i] == BatchOutcome.Unknown).Select(p => p.Target).ToList();
                var record = ToErrorRecord(interrupted, batch[0].Noun, unknown.Count > 0 ? unknown : null);
                if (unknown.Count > 0)
                    record.ErrorDetails = new ErrorDetails($"{interrupted.Message} Whether these were made cannot be known (the table has them, and another writer may have made them): {string.Join("; ", unknown.Take(5))}{(unknown.Count > 5 ? "; ..." : "")}.");
                ThrowTerminatingError(record);
            }
        }

        /// <summary>Undoes, last first, the changes the kernel took after the refused one: null when all were undone, else what was not.</summary>
        private string? UndoAfter(PendingChange[] batch, bool[] accepted, int refused)
        {
            var taken = Enumerable.Range(refused + 1, batch.Length - refused - 1).Where(i => accepted[i]).Reverse().ToList();
            var undos = taken.Where(i => batch[i].Undo is not null).Select(i => batch[i].Undo!).ToList();
            var left = taken.Where(i => batch[i].Undo is null).Select(i => batch[i].Change.ToString()).ToList();
            if (undos.Count > 0)
            {
                try
                {
                    var undone = Client.Apply(undos);
                    left.AddRange(undone.Select((error, i) => error is null ? null : $"{undos[i]} ({error.Message})").OfType<string>());
                }
                catch (NetlinkBatchException e)
                {
                    left.AddRange(undos.Where((_, i) => e.Outcomes[i] != BatchOutcome.Accepted).Select(undo => $"{undo} ({e.Message})"));
                }
            }
            return left.Count == 0 ? null : $"These changes, sent in the same batch after it, could not be undone and stay applied: {string.Join("; ", left)}.";
        }

        protected override void EndProcessing() => SendQueuedChanges();

        /// <summary>
        /// Writes a non-terminating error after sending the changes queued before it, so that the changes that
        /// precede an error (in the order of the pipeline) are made before it, even when it stops the pipeline.
        /// </summary>
        protected new void WriteError(ErrorRecord errorRecord)
        {
            SendQueuedChanges();
            base.WriteError(errorRecord);
        }

        /// <summary>Whether an error stops the pipeline here: -ErrorAction Stop, or $ErrorActionPreference = 'Stop'.</summary>
        protected bool StopsOnError()
        {
            if (MyInvocation.BoundParameters.TryGetValue("ErrorAction", out object? action))
                return LanguagePrimitives.TryConvertTo(action, out ActionPreference preference) && preference == ActionPreference.Stop;
            return Preference<ActionPreference>("ErrorActionPreference") == ActionPreference.Stop;
        }

        /// <summary>Whether PowerShell asks before each change of this cmdlet (-Confirm, or a $ConfirmPreference at or below its impact).</summary>
        private bool PromptsEachChange() => _promptsEachChange ??= MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm)
            ? LanguagePrimitives.IsTrue(confirm)
            : Preference<ConfirmImpact>("ConfirmPreference") is { } preference && preference != ConfirmImpact.None
              && (GetType().GetCustomAttribute<CmdletAttribute>()?.ConfirmImpact ?? ConfirmImpact.Medium) >= preference;

        /// <summary>
        /// Runs one kernel action for one target object: true when it worked; otherwise a
        /// non-terminating error (or a terminating one when the session itself is broken).
        /// </summary>
        protected bool TryKernel(Action action, string noun, object target) =>
            TryKernel(() => { action(); return true; }, noun, target, out _);

        /// <summary>Reads something for one target object: true with the result, or false after writing the error.</summary>
        protected bool TryKernel<T>(Func<T> read, string noun, object target, out T result)
        {
            try
            {
                result = read();
                return true;
            }
            catch (Exception e) when (IsPerObject(e))
            {
                WriteError(ToErrorRecord(e, noun, target));
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                ThrowTerminatingError(ToErrorRecord(e, noun, target));
            }
            result = default!;
            return false;
        }

        /// <summary>Work the cmdlet cannot go on without (a listing, an export): any failure ends the cmdlet with a mapped error.</summary>
        protected void RunKernel(Action action, string noun, object? target)
        {
            try
            {
                action();
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                ThrowTerminatingError(ToErrorRecord(e, noun, target));
            }
        }

        /// <inheritdoc cref="RunKernel(Action, string, object?)"/>
        protected T RunKernel<T>(Func<T> read, string noun, object? target)
        {
            T result = default!;
            RunKernel(() => { result = read(); }, noun, target);
            return result;
        }

        /// <summary>
        /// For -PassThru after a change landed: the service as the kernel now has it (what it filled in or
        /// another writer changed since), or as sent when it is gone again.
        /// </summary>
        protected LvsService AsTheKernelHasIt(LvsService sent) => RecentReads.Noted(RunKernel(() => Client.GetService(sent.GetKey()), "Service", sent) ?? sent);

        /// <inheritdoc cref="AsTheKernelHasIt(LvsService)"/>
        protected LvsRealServer AsTheKernelHasIt(LvsRealServer sent) =>
            RecentReads.Noted(RunKernel(() => Client.GetRealServer(sent.GetServiceKey(), sent.Address, sent.Port), "RealServer", sent) ?? sent);

        /// <summary>
        /// True when the cmdlet stands after a pipeline that sent it nothing. A cmdlet that acts on
        /// everything when not told what (listing all real servers, zeroing all counters) then acts on
        /// nothing: an empty match upstream must not widen to the whole table.
        /// </summary>
        protected bool UpstreamSentNothing(bool anythingReceived) => MyInvocation.ExpectingInput && !anythingReceived;

        protected void WriteNotFound(string noun, string message, object target) =>
            WriteError(new ErrorRecord(new ItemNotFoundException(message), $"{noun}NotFound", ErrorCategory.ObjectNotFound, target));

        private static bool IsPerObject(Exception e) =>
            e is LvsArgumentException || (e is NetlinkException n && n.Errno != Errno.EPERM && n.Errno != Errno.EACCES);

        /// <summary>An error record whose id and category say what went wrong, in words an ipvsadm user knows.</summary>
        protected static ErrorRecord ToErrorRecord(Exception e, string noun, object? target)
        {
            switch (e)
            {
                case IpvsUnavailableException:
                    return new ErrorRecord(e, "IpvsUnavailable", ErrorCategory.ResourceUnavailable, target);
                case IpvsPermissionException:
                    return new ErrorRecord(e, "IpvsPermissionDenied", ErrorCategory.PermissionDenied, target);
                case NetworkNamespaceException:
                    return new ErrorRecord(e, "NetworkNamespaceInvalid", ErrorCategory.InvalidArgument, target);
                case UnauthorizedAccessException:
                    return new ErrorRecord(e, $"{noun}PermissionDenied", ErrorCategory.PermissionDenied, target);
                case LvsArgumentException a:
                    return new ErrorRecord(e, a.Reason, ErrorCategory.InvalidArgument, target);
                case NetlinkTimeoutException:
                    return new ErrorRecord(e, "IpvsTimeout", ErrorCategory.OperationTimeout, target);
                case RulesInterruptedException r:
                    return new ErrorRecord(e, TransportErrorId(r.Cause), ErrorCategory.ConnectionError, target);
                case NetlinkBatchException b:
                    return new ErrorRecord(e, TransportErrorId(b), ErrorCategory.ConnectionError, target);
                case NetlinkProtocolException:
                    return new ErrorRecord(e, "IpvsProtocolError", ErrorCategory.ProtocolError, target);
                case NetlinkException n:
                    var (id, category, text) = Describe(n, noun);
                    string message = n.KernelMessage is null ? text : $"{text} (kernel: {n.KernelMessage})";
                    return new ErrorRecord(new InvalidOperationException(message, n), id, category, target);
                default:
                    return new ErrorRecord(e, $"{noun}Failed", ErrorCategory.NotSpecified, target);
            }
        }

        /// <summary>The cause of a batch cut short by the transport, for its error id.</summary>
        private static string TransportErrorId(NetlinkBatchException e) => e.Errno switch
        {
            Errno.ENOBUFS => "IpvsRepliesLost",
            Errno.ETIMEDOUT => "IpvsTimeout",
            _ => "IpvsTransportFailed",
        };

        private static (string Id, ErrorCategory Category, string Message) Describe(NetlinkException e, string noun)
        {
            string action = e.Action is null ? "The request failed" : $"Could not {e.Action}";
            string what = noun switch { "RealServer" => "real server", "SyncDaemon" => "sync daemon", _ => "service" };
            return e.Errno switch
            {
                Errno.EEXIST when noun == "SyncDaemon" => ("SyncDaemonRunning", ErrorCategory.ResourceExists, $"{action}: a daemon of that state is already running."),
                Errno.ESRCH when noun == "SyncDaemon" => ("SyncDaemonNotRunning", ErrorCategory.ObjectNotFound, $"{action}: no daemon of that state is running."),
                Errno.ENODEV when noun == "SyncDaemon" => ("InterfaceNotFound", ErrorCategory.ObjectNotFound, $"{action}: there is no such interface in this network namespace."),
                Errno.EINVAL when noun == "SyncDaemon" => ("SyncDaemonRejected", ErrorCategory.InvalidArgument, $"{action}: the kernel rejected it (is the interface up and multicast-capable?)."),
                Errno.EEXIST => ($"{noun}Exists", ErrorCategory.ResourceExists, $"{action}: the {what} already exists."),
                Errno.ESRCH => ("ServiceNotFound", ErrorCategory.ObjectNotFound, $"{action}: no such service."),
                Errno.ENOENT when noun == "RealServer" => ("RealServerNotFound", ErrorCategory.ObjectNotFound, $"{action}: no such real server."),
                Errno.ENOENT => ("SchedulerNotFound", ErrorCategory.ObjectNotFound,
                    $"{action}: the kernel has no such scheduler or persistence engine (is its ip_vs_* module built and loadable?)."),
                Errno.ERANGE => ($"{noun}Rejected", ErrorCategory.InvalidArgument, $"{action}: a value is out of range (thresholds, weight or timeout)."),
                Errno.EINVAL when noun == "RealServer" => ("RealServerRejected", ErrorCategory.InvalidArgument,
                    $"{action}: the kernel rejected it as invalid (is the address unicast here? in a fresh network namespace, bring up its loopback interface first)."),
                Errno.EINVAL => ($"{noun}Rejected", ErrorCategory.InvalidArgument, $"{action}: the kernel rejected it as invalid."),
                Errno.EBUSY => ($"{noun}Busy", ErrorCategory.ResourceBusy, $"{action}: it is busy (already running?)."),
                Errno.ENOBUFS => ("IpvsRepliesLost", ErrorCategory.ConnectionError, $"{action}: the kernel dropped replies that the socket's receive buffer could not hold."),
                _ => ($"{noun}Failed", ErrorCategory.NotSpecified, e.Message),
            };
        }
    }
}
