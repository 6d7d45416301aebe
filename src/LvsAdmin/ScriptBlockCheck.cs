using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Health;
using LvsAdmin.Netlink;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// A -ScriptBlock check: the script block runs in runspaces of its own (one per check running at once, kept
    /// for the next rounds), on a thread in the director's network namespace, with the server as its argument
    /// (Service, Address, Port: the port to check). Its last output is the verdict: $true or $false, or a weight.
    /// It cannot see the caller's variables: what it needs goes in the block.
    /// </summary>
    internal sealed class ScriptBlockCheck : IDisposable
    {
        private readonly string _script;
        private readonly ConcurrentBag<Runspace> _idle = new ConcurrentBag<Runspace>();

        public ScriptBlockCheck(ScriptBlock script) => _script = script.ToString();

        public ScriptCheck Check => (service, target, namespacePath, cancellation) =>
            Task.Factory.StartNew(() => Run(service, target, namespacePath, cancellation), cancellation, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        private ScriptVerdict Run(string service, IPEndPoint target, string? namespacePath, CancellationToken cancellation)
        {
            if (!_idle.TryTake(out var runspace))
            {
                runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
                runspace.ThreadOptions = PSThreadOptions.UseCurrentThread;
                runspace.Open();
            }
            try
            {
                return NetworkNamespace.Run(namespacePath, () =>
                {
                    using var shell = PowerShell.Create();
                    shell.Runspace = runspace;
                    var server = new PSObject();
                    server.Properties.Add(new PSNoteProperty("Service", service));
                    server.Properties.Add(new PSNoteProperty("Address", target.Address));
                    server.Properties.Add(new PSNoteProperty("Port", (ushort)target.Port));
                    shell.AddScript(_script).AddArgument(server);
                    using var stop = cancellation.Register(() => shell.BeginStop(null, null));
                    var output = shell.Invoke();
                    cancellation.ThrowIfCancellationRequested();
                    if (shell.Streams.Error.Count > 0)
                        throw new InvalidOperationException($"the script block failed: {shell.Streams.Error[0]}");
                    return Verdict(output.LastOrDefault()?.BaseObject);
                });
            }
            catch (RuntimeException) when (cancellation.IsCancellationRequested)
            {
                // Stopped at the check's time limit: the probe reports the time-out.
                throw new OperationCanceledException(cancellation);
            }
            catch (RuntimeException e)
            {
                throw new InvalidOperationException($"the script block failed: {e.Message}", e);
            }
            finally
            {
                _idle.Add(runspace);
            }
        }

        private static ScriptVerdict Verdict(object? output) => output switch
        {
            bool healthy => new ScriptVerdict(healthy, null, healthy ? "the script block returned $true" : "the script block returned $false"),
            int or long or short or byte or uint or ushort when Convert.ToInt64(output) is long weight && weight is >= 0 and <= LvsValidation.MaxWeight
                => new ScriptVerdict(true, (int)weight, $"the script block returned weight {weight}"),
            _ => throw new InvalidOperationException($"the script block returned {(output is null ? "nothing" : $"'{output}'")}: return $true, $false or a weight from 0 to {LvsValidation.MaxWeight}"),
        };

        public void Dispose()
        {
            while (_idle.TryTake(out var runspace))
                runspace.Dispose();
        }
    }
}
