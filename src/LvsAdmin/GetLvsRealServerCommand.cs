using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;

namespace LvsAdmin.Commands
{
    /// <summary>Lists the real servers of the given services, or of every service (ipvsadm -L).</summary>
    [Cmdlet(VerbsCommon.Get, "LvsRealServer")]
    [OutputType(typeof(LvsRealServer))]
    public sealed class GetLvsRealServerCommand : LvsCmdlet
    {
        private readonly List<LvsServiceKey> _services = new List<LvsServiceKey>();

        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public LvsServiceKey[]? Service { get; set; }

        /// <summary>Only real servers at these addresses.</summary>
        [Parameter]
        [AddressTransformation]
        public IPAddress[]? Address { get; set; }

        [Parameter]
        public ushort? Port { get; set; }

        protected override void ProcessRecord()
        {
            if (Service is not null)
                _services.AddRange(Service);
        }

        protected override void EndProcessing()
        {
            if (UpstreamSentNothing(_services.Count > 0))
                return;
            IEnumerable<LvsServiceKey> keys = _services;
            if (_services.Count == 0)
            {
                var services = RunKernel(Client.GetServices, "Service", null);
                IpvsadmOrder.Sort(services);
                keys = services.Select(s => s.GetKey());
            }
            var found = new List<LvsRealServer>();
            foreach (var key in keys.Distinct())
            {
                if (!TryKernel(() => Client.GetRealServers(key), "Service", key, out var servers))
                    continue;
                IpvsadmOrder.Sort(servers);
                found.AddRange(servers.Where(Matches));
            }
            WriteObject(found.Select(RecentReads.Noted), enumerateCollection: true);
        }

        private bool Matches(LvsRealServer server) =>
            (Address is null || Address.Any(a => a.Equals(server.Address))) && (Port is null || server.Port == Port);
    }
}
