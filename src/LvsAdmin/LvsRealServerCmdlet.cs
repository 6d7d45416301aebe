using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// The base of cmdlets that name a real server of a service: -Service (pipeline or text),
    /// -Address and -Port, which bind by name from real-server objects.
    /// </summary>
    public abstract class LvsRealServerCmdlet : LvsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public LvsServiceKey Service { get; set; } = null!;

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AddressTransformation]
        public IPAddress Address { get; set; } = null!;

        /// <summary>The real server's port; without it, the one real server at -Address.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ushort? Port { get; set; }

        /// <summary>The real server named by -Address and -Port, read from the kernel; null after writing the error.</summary>
        protected LvsRealServer? FindRealServer()
        {
            List<LvsRealServer>? servers = null;
            if (!TryKernel(() => servers = Client.GetRealServers(Service), "RealServer", Service))
                return null;
            var matches = servers!.Where(s => s.Address.Equals(Address) && (Port is null || s.Port == Port)).ToList();
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
    }
}
