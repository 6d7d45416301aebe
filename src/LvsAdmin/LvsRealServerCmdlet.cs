using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// The base of cmdlets that name a real server of a service: -Service (pipeline or text),
    /// -Address and -Port, which bind by name from real-server objects (and from anything else that has
    /// Service, Address and Port, such as health results). A service object from the pipeline names only
    /// the service: its own address and port are not a real server's.
    /// </summary>
    public abstract class LvsRealServerCmdlet : LvsCmdlet
    {
        /// <summary>How long Wait-LvsRealServer and Remove-LvsRealServer -Drain wait by default: five minutes.</summary>
        protected const double DefaultDrainTimeout = 300;

        /// <summary>The longest wait: 31 days, the longest timeout IPVS has.</summary>
        protected const double MaxDrainTimeout = LvsService.MaxTimeout;

        private HashSet<string> _givenOnCommandLine = null!;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public virtual LvsServiceKey Service { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AddressTransformation]
        public virtual IPAddress Address { get; set; } = null!;

        /// <summary>The real server's port; without it, the one real server at -Address.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ushort? Port { get; set; }

        /// <summary>The pipeline object itself, bound beside -Service only to see what kind of object it is.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        protected override void BeginProcessing() =>
            _givenOnCommandLine = new HashSet<string>(MyInvocation.BoundParameters.Keys, StringComparer.OrdinalIgnoreCase);

        /// <summary>Whether a parameter was given on the command line rather than bound from pipeline objects.</summary>
        protected bool GivenOnCommandLine(string parameter) => _givenOnCommandLine.Contains(parameter);

        /// <summary>
        /// Undoes what a service object from the pipeline bound by property name (its Address and Port are
        /// the virtual service's): false, after writing the error, when no real server is then named.
        /// </summary>
        protected bool NamesRealServer()
        {
            if (InputObject is null || InputObject.Properties[nameof(LvsRealServer.Service)] is not null)
                return true;
            if (!_givenOnCommandLine.Contains(nameof(Port)))
                Port = null;
            if (_givenOnCommandLine.Contains(nameof(Address)))
                return true;
            WriteError(new ErrorRecord(
                new PSArgumentException($"The virtual service {Service} came from the pipeline without a real server: give -Address (and -Port) of the real server."),
                "RealServerAddressMissing", ErrorCategory.InvalidArgument, Service));
            return false;
        }

        /// <summary>The real server named by -Address and -Port, read from the kernel; null after writing the error.</summary>
        protected LvsRealServer? FindRealServer()
        {
            if (!NamesRealServer() || !TryKernel(() => Client.GetRealServers(Service), "RealServer", Service, out var servers))
                return null;
            var matches = servers.Where(s => s.Address.Equals(Address) && (Port is null || s.Port == Port)).ToList();
            string endpoint = Port is null ? Address.ToString() : Addresses.FormatEndpoint(Address, Port.Value);
            if (matches.Count == 1)
                return matches[0];
            if (matches.Count == 0)
                WriteNotFound("RealServer", $"The virtual service {Service} has no real server {endpoint}.", $"{Service} -> {endpoint}");
            else
                WriteError(new ErrorRecord(new PSArgumentException($"The virtual service {Service} has several real servers at {Address}: give -Port."),
                    "RealServerAmbiguous", ErrorCategory.InvalidArgument, $"{Service} -> {endpoint}"));
            return null;
        }

        /// <summary>
        /// The real server named, without a read when the port is known (as from a real-server object);
        /// null after writing the error. Only its service, address and port are set then.
        /// </summary>
        protected LvsRealServer? NamedRealServer()
        {
            if (Port is null)
                return FindRealServer();
            if (!NamesRealServer())
                return null;
            var server = new LvsRealServer { Address = Address, Port = Port.Value };
            server.SetServiceKey(Service);
            return server;
        }

        /// <summary>
        /// Waits until the servers have no active connections (nor inactive ones, with includeInactive), with
        /// progress, up to timeoutSeconds. Each idle server goes to idle, as it was last read; each still busy
        /// then goes to timedOut; one no longer in the table is an ObjectNotFound error. Ctrl+C ends the wait.
        /// </summary>
        protected void WaitUntilIdle(IReadOnlyList<LvsRealServer> servers, bool includeInactive, double timeoutSeconds,
            Action<LvsRealServer> idle, Action<LvsRealServer> timedOut)
        {
            if (servers.Count == 0)
                return;
            var progress = new ProgressRecord(1, "Waiting for real servers to drain", $"{servers.Count} real servers");
            RunKernel(() => RealServerDrain.Wait(Client, servers, includeInactive, TimeSpan.FromSeconds(timeoutSeconds), StopRequested,
                (server, outcome) =>
                {
                    switch (outcome)
                    {
                        case DrainOutcome.Idle:
                            idle(server);
                            break;
                        case DrainOutcome.TimedOut:
                            timedOut(server);
                            break;
                        default:
                            WriteNotFound("RealServer", $"The real server {server} is no longer in the table.", server.ToString());
                            break;
                    }
                },
                state =>
                {
                    // What the servers that became idle in this round lead to (their removal) goes now.
                    SendQueuedChanges();
                    progress.StatusDescription = $"{state.Waiting} of {state.Total} still have connections: {state.ActiveConnections} active, {state.InactiveConnections} inactive";
                    progress.PercentComplete = (state.Total - state.Waiting) * 100 / state.Total;
                    progress.SecondsRemaining = (int)Math.Max(0, (state.Timeout - state.Elapsed).TotalSeconds);
                    WriteProgress(progress);
                }), "RealServer", null);
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }

        /// <summary>The error of a real server still busy when a wait ran out: it names the server and what is left.</summary>
        protected void WriteStillBusy(LvsRealServer server, double timeoutSeconds, string consequence) =>
            WriteError(new ErrorRecord(
                new TimeoutException($"The real server {server} still has {server.ActiveConnections} active and {server.InactiveConnections} inactive connections after {timeoutSeconds:0.###} s{consequence}"),
                "RealServerDrainTimeout", ErrorCategory.OperationTimeout, server));

        /// <summary>
        /// The real server named, as the pipeline object has it when that is a real server just read (from
        /// Get-LvsRealServer, moments ago), so that a large pipeline is not read again one server at a time;
        /// otherwise read from the kernel. Null after writing the error.
        /// </summary>
        protected LvsRealServer? CurrentRealServer()
        {
            if (InputObject?.BaseObject is LvsRealServer live && live.Address.Equals(Address) && (Port is null || live.Port == Port)
                && live.GetServiceKey().Equals(Service) && RecentReads.IsFresh(live))
                return live;
            return FindRealServer();
        }
    }
}
