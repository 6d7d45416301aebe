using System.Collections.Generic;
using System.Management.Automation;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Deletes a real server from a virtual service (ipvsadm -d); with -Drain, after its connections have ended.</summary>
    [Cmdlet(VerbsCommon.Remove, "LvsRealServer", SupportsShouldProcess = true, DefaultParameterSetName = NowSet)]
    [OutputType(typeof(LvsRealServer))]
    public sealed class RemoveLvsRealServerCommand : LvsRealServerCmdlet
    {
        private const string NowSet = "Now";
        private const string DrainSet = "Drain";
        private readonly List<LvsRealServer> _draining = new();

        /// <summary>Writes each removed real server, as it was just before removal.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Set the weight to 0 first, and remove each server once it has no active connections.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DrainSet)]
        public SwitchParameter Drain { get; set; }

        /// <summary>Seconds to wait for the connections to end; a server still busy then stays, at weight 0.</summary>
        [Parameter(ParameterSetName = DrainSet)]
        [ValidateRange(0.0, MaxDrainTimeout)]
        public double Timeout { get; set; } = DefaultDrainTimeout;

        /// <summary>Wait for the inactive connections too (closing, TIME_WAIT, UDP), not only the active ones.</summary>
        [Parameter(ParameterSetName = DrainSet)]
        public SwitchParameter IncludeInactive { get; set; }

        /// <summary>Remove a server still busy when the time runs out, instead of leaving it at weight 0.</summary>
        [Parameter(ParameterSetName = DrainSet)]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var server = CurrentRealServer();
            if (server is null || !ShouldProcess($"real server {server}", Drain ? "Drain (weight 0), then remove" : "Remove"))
                return;
            if (!Drain)
            {
                Delete(server);
                return;
            }
            // Weight 0 at once, so that no new connection goes to it while the others are found.
            var quiesced = server.Clone();
            quiesced.Weight = 0;
            if (server.Weight == 0)
                _draining.Add(quiesced);
            else
                QueueChange(IpvsChange.ForRealServer(IpvsChangeKind.Update, quiesced), IpvsChange.ForRealServer(IpvsChangeKind.Update, server), "RealServer", server,
                    () => _draining.Add(quiesced));
        }

        protected override void EndProcessing()
        {
            SendQueuedChanges();
            WaitUntilIdle(_draining, IncludeInactive, Timeout, Delete, server =>
            {
                if (!Force)
                {
                    WriteStillBusy(server, Timeout, ": it stays at weight 0. Wait longer (-Timeout), or give -Force to remove it anyway.");
                    return;
                }
                WriteWarning($"Removing {server} with {server.ActiveConnections} active and {server.InactiveConnections} inactive connections left (-Force).");
                Delete(server);
            });
            SendQueuedChanges();
        }

        private void Delete(LvsRealServer server) =>
            QueueChange(IpvsChange.ForRealServer(IpvsChangeKind.Delete, server), IpvsChange.ForRealServer(IpvsChangeKind.Add, server), "RealServer", server,
                PassThru ? () => WriteObject(server) : null);
    }
}
