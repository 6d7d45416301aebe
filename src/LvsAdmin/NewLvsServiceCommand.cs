using System.Management.Automation;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Adds a virtual service (ipvsadm -A).</summary>
    [Cmdlet(VerbsCommon.New, "LvsService", DefaultParameterSetName = AddressSet, SupportsShouldProcess = true)]
    [OutputType(typeof(LvsService))]
    public sealed class NewLvsServiceCommand : LvsServiceTargetCmdlet
    {
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SchedulerCompleter))]
        [ValidateNotNullOrEmpty]
        public string Scheduler { get; set; } = LvsService.DefaultScheduler;

        /// <summary>Makes the service persistent with the default timeout of 360 seconds (a bare ipvsadm -p), unless -PersistenceTimeout says otherwise.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter Persistent { get; set; }

        /// <summary>Seconds a client sticks to its real server; any value above 0 turns persistence on.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public uint PersistenceTimeout { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PersistenceMask { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? PersistenceEngine { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public SwitchParameter OnePacket { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3", IgnoreCase = true)]
        public string[]? SchedulerFlags { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var key in TargetKeys)
            {
                var service = LvsService.Create(key);
                service.Scheduler = Scheduler;
                service.Persistent = Persistent.IsPresent || PersistenceTimeout > 0;
                service.PersistenceTimeout = PersistenceTimeout > 0 ? PersistenceTimeout : service.Persistent ? LvsService.DefaultPersistenceTimeout : 0;
                if (!string.IsNullOrEmpty(PersistenceMask))
                    service.PersistenceMask = PersistenceMask!;
                service.PersistenceEngine = string.IsNullOrEmpty(PersistenceEngine) ? null : PersistenceEngine;
                service.OnePacket = OnePacket.IsPresent;
                service.SchedulerFlags = SchedulerFlags ?? System.Array.Empty<string>();
                if (!ShouldProcess($"virtual service {key}", $"Add with scheduler {Scheduler}"))
                    continue;
                QueueChange(IpvsChange.ForService(IpvsChangeKind.Add, service), IpvsChange.ForService(IpvsChangeKind.Delete, service), "Service", key,
                    PassThru ? () => WriteObject(AsTheKernelHasIt(service)) : null);
            }
        }
    }
}
