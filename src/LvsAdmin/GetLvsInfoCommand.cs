using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Gets the IPVS version and the size of the connection table (the first line of ipvsadm -L).</summary>
    [Cmdlet(VerbsCommon.Get, "LvsInfo")]
    [OutputType(typeof(LvsInfo))]
    public sealed class GetLvsInfoCommand : LvsCmdlet
    {
        protected override void EndProcessing() => WriteObject(RunKernel(Client.GetInfo, "Info", null));
    }
}
