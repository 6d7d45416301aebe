using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Deletes a real server from a virtual service (ipvsadm -d).</summary>
    [Cmdlet(VerbsCommon.Remove, "LvsRealServer", SupportsShouldProcess = true)]
    [OutputType(typeof(LvsRealServer))]
    public sealed class RemoveLvsRealServerCommand : LvsRealServerCmdlet
    {
        /// <summary>Writes each removed real server, as it was just before removal.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var server = FindRealServer();
            if (server is null || !ShouldProcess($"real server {server}", "Remove"))
                return;
            if (TryKernel(() => Client.DeleteRealServer(Service, server), "RealServer", server) && PassThru)
                WriteObject(server);
        }
    }
}
