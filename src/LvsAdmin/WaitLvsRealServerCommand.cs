using System.Collections.Generic;
using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Waits until real servers have no connections left; emits each as soon as it has none.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "LvsRealServer")]
    [OutputType(typeof(LvsRealServer))]
    public sealed class WaitLvsRealServerCommand : LvsRealServerCmdlet
    {
        private readonly List<LvsRealServer> _servers = new();

        /// <summary>Seconds to wait at most; the servers still busy then are errors.</summary>
        [Parameter]
        [ValidateRange(0.0, MaxDrainTimeout)]
        public double Timeout { get; set; } = DefaultDrainTimeout;

        /// <summary>Wait for the inactive connections too (closing, TIME_WAIT, UDP), not only the active ones.</summary>
        [Parameter]
        public SwitchParameter IncludeInactive { get; set; }

        protected override void ProcessRecord()
        {
            if (NamedRealServer() is { } server)
                _servers.Add(server);
        }

        protected override void EndProcessing() =>
            WaitUntilIdle(_servers, IncludeInactive, Timeout, WriteObject, server => WriteStillBusy(server, Timeout, "."));
    }
}
