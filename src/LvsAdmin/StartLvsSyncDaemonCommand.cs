using System.Management.Automation;
using System.Net;

namespace LvsAdmin.Commands
{
    /// <summary>Starts a connection-synchronisation daemon, master or backup (ipvsadm --start-daemon).</summary>
    [Cmdlet(VerbsLifecycle.Start, "LvsSyncDaemon", SupportsShouldProcess = true)]
    [OutputType(typeof(LvsSyncDaemon))]
    public sealed class StartLvsSyncDaemonCommand : LvsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public LvsSyncState State { get; set; }

        /// <summary>The interface the daemon sends or listens on (ipvsadm --mcast-interface).</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Interface { get; set; } = "";

        /// <summary>Which director pair the messages belong to, 0 to 255; 0 accepts any on a backup.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0u, 255u)]
        public uint SyncId { get; set; }

        /// <summary>The largest sync message payload, in bytes (ipvsadm --sync-maxlen).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, LvsSyncDaemon.MaxMessageLength)]
        public ushort MaxLength { get; set; }

        /// <summary>The multicast group, IPv4 or IPv6 (default 224.0.0.81).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [AddressTransformation]
        public IPAddress? Group { get; set; }

        /// <summary>The UDP port (default 8848).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 65535)]
        public ushort Port { get; set; }

        /// <summary>The multicast TTL (default 1).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(1, 255)]
        public byte Ttl { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var daemon = new LvsSyncDaemon
            {
                State = State,
                Interface = Interface,
                SyncId = SyncId,
                MaxLength = MaxLength,
                Group = Group,
                Port = Port,
                Ttl = Ttl,
            };
            if (!ShouldProcess($"{State} sync daemon on {Interface}", "Start"))
                return;
            if (TryKernel(() => Client.StartSyncDaemon(daemon), "SyncDaemon", daemon) && PassThru && TryKernel(Client.GetSyncDaemons, "SyncDaemon", daemon, out var running))
                WriteObject(running.Find(d => d.State == State));
        }
    }
}
