using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Health;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Probes real servers from the director's network namespace: a TCP connect, or an HTTP or HTTPS
    /// request. One LvsHealthResult per server, in the order the servers came.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "LvsRealServer", DefaultParameterSetName = TcpSet)]
    [OutputType(typeof(LvsHealthResult))]
    public sealed class TestLvsRealServerCommand : LvsProbeCmdlet
    {
        private readonly List<(LvsRealServer Server, ushort ProbePort)> _targets = new();

        protected override void ProcessRecord()
        {
            if (NamedProbeTarget() is { } target)
                _targets.Add(target);
        }

        protected override void EndProcessing()
        {
            if (_targets.Count == 0)
                return;
            var options = ProbeOptions();
            using var probe = RunKernel(() => new HealthProbe(NetworkNamespace, options), "Probe", null);
            using var throttle = new SemaphoreSlim(ThrottleLimit);
            var probes = StartProbes(probe, _targets, throttle);
            var progress = new ProgressRecord(2, $"Probing real servers ({options.Check})", $"{probes.Count} real servers");
            try
            {
                for (int i = 0; i < probes.Count; i++)
                {
                    try
                    {
                        while (!probes[i].Wait(TimeSpan.FromMilliseconds(250)))
                        {
                            int done = probes.Count(p => p.IsCompleted);
                            progress.StatusDescription = $"{done} of {probes.Count} answered";
                            progress.PercentComplete = done * 100 / probes.Count;
                            WriteProgress(progress);
                        }
                    }
                    catch (AggregateException e) when (!StopRequested.IsCancellationRequested)
                    {
                        // A check that could not run (a script that failed, a program that would not start) says nothing of the server.
                        var server = _targets[i].Server;
                        WriteError(new ErrorRecord(new InvalidOperationException($"The check of {server} could not run: {e.InnerException?.Message ?? e.Message}", e.InnerException),
                            "CheckFailed", ErrorCategory.InvalidOperation, server));
                        continue;
                    }
                    WriteObject(probes[i].Result);
                }
            }
            catch (AggregateException) when (StopRequested.IsCancellationRequested)
            {
                return;
            }
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }
}
