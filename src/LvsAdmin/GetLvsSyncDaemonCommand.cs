using System.Linq;
using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Lists the running connection-synchronisation daemons (ipvsadm -L --daemon).</summary>
    [Cmdlet(VerbsCommon.Get, "LvsSyncDaemon")]
    [OutputType(typeof(LvsSyncDaemon))]
    public sealed class GetLvsSyncDaemonCommand : LvsCmdlet
    {
        /// <summary>Only the daemon of this role.</summary>
        [Parameter(Position = 0)]
        public LvsSyncState? State { get; set; }

        protected override void EndProcessing() =>
            WriteObject(RunKernel(Client.GetSyncDaemons, "SyncDaemon", null).Where(d => State is null || d.State == State).OrderBy(d => d.State).ToList(), enumerateCollection: true);
    }
}
