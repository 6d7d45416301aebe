using System.Collections.Generic;
using System.Management.Automation;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Changes settings of a real server (ipvsadm -e); settings not given stay as they are.</summary>
    [Cmdlet(VerbsCommon.Set, "LvsRealServer", SupportsShouldProcess = true)]
    [OutputType(typeof(LvsRealServer))]
    public sealed class SetLvsRealServerCommand : LvsRealServerCmdlet
    {
        [Parameter]
        [ValidateRange(0, LvsValidation.MaxWeight)]
        public int? Weight { get; set; }

        [Parameter]
        [ValidateSet(nameof(LvsForwardingMethod.Route), nameof(LvsForwardingMethod.Masquerade), nameof(LvsForwardingMethod.Tunnel))]
        public LvsForwardingMethod? ForwardingMethod { get; set; }

        [Parameter]
        public uint? UpperThreshold { get; set; }

        [Parameter]
        public uint? LowerThreshold { get; set; }

        [Parameter]
        public LvsTunnelType? TunnelType { get; set; }

        [Parameter]
        public ushort? TunnelPort { get; set; }

        [Parameter]
        public LvsTunnelChecksum? TunnelChecksum { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var current = CurrentRealServer();
            if (current is null)
                return;
            var server = current.Clone();
            var changes = new List<string>();
            if (Weight is not null && Weight != current.Weight)
            {
                server.Weight = Weight.Value;
                changes.Add($"weight {Weight}");
            }
            if (ForwardingMethod is not null && ForwardingMethod != current.ForwardingMethod)
            {
                server.ForwardingMethod = ForwardingMethod.Value;
                if (ForwardingMethod != LvsForwardingMethod.Tunnel)
                {
                    server.TunnelType = null;
                    server.TunnelPort = 0;
                    server.TunnelChecksum = null;
                }
                changes.Add($"forwarding {ForwardingMethod}");
            }
            if (UpperThreshold is not null)
            {
                server.UpperThreshold = UpperThreshold.Value;
                changes.Add($"upper threshold {UpperThreshold}");
            }
            if (LowerThreshold is not null)
            {
                server.LowerThreshold = LowerThreshold.Value;
                changes.Add($"lower threshold {LowerThreshold}");
            }
            if (TunnelType is not null)
            {
                server.TunnelType = TunnelType;
                changes.Add($"tunnel {TunnelType}");
            }
            if (TunnelPort is not null)
            {
                server.TunnelPort = TunnelPort.Value;
                changes.Add($"tunnel port {TunnelPort}");
            }
            if (TunnelChecksum is not null)
            {
                server.TunnelChecksum = TunnelChecksum;
                changes.Add($"tunnel checksum {TunnelChecksum}");
            }
            if (changes.Count > 0 && ShouldProcess($"real server {current}", $"Set {string.Join(", ", changes)}"))
            {
                QueueChange(IpvsChange.ForRealServer(IpvsChangeKind.Update, server), IpvsChange.ForRealServer(IpvsChangeKind.Update, current), "RealServer", current,
                    PassThru ? () => WriteObject(AsTheKernelHasIt(server)) : null);
            }
            else if (changes.Count == 0 && PassThru)
            {
                WriteObject(current);
            }
        }
    }
}
