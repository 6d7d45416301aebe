using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin.Commands
{
    /// <summary>Lists virtual services, all or those matching every key part given (ipvsadm -L).</summary>
    [Cmdlet(VerbsCommon.Get, "LvsService", DefaultParameterSetName = FilterSet)]
    [OutputType(typeof(LvsService))]
    public sealed class GetLvsServiceCommand : LvsCmdlet
    {
        private const string FilterSet = "Filter";
        private const string ServiceSet = "Service";
        private readonly List<LvsServiceKey> _requested = new List<LvsServiceKey>();

        [Parameter(Mandatory = true, ParameterSetName = ServiceSet, Position = 0, ValueFromPipeline = true)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public LvsServiceKey[] Service { get; set; } = null!;

        [Parameter(ParameterSetName = FilterSet)]
        public LvsProtocol? Protocol { get; set; }

        [Parameter(ParameterSetName = FilterSet)]
        [AddressTransformation]
        public IPAddress? Address { get; set; }

        [Parameter(ParameterSetName = FilterSet)]
        public ushort? Port { get; set; }

        [Parameter(ParameterSetName = FilterSet)]
        [ValidateRange(1u, uint.MaxValue)]
        public uint? FirewallMark { get; set; }

        [Parameter(ParameterSetName = FilterSet)]
        [ValidateSet(nameof(System.Net.Sockets.AddressFamily.InterNetwork), nameof(System.Net.Sockets.AddressFamily.InterNetworkV6))]
        public AddressFamily? AddressFamily { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ServiceSet)
                _requested.AddRange(Service);
        }

        protected override void EndProcessing()
        {
            if (UpstreamSentNothing(_requested.Count > 0))
                return;
            if (ParameterSetName == ServiceSet)
            {
                // One GET per named service: each answer complete before any is written.
                var found = new List<LvsService>();
                foreach (var key in _requested)
                {
                    if (TryKernel(() => Client.GetService(key), "Service", key, out var service))
                    {
                        if (service is null)
                            WriteNotFound("Service", $"There is no virtual service {key}.", key);
                        else
                            found.Add(service);
                    }
                }
                WriteObject(found.Select(RecentReads.Noted), enumerateCollection: true);
                return;
            }
            var services = RunKernel(Client.GetServices, "Service", null).Where(Matches).ToList();
            IpvsadmOrder.Sort(services);
            if (services.Count == 0 && NamesOneService(out var wanted))
                WriteNotFound("Service", $"There is no virtual service {wanted}.", wanted!);
            WriteObject(services.Select(RecentReads.Noted), enumerateCollection: true);
        }

        private bool Matches(LvsService service) =>
            (Protocol is null || service.Protocol == Protocol) &&
            (Address is null || Equals(service.Address, Address)) &&
            (Port is null || (service.FirewallMark == 0 && service.Port == Port)) &&
            (FirewallMark is null || service.FirewallMark == FirewallMark) &&
            (AddressFamily is null || service.AddressFamily == AddressFamily);

        /// <summary>True when the filters name exactly one service: then finding none is an error, as for a name.</summary>
        private bool NamesOneService(out LvsServiceKey? key)
        {
            key = null;
            if (FirewallMark is not null && Protocol is null && Address is null && Port is null)
                key = LvsServiceKey.ForFirewallMark(FirewallMark.Value, AddressFamily ?? System.Net.Sockets.AddressFamily.InterNetwork);
            else if (Protocol is not null && Address is not null && Port is not null && FirewallMark is null)
                key = LvsServiceKey.ForAddress(Protocol.Value, Address, Port.Value);
            return key is not null;
        }
    }
}
