using System;
using System.Collections.Generic;
using System.Management.Automation;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Commands
{
    /// <summary>Changes settings of existing virtual services (ipvsadm -E); settings not given stay as they are.</summary>
    [Cmdlet(VerbsCommon.Set, "LvsService", DefaultParameterSetName = AddressSet, SupportsShouldProcess = true)]
    [OutputType(typeof(LvsService))]
    public sealed class SetLvsServiceCommand : LvsServiceTargetCmdlet
    {
        [Parameter]
        [ArgumentCompleter(typeof(SchedulerCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Scheduler { get; set; }

        /// <summary>-Persistent turns persistence on (360 s, as a bare ipvsadm -p, unless -PersistenceTimeout is given); -Persistent:$false turns it off.</summary>
        [Parameter]
        public SwitchParameter Persistent { get; set; }

        /// <summary>Seconds a client sticks to its real server; 0 turns persistence off.</summary>
        [Parameter]
        public uint? PersistenceTimeout { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PersistenceMask { get; set; }

        /// <summary>A persistence engine such as sip; an empty string removes it.</summary>
        [Parameter]
        [AllowEmptyString]
        public string? PersistenceEngine { get; set; }

        [Parameter]
        public SwitchParameter OnePacket { get; set; }

        [Parameter]
        [AllowEmptyCollection]
        [ValidateSet("sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3", IgnoreCase = true)]
        public string[]? SchedulerFlags { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var key in TargetKeys)
            {
                if (!TryKernel(() => LiveService(key) ?? Client.GetService(key), "Service", key, out var current))
                    continue;
                if (current is null)
                {
                    WriteServiceNotFound(key);
                    continue;
                }
                var changed = Apply(current, out var changes);
                if (changes.Count == 0)
                {
                    if (PassThru)
                        WriteObject(current);
                    continue;
                }
                if (!ShouldProcess($"virtual service {key}", $"Set {string.Join(", ", changes)}"))
                    continue;
                QueueChange(IpvsChange.ForService(IpvsChangeKind.Update, changed), IpvsChange.ForService(IpvsChangeKind.Update, current), "Service", key,
                    PassThru ? () => WriteObject(AsTheKernelHasIt(changed)) : null);
            }
        }

        private LvsService Apply(LvsService current, out List<string> changes)
        {
            var service = current.Clone();
            changes = new List<string>();
            var bound = MyInvocation.BoundParameters;
            if (Scheduler is not null && Scheduler != current.Scheduler)
            {
                service.Scheduler = Scheduler;
                // Flag names belong to a scheduler: like ipvsadm -E, a new scheduler starts without flags.
                service.SchedulerFlags = Array.Empty<string>();
                changes.Add($"scheduler {Scheduler}");
            }
            if (SchedulerFlags is not null)
            {
                service.SchedulerFlags = SchedulerFlags;
                changes.Add($"scheduler flags '{string.Join(",", SchedulerFlags)}'");
            }
            if (bound.ContainsKey(nameof(Persistent)))
            {
                service.Persistent = Persistent.IsPresent;
                service.PersistenceTimeout = Persistent.IsPresent ? (current.Persistent ? current.PersistenceTimeout : LvsService.DefaultPersistenceTimeout) : 0;
            }
            if (PersistenceTimeout is not null)
            {
                service.Persistent = PersistenceTimeout > 0;
                service.PersistenceTimeout = PersistenceTimeout.Value;
            }
            if (service.Persistent != current.Persistent || service.PersistenceTimeout != current.PersistenceTimeout)
                changes.Add(service.Persistent ? $"persistence {service.PersistenceTimeout} s" : "no persistence");
            if (PersistenceMask is not null)
            {
                service.PersistenceMask = PersistenceMask;
                changes.Add($"persistence mask {PersistenceMask}");
            }
            if (PersistenceEngine is not null)
            {
                service.PersistenceEngine = PersistenceEngine.Length == 0 ? null : PersistenceEngine;
                changes.Add(PersistenceEngine.Length == 0 ? "no persistence engine" : $"persistence engine {PersistenceEngine}");
            }
            if (bound.ContainsKey(nameof(OnePacket)))
            {
                service.OnePacket = OnePacket.IsPresent;
                changes.Add(OnePacket.IsPresent ? "one-packet scheduling" : "no one-packet scheduling");
            }
            return service;
        }
    }
}
