using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Net;
using LvsAdmin.Connections;

namespace LvsAdmin.Commands
{
    /// <summary>Lists the connection table (ipvsadm -L -c), streaming it a row at a time.</summary>
    [Cmdlet(VerbsCommon.Get, "LvsConnection")]
    [OutputType(typeof(LvsConnection))]
    public sealed class GetLvsConnectionCommand : LvsCmdlet
    {
        /// <summary>Only connections to these services (by protocol, address and port; not by firewall mark).</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public LvsServiceKey[]? Service { get; set; }

        /// <summary>Only connections forwarded to these real servers.</summary>
        [Parameter]
        [AddressTransformation]
        public IPAddress[]? RealServerAddress { get; set; }

        [Parameter]
        public ushort? RealServerPort { get; set; }

        /// <summary>Only connections from these clients.</summary>
        [Parameter]
        [AddressTransformation]
        public IPAddress[]? ClientAddress { get; set; }

        /// <summary>Only connections in these states (ESTABLISHED, TIME_WAIT ...).</summary>
        [Parameter]
        public string[]? State { get; set; }

        private readonly System.Collections.Generic.List<LvsServiceKey> _services = new System.Collections.Generic.List<LvsServiceKey>();

        protected override void ProcessRecord()
        {
            if (Service is null)
                return;
            foreach (var key in Service)
            {
                if (key.IsFirewallMark)
                {
                    WriteError(new ErrorRecord(new PSArgumentException($"The connection table does not record firewall marks, so it cannot be filtered by {key}: filter by -RealServerAddress."),
                        "FirewallMarkFilter", ErrorCategory.InvalidArgument, key));
                    continue;
                }
                _services.Add(key);
            }
        }

        protected override void EndProcessing()
        {
            if ((Service is not null || MyInvocation.ExpectingInput) && _services.Count == 0)
                return;
            TextReader reader;
            try
            {
                reader = ConnectionTable.Open(NetworkNamespace);
            }
            catch (Exception e)
            {
                ThrowTerminatingError(ToErrorRecord(e, "Connection", NetworkNamespace));
                return;
            }
            using (reader)
            {
                foreach (var connection in ConnectionTable.Read(reader))
                {
                    if (Matches(connection))
                        WriteObject(connection);
                }
            }
        }

        /// <summary>A port-0 service is persistent on every port: its connections have the ports clients asked for.</summary>
        private static bool Serves(LvsServiceKey key, LvsConnection c) =>
            key.Address!.Equals(c.VirtualAddress) && (key.Port == 0 || key.Port == c.VirtualPort) &&
            key.Protocol.ToString()!.Equals(c.Protocol, StringComparison.OrdinalIgnoreCase);

        private bool Matches(LvsConnection c) =>
            (_services.Count == 0 || _services.Any(k => Serves(k, c))) &&
            (RealServerAddress is null || RealServerAddress.Any(a => a.Equals(c.RealServerAddress))) &&
            (RealServerPort is null || RealServerPort == c.RealServerPort) &&
            (ClientAddress is null || ClientAddress.Any(a => a.Equals(c.ClientAddress))) &&
            (State is null || State.Any(s => s.Equals(c.State, StringComparison.OrdinalIgnoreCase)));
    }
}
