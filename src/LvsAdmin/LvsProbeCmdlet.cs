using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Health;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// The base of the cmdlets that probe real servers from the director's namespace (Test-LvsRealServer,
    /// Watch-LvsRealServer): the checks and their options, and probing many servers at once within a bound.
    /// </summary>
    public abstract class LvsProbeCmdlet : LvsRealServerCmdlet
    {
        protected const string TcpSet = "Tcp";
        protected const string HttpSet = "Http";
        protected const string HttpsSet = "Https";

        /// <summary>Connect, and count a server healthy when the connection is made (the default).</summary>
        [Parameter(ParameterSetName = TcpSet)]
        public SwitchParameter Tcp { get; set; }

        /// <summary>Send a GET request for -Path and check the status.</summary>
        [Parameter(Mandatory = true, ParameterSetName = HttpSet)]
        public SwitchParameter Http { get; set; }

        /// <summary>Send the request over TLS; the certificate is checked unless -SkipCertificateCheck.</summary>
        [Parameter(Mandatory = true, ParameterSetName = HttpsSet)]
        public SwitchParameter Https { get; set; }

        [Parameter(ParameterSetName = HttpSet)]
        [Parameter(ParameterSetName = HttpsSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "/";

        /// <summary>The statuses that count as healthy; without it, any 2xx.</summary>
        [Parameter(ParameterSetName = HttpSet)]
        [Parameter(ParameterSetName = HttpsSet)]
        [ValidateRange(100, 599)]
        public int[] StatusCode { get; set; } = Array.Empty<int>();

        /// <summary>The Host header to send (and the TLS server name): for servers that serve by name.</summary>
        [Parameter(ParameterSetName = HttpSet)]
        [Parameter(ParameterSetName = HttpsSet)]
        [ValidateNotNullOrEmpty]
        public string? HostHeader { get; set; }

        /// <summary>Accept any certificate: self-signed, expired or of another name.</summary>
        [Parameter(ParameterSetName = HttpsSet)]
        public SwitchParameter SkipCertificateCheck { get; set; }

        /// <summary>Seconds each probe may take, the connection included.</summary>
        [Parameter]
        [ValidateRange(0.001, 3600.0)]
        public double Timeout { get; set; } = 5;

        /// <summary>How many probes run at once.</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = 32;

        /// <summary>The real server named with the port to probe; null after writing the error.</summary>
        protected (LvsRealServer Server, ushort ProbePort)? NamedProbeTarget()
        {
            var server = NamedRealServer();
            if (server is null)
                return null;
            // Port names the real server; given on the command line beside pipeline input, it is the port to
            // probe instead (what a firewall-mark server, whose port is 0, needs), and the object keeps its own.
            if (GivenOnCommandLine(nameof(Port)) && InputObject?.Properties[nameof(Port)]?.Value is { } own
                && LanguagePrimitives.TryConvertTo(own, out ushort serverPort))
                server.Port = serverPort;
            ushort probePort = Port ?? server.Port;
            if (probePort == 0)
            {
                WriteError(new ErrorRecord(
                    new PSArgumentException($"The real server {server} has port 0 (it serves a firewall-mark or port-0 service): give -Port, the port to probe."),
                    "ProbePortMissing", ErrorCategory.InvalidArgument, server));
                return null;
            }
            return (server, probePort);
        }

        protected HealthProbeOptions ProbeOptions() => new HealthProbeOptions
        {
            Check = Https ? LvsHealthCheck.Https : Http ? LvsHealthCheck.Http : LvsHealthCheck.Tcp,
            Path = Path,
            StatusCodes = StatusCode,
            HostHeader = HostHeader,
            SkipCertificateCheck = SkipCertificateCheck,
            Timeout = TimeSpan.FromSeconds(Timeout),
        };

        /// <summary>Starts a probe of each target, at most ThrottleLimit at once; each task ends with its result.</summary>
        protected List<Task<LvsHealthResult>> StartProbes(HealthProbe probe, IEnumerable<(LvsRealServer Server, ushort ProbePort)> targets, SemaphoreSlim throttle) =>
            targets.Select(async target =>
            {
                await throttle.WaitAsync(StopRequested).ConfigureAwait(false);
                try
                {
                    return await probe.ProbeAsync(target.Server.Service, target.Server.Address, target.Server.Port, target.ProbePort, StopRequested).ConfigureAwait(false);
                }
                finally
                {
                    throttle.Release();
                }
            }).ToList();
    }
}
