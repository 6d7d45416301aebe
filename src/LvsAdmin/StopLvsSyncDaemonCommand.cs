using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Stops the master or backup connection-synchronisation daemon (ipvsadm --stop-daemon).</summary>
    [Cmdlet(VerbsLifecycle.Stop, "LvsSyncDaemon", SupportsShouldProcess = true)]
    [OutputType(typeof(void))]
    public sealed class StopLvsSyncDaemonCommand : LvsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public LvsSyncState[] State { get; set; } = null!;

        protected override void ProcessRecord()
        {
            foreach (var state in State)
            {
                if (ShouldProcess($"{state} sync daemon", "Stop"))
                    TryKernel(() => Client.StopSyncDaemon(state), "SyncDaemon", state);
            }
        }
    }
}
