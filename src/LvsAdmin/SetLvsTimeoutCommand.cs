using System.Collections.Generic;
using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Sets connection timeouts, in seconds; those not given stay as they are (ipvsadm --set).</summary>
    [Cmdlet(VerbsCommon.Set, "LvsTimeout", SupportsShouldProcess = true)]
    [OutputType(typeof(LvsTimeout))]
    public sealed class SetLvsTimeoutCommand : LvsCmdlet
    {
        // ipvsadm's bound for --set, 31 days.
        private const uint MaxSeconds = LvsService.MaxTimeout;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1u, MaxSeconds)]
        public uint? Tcp { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1u, MaxSeconds)]
        public uint? TcpFin { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1u, MaxSeconds)]
        public uint? Udp { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (Tcp is null && TcpFin is null && Udp is null)
            {
                WriteError(new ErrorRecord(new PSArgumentException("Give at least one of -Tcp, -TcpFin and -Udp."),
                    "TimeoutMissing", ErrorCategory.InvalidArgument, null));
                return;
            }
            // Zero tells the kernel to leave that timeout as it is.
            var timeout = new LvsTimeout { Tcp = Tcp ?? 0, TcpFin = TcpFin ?? 0, Udp = Udp ?? 0 };
            var changes = new List<string>();
            if (Tcp is not null) changes.Add($"tcp {Tcp} s");
            if (TcpFin is not null) changes.Add($"tcpfin {TcpFin} s");
            if (Udp is not null) changes.Add($"udp {Udp} s");
            if (!ShouldProcess("IPVS connection timeouts", $"Set {string.Join(", ", changes)}"))
                return;
            if (TryKernel(() => Client.SetTimeouts(timeout), "Timeout", timeout) && PassThru && TryKernel(Client.GetTimeouts, "Timeout", timeout, out var written))
                WriteObject(written);
        }
    }
}
