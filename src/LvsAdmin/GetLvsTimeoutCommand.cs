using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Gets the TCP, TCP FIN and UDP connection timeouts (ipvsadm -L --timeout).</summary>
    [Cmdlet(VerbsCommon.Get, "LvsTimeout")]
    [OutputType(typeof(LvsTimeout))]
    public sealed class GetLvsTimeoutCommand : LvsCmdlet
    {
        protected override void EndProcessing() => WriteObject(RunKernel(Client.GetTimeouts, "Timeout", null));
    }
}
