using System.Management.Automation;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Adds a real server to a virtual service (ipvsadm -a); without -Port, it takes the service's port.</summary>
    [Cmdlet(VerbsCommon.New, "LvsRealServer", SupportsShouldProcess = true)]
    [OutputType(typeof(LvsRealServer))]
    public sealed class NewLvsRealServerCommand : LvsRealServerCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, LvsValidation.MaxWeight)]
        public int Weight { get; set; } = 1;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet(nameof(LvsForwardingMethod.Route), nameof(LvsForwardingMethod.Masquerade), nameof(LvsForwardingMethod.Tunnel))]
        public LvsForwardingMethod ForwardingMethod { get; set; } = LvsForwardingMethod.Route;

        /// <summary>The most connections the server takes; 0 for no limit.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public uint UpperThreshold { get; set; }

        /// <summary>Below this many connections an overloaded server takes connections again.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public uint LowerThreshold { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public LvsTunnelType? TunnelType { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public ushort TunnelPort { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public LvsTunnelChecksum? TunnelChecksum { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!NamesRealServer())
                return;
            var server = new LvsRealServer
            {
                Address = Address,
                Port = Port ?? Service.Port,
                AddressFamily = Addresses.FamilyOf(Address),
                Weight = Weight,
                ForwardingMethod = ForwardingMethod,
                UpperThreshold = UpperThreshold,
                LowerThreshold = LowerThreshold,
                TunnelType = TunnelType,
                TunnelPort = TunnelPort,
                TunnelChecksum = TunnelChecksum,
            };
            server.SetServiceKey(Service);
            if (!ShouldProcess($"virtual service {Service}", $"Add real server {Addresses.FormatEndpoint(server.Address, server.Port)} ({ForwardingMethod}, weight {Weight})"))
                return;
            QueueChange(IpvsChange.ForRealServer(IpvsChangeKind.Add, server), IpvsChange.ForRealServer(IpvsChangeKind.Delete, server), "RealServer", server,
                PassThru ? () => WriteObject(AsTheKernelHasIt(server)) : null);
        }
    }
}
