using System.Collections.Generic;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// The base of cmdlets that act on named virtual services: by protocol, address and port; by
    /// firewall mark; or by -Service (objects from the pipeline, or key text).
    /// </summary>
    public abstract class LvsServiceTargetCmdlet : LvsCmdlet
    {
        protected const string AddressSet = "Address";
        protected const string FirewallMarkSet = "FirewallMark";
        protected const string ServiceSet = "Service";

        [Parameter(Mandatory = true, ParameterSetName = ServiceSet, Position = 0, ValueFromPipeline = true)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public LvsServiceKey[] Service { get; set; } = null!;

        [Parameter(ParameterSetName = AddressSet)]
        public LvsProtocol Protocol { get; set; } = LvsProtocol.Tcp;

        [Parameter(Mandatory = true, ParameterSetName = AddressSet)]
        [AddressTransformation]
        public IPAddress Address { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = AddressSet)]
        public ushort Port { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = FirewallMarkSet)]
        [ValidateRange(1u, uint.MaxValue)]
        public uint FirewallMark { get; set; }

        [Parameter(ParameterSetName = FirewallMarkSet)]
        [ValidateSet(nameof(System.Net.Sockets.AddressFamily.InterNetwork), nameof(System.Net.Sockets.AddressFamily.InterNetworkV6))]
        public AddressFamily AddressFamily { get; set; } = AddressFamily.InterNetwork;

        /// <summary>The services this call names.</summary>
        /// <summary>The pipeline object itself, bound beside -Service only to see whether it is a service just read.</summary>
        [Parameter(ValueFromPipeline = true, ParameterSetName = ServiceSet, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The service as the pipeline object has it, when that is a service just read (from Get-LvsService, moments ago): no need to read it again.</summary>
        protected LvsService? LiveService(LvsServiceKey key) =>
            InputObject?.BaseObject is LvsService live && live.GetKey().Equals(key) && RecentReads.IsFresh(live) ? live : null;

        protected IEnumerable<LvsServiceKey> TargetKeys => ParameterSetName switch
        {
            ServiceSet => Service,
            FirewallMarkSet => new[] { LvsServiceKey.ForFirewallMark(FirewallMark, AddressFamily) },
            _ => new[] { LvsServiceKey.ForAddress(Protocol, Address, Port) },
        };

        protected void WriteServiceNotFound(LvsServiceKey key) =>
            WriteNotFound("Service", $"There is no virtual service {key}.", key);
    }
}
