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
        protected const string UdpSet = "Udp";
        protected const string DnsSet = "Dns";
        protected const string ScriptPathSet = "ScriptPath";
        protected const string ScriptBlockSet = "ScriptBlock";
        private ScriptBlockCheck? _scriptBlockCheck;

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

        /// <summary>Send a datagram (-Payload); healthy unless the port is refused, or with -Expect when a matching reply comes.</summary>
        [Parameter(Mandatory = true, ParameterSetName = UdpSet)]
        public SwitchParameter Udp { get; set; }

        /// <summary>The text of the datagram a -Udp check sends.</summary>
        [Parameter(ParameterSetName = UdpSet)]
        [AllowEmptyString]
        public string Payload { get; set; } = "";

        /// <summary>A regular expression that the body (-Http, -Https) or the reply (-Udp) must match.</summary>
        [Parameter(ParameterSetName = HttpSet)]
        [Parameter(ParameterSetName = HttpsSet)]
        [Parameter(ParameterSetName = UdpSet)]
        [ValidateNotNullOrEmpty]
        public string? Expect { get; set; }

        /// <summary>Ask a DNS question over UDP; healthy when the answer's code is NOERROR.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DnsSet)]
        public SwitchParameter Dns { get; set; }

        /// <summary>The name a -Dns check asks about (the root, '.', by default).</summary>
        [Parameter(ParameterSetName = DnsSet)]
        [ValidateNotNullOrEmpty]
        public string QueryName { get; set; } = ".";

        /// <summary>The record type a -Dns check asks for (SOA by default, as keepalived's DNS_CHECK).</summary>
        [Parameter(ParameterSetName = DnsSet)]
        public LvsDnsRecordType QueryType { get; set; } = LvsDnsRecordType.SOA;

        /// <summary>
        /// A program run as the check, with the server's address, port and service as its arguments: exit code 0
        /// healthy, 1 unhealthy, 2 to 255 healthy with the weight code - 2 (keepalived's MISC_CHECK, misc_dynamic).
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = ScriptPathSet)]
        [ValidateNotNullOrEmpty]
        public string? ScriptPath { get; set; }

        /// <summary>A script block run as the check, with the server as its argument: its last output is $true, $false or a weight.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
        public ScriptBlock? ScriptBlock { get; set; }

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

        /// <summary>The checks asked for; a pattern or a DNS name that cannot be used ends the command, naming it.</summary>
        protected HealthProbeOptions ProbeOptions()
        {
            if (Expect is not null && HealthProbe.PatternError(Expect) is string patternError)
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"-Expect '{Expect}' is not a regular expression: {patternError}"), "ExpectInvalid", ErrorCategory.InvalidArgument, Expect));
            if (Dns && Health.DnsQuery.Validate(QueryName) is string nameError)
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"-QueryName: {nameError}."), "QueryNameInvalid", ErrorCategory.InvalidArgument, QueryName));
            ScriptCheck? script = null;
            if (ScriptPath is not null)
            {
                string program = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ScriptPath);
                if (!System.IO.File.Exists(program))
                    ThrowTerminatingError(new ErrorRecord(new System.IO.FileNotFoundException($"-ScriptPath: there is no file '{program}' to run as the check.", program), "ScriptNotFound", ErrorCategory.ObjectNotFound, ScriptPath));
                script = ProgramCheck.For(program);
            }
            else if (ScriptBlock is not null)
            {
                script = (_scriptBlockCheck ??= new ScriptBlockCheck(ScriptBlock)).Check;
            }
            return new HealthProbeOptions
            {
                Check = script is not null ? LvsHealthCheck.Script : Https ? LvsHealthCheck.Https : Http ? LvsHealthCheck.Http : Udp ? LvsHealthCheck.Udp : Dns ? LvsHealthCheck.Dns : LvsHealthCheck.Tcp,
                Script = script,
                Path = Path,
                StatusCodes = StatusCode,
                HostHeader = HostHeader,
                SkipCertificateCheck = SkipCertificateCheck,
                Expect = Expect,
                Payload = Payload,
                QueryName = QueryName,
                QueryType = QueryType,
                Timeout = TimeSpan.FromSeconds(Timeout),
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _scriptBlockCheck?.Dispose();
            base.Dispose(disposing);
        }

        /// <summary>
        /// Starts a probe of each target, each holding one of the throttle's ThrottleLimit slots while it runs (one
        /// throttle for every group of a watch); each task ends with its result. TCP checks are made together on
        /// one thread (see <see cref="HealthProbe.ProbeTcp"/>), the others each as a task.
        /// </summary>
        protected List<Task<LvsHealthResult>> StartProbes(HealthProbe probe, IReadOnlyList<(LvsRealServer Server, ushort ProbePort)> targets, SemaphoreSlim throttle)
        {
            if (probe.Check != LvsHealthCheck.Tcp)
            {
                return targets.Select(async target =>
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
            var results = targets.Select(_ => new TaskCompletionSource<LvsHealthResult>()).ToList();
            var checkable = new List<(string, System.Net.IPAddress, ushort, ushort)>();
            var indexes = new List<int>();
            for (int i = 0; i < targets.Count; i++)
            {
                var (server, probePort) = targets[i];
                try
                {
                    probe.CheckPort(server.Service, server.Address, server.Port, probePort);
                    checkable.Add((server.Service, server.Address, server.Port, probePort));
                    indexes.Add(i);
                }
                catch (ArgumentException e)
                {
                    results[i].SetException(e);
                }
            }
            Task.Run(() =>
            {
                try
                {
                    probe.ProbeTcp(checkable, throttle, (index, result) => results[indexes[index]].TrySetResult(result), StopRequested);
                }
                catch (Exception e)
                {
                    foreach (var result in results)
                        result.TrySetException(e);
                }
            });
            return results.Select(result => result.Task).ToList();
        }
    }
}
