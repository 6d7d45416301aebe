using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Health;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;
using ServersByEndpoint = System.Collections.Generic.Dictionary<(System.Net.IPAddress Address, ushort Port), LvsAdmin.LvsRealServer>;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Checks real servers every -Interval seconds, as keepalived's checkers do: a server that fails -Fall
    /// checks in a row is held down (weight 0, or removed), and one that passes -Rise checks in a row gets its
    /// own weight back, ramped up over -SlowStart. One LvsHealthEvent per change of state or weight, until
    /// -Count rounds, -Duration seconds, or Ctrl+C. What it holds down is kept under /run (WatchHolds), so
    /// that a watch started again, after a kill or a stop, gives those servers their own settings back.
    /// </summary>
    [Cmdlet(VerbsCommon.Watch, "LvsRealServer", DefaultParameterSetName = TcpSet, SupportsShouldProcess = true)]
    [OutputType(typeof(LvsHealthEvent))]
    public sealed class WatchLvsRealServerCommand : LvsProbeCmdlet
    {
        private const string ConfigurationSet = "Configuration";
        private readonly List<(LvsRealServer Server, ushort ProbePort)> _targets = new();
        private readonly List<(LvsServiceKey Service, ushort? ProbePort)> _wholeServices = new();
        private DateTime _holdsWritten;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TcpSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = HttpSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = HttpsSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = UdpSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = DnsSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ScriptPathSet)]
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ScriptBlockSet)]
        [ServiceKeyTransformation]
        [ArgumentCompleter(typeof(ServiceCompleter))]
        public override LvsServiceKey Service { get => base.Service; set => base.Service = value; }

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = TcpSet)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = HttpSet)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = HttpsSet)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = UdpSet)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = DnsSet)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ScriptPathSet)]
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ScriptBlockSet)]
        [AddressTransformation]
        public override System.Net.IPAddress Address { get => base.Address; set => base.Address = value; }

        /// <summary>A PowerShell data file naming, per service, the checks and options to watch its real servers with.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ConfigurationSet)]
        [ValidateNotNullOrEmpty]
        public string? ConfigurationPath { get; set; }

        /// <summary>Seconds from the start of one round of checks to the start of the next.</summary>
        [Parameter]
        [ValidateRange(0.1, 86400.0)]
        public double Interval { get; set; } = 5;

        /// <summary>Failed checks in a row that take an up server down.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Fall { get; set; } = 3;

        /// <summary>Passed checks in a row that bring a down server back.</summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int Rise { get; set; } = 2;

        /// <summary>Inhibit (weight 0: its connections go on; the default) or Remove (deleted, added back with its own settings).</summary>
        [Parameter]
        public LvsFailureAction OnFailure { get; set; } = LvsFailureAction.Inhibit;

        /// <summary>Seconds over which a server that came back ramps up from weight 1 to its own; 0: at once.</summary>
        [Parameter]
        [ValidateRange(0.0, 86400.0)]
        public double SlowStart { get; set; }

        /// <summary>Up (the default): servers are taken as up until they fail. Down: held down until they pass -Rise checks.</summary>
        [Parameter]
        [ValidateSet(nameof(LvsHealthState.Up), nameof(LvsHealthState.Down))]
        public LvsHealthState InitialState { get; set; } = LvsHealthState.Up;

        /// <summary>The least total weight of a service's healthy servers; below it (less -Hysteresis) the -SorryServer goes in.</summary>
        [Parameter(ParameterSetName = TcpSet)]
        [Parameter(ParameterSetName = HttpSet)]
        [Parameter(ParameterSetName = HttpsSet)]
        [Parameter(ParameterSetName = UdpSet)]
        [Parameter(ParameterSetName = DnsSet)]
        [Parameter(ParameterSetName = ScriptPathSet)]
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateRange(1, int.MaxValue)]
        public int Quorum { get; set; }

        /// <summary>How far below -Quorum the healthy weight must fall to lose it, and above it to regain it.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Hysteresis { get; set; }

        /// <summary>The server (address:port, [v6]:port) that takes a service's traffic while its quorum is lost.</summary>
        [Parameter(ParameterSetName = TcpSet)]
        [Parameter(ParameterSetName = HttpSet)]
        [Parameter(ParameterSetName = HttpsSet)]
        [Parameter(ParameterSetName = UdpSet)]
        [Parameter(ParameterSetName = DnsSet)]
        [Parameter(ParameterSetName = ScriptPathSet)]
        [Parameter(ParameterSetName = ScriptBlockSet)]
        [ValidateNotNullOrEmpty]
        public string? SorryServer { get; set; }

        /// <summary>Stop after this many rounds of checks.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Count { get; set; }

        /// <summary>Stop after this many seconds.</summary>
        [Parameter]
        [ValidateRange(0.001, double.MaxValue)]
        public double Duration { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ConfigurationSet)
                return;
            if (NamesWholeService())
            {
                if (!_wholeServices.Any(w => w.Service.Equals(Service)))
                    _wholeServices.Add((Service, GivenOnCommandLine(nameof(Port)) ? Port : null));
                return;
            }
            if (NamedProbeTarget() is { } target && !_targets.Any(t => t.Server.Service == target.Server.Service && t.Server.HasEndpointOf(target.Server)))
                _targets.Add(target);
        }

        /// <summary>
        /// A service without a real server: -Service alone, or a service object from the pipeline (the address
        /// and port it binds are the virtual service's). Every real server it has, then and later, is watched.
        /// </summary>
        private bool NamesWholeService() =>
            !GivenOnCommandLine(nameof(Address)) && (Address is null || (InputObject is not null && InputObject.Properties[nameof(LvsRealServer.Service)] is null));

        protected override void EndProcessing()
        {
            if (ConfigurationPath is null && _targets.Count == 0 && _wholeServices.Count == 0)
                return;
            var holds = RunKernel(() => WatchHolds.For(NetworkNamespace), "Probe", null);
            var held = RunKernel(() => holds.Load(), "Probe", holds.Path);
            var groups = new List<WatchedGroup>();
            try
            {
                double interval = Interval;
                if (ConfigurationPath is not null)
                {
                    var configuration = ReadConfiguration(ConfigurationPath);
                    interval = configuration.Interval;
                    foreach (var service in configuration.Services)
                    {
                        if (TryKernel(() => Client.GetRealServers(service.Service), "RealServer", service.Service, out var servers))
                            groups.Add(NewGroup(Array.Empty<string>(), new[] { service.Service }, servers, held, service.Probe, service.Watch, _ => service.ProbePort));
                    }
                }
                else
                {
                    var probe = ProbeOptions();
                    var options = new RealServerWatchOptions
                    {
                        Fall = Fall,
                        Rise = Rise,
                        OnFailure = OnFailure,
                        InitialState = InitialState,
                        SlowStart = TimeSpan.FromSeconds(SlowStart),
                        Check = probe.Check,
                        Quorum = Quorum,
                        Hysteresis = Hysteresis,
                        SorryServer = SorryServerEndpoint(),
                    };
                    _targets.RemoveAll(t => IsSorryServer(t.Server, options));
                    var probePorts = _targets.ToDictionary(t => t.Server.ToString(), t => t.ProbePort);
                    var servers = ReadNamedServers(held);
                    var wholeServices = new List<LvsServiceKey>();
                    foreach (var (service, _) in _wholeServices)
                    {
                        if (!TryKernel(() => Client.GetRealServers(service), "RealServer", service, out var all))
                            continue;
                        wholeServices.Add(service);
                        servers.AddRange(all.Where(s => !servers.Any(n => n.Service == s.Service && n.HasEndpointOf(s))));
                    }
                    var wholePorts = _wholeServices.ToDictionary(w => w.Service.ToString(), w => w.ProbePort);
                    groups.Add(NewGroup(_targets.Select(t => t.Server.Service), wholeServices, servers, held, probe, options,
                        server => probePorts.TryGetValue(server.ToString(), out var port) ? port : wholePorts.GetValueOrDefault(server.Service)));
                }
                groups.RemoveAll(g => g.Targets.Count == 0 && g.WholeServices.Count == 0);
                if (groups.Count > 0)
                    Run(groups, interval, holds);
            }
            finally
            {
                foreach (var group in groups)
                    group.Probe.Dispose();
            }
        }

        /// <summary>
        /// One watch with its check: the servers of a pipeline, or one service of a configuration. Of its whole
        /// services (a configuration's, or named without a server) every server is watched, those added later too.
        /// </summary>
        private sealed record WatchedGroup(RealServerWatch Watch, HealthProbe Probe, RealServerWatchOptions Options, IReadOnlyList<LvsServiceKey> WholeServices,
            Func<LvsRealServer, ushort?> ProbePort, List<(LvsRealServer Server, ushort ProbePort)> Targets)
        {
            /// <summary>Probes the servers that joined the watch since the targets were listed.</summary>
            public void AddJoined()
            {
                for (int i = Targets.Count; i < Watch.Servers.Count; i++)
                    Targets.Add((Watch.Servers[i].Configured, ProbePort(Watch.Servers[i].Configured) ?? Watch.Servers[i].Configured.Port));
            }
        }

        private static bool IsSorryServer(LvsRealServer server, RealServerWatchOptions options) =>
            options.SorryServer is { } sorry && server.Address.Equals(sorry.Address) && server.Port == sorry.Port;

        /// <summary>A watch of the servers found in the table, and of those of the same services that an earlier watch removed.</summary>
        private WatchedGroup NewGroup(IEnumerable<string> services, IReadOnlyList<LvsServiceKey> wholeServices, IEnumerable<LvsRealServer> inTable, List<WatchHold> held,
            HealthProbeOptions probe, RealServerWatchOptions options, Func<LvsRealServer, ushort?> probePort)
        {
            var watched = services.Concat(wholeServices.Select(s => s.ToString())).ToHashSet();
            var watch = new RealServerWatch(inTable.Where(s => !IsSorryServer(s, options)), options, held.Where(h => watched.Contains(h.Settings.Service)));
            if (options.SorryServer is { } sorry)
            {
                foreach (var service in watch.Servers.Select(s => s.Configured.GetServiceKey()).Distinct())
                {
                    if (RunKernel(() => Client.GetRealServer(service, sorry.Address, sorry.Port), "RealServer", service) is not null)
                        watch.SorryServerMoved(service.ToString(), true);
                }
            }
            var group = new WatchedGroup(watch, RunKernel(() => new HealthProbe(NetworkNamespace, probe), "Probe", null), options, wholeServices, probePort, new());
            group.AddJoined();
            return group;
        }

        /// <summary>The configuration file, read as Import-PowerShellDataFile reads it, with this call's parameters as its defaults.</summary>
        private WatchConfiguration ReadConfiguration(string path)
        {
            string full = GetUnresolvedProviderPathFromPSPath(path);
            try
            {
                var data = ScriptBlock.Create("param($path) Import-PowerShellDataFile -LiteralPath $path").Invoke(full)[0].BaseObject as System.Collections.IDictionary
                    ?? throw new FormatException("it is not a table (@{ ... }).");
                return WatchConfiguration.Read(data, Interval, ProbeOptions(), new RealServerWatchOptions
                {
                    Fall = Fall, Rise = Rise, OnFailure = OnFailure, InitialState = InitialState, SlowStart = TimeSpan.FromSeconds(SlowStart), Hysteresis = Hysteresis,
                });
            }
            catch (Exception e) when (e is FormatException or RuntimeException or ArgumentException)
            {
                ThrowTerminatingError(new ErrorRecord(new System.IO.InvalidDataException($"The watch configuration {full} cannot be used: {e.Message}", e),
                    "WatchConfigurationInvalid", ErrorCategory.InvalidData, full));
                throw;
            }
        }

        /// <summary>Round after round until -Count, -Duration or Ctrl+C; under systemd, with its notifications and watchdog.</summary>
        private void Run(List<WatchedGroup> groups, double interval, WatchHolds holds)
        {
            using var throttle = new SemaphoreSlim(ThrottleLimit);
            using var systemd = SystemdNotifier.FromEnvironment();
            var clock = Stopwatch.StartNew();
            foreach (var group in groups)
                Act(group.Watch.Begin(DateTime.Now), ReadTable(group).Entries, group.Watch, holds);
            systemd?.Send($"READY=1\nSTATUS=Watching {groups.Sum(g => g.Targets.Count)} real servers");
            for (int round = 1; !StopRequested.IsCancellationRequested; round++)
            {
                var started = clock.Elapsed;
                // Every group's checks at once: a slow service does not delay the others.
                var probes = groups.Select(group => StartProbes(group.Probe, group.Targets, throttle)).ToList();
                try
                {
                    // One wait for the whole round: woken once, not once for each check.
                    Task.WaitAll(probes.SelectMany(p => p).ToArray(), StopRequested);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (AggregateException)
                {
                    // A check that could not run: its error is reported below.
                }
                var rounds = new List<(WatchedGroup Group, List<(LvsHealthResult?, string?)> Checks)>();
                for (int g = 0; g < groups.Count; g++)
                {
                    var checks = new List<(LvsHealthResult?, string?)>(probes[g].Count);
                    foreach (var check in probes[g])
                    {
                        try
                        {
                            checks.Add((check.GetAwaiter().GetResult(), null));
                        }
                        catch (OperationCanceledException) when (StopRequested.IsCancellationRequested)
                        {
                            return;
                        }
                        catch (Exception e)
                        {
                            checks.Add((null, e.Message));
                        }
                    }
                    rounds.Add((groups[g], checks));
                }
                LearnHolds(groups, holds);
                foreach (var (group, checks) in rounds)
                {
                    var (entries, byService) = ReadTable(group);
                    Act(group.Watch.Observe(checks, entries, DateTime.Now), entries, group.Watch, holds);
                    Admit(group, byService, holds);
                }
                systemd?.Send("WATCHDOG=1");
                if ((Count > 0 && round >= Count) || (Duration > 0 && clock.Elapsed.TotalSeconds >= Duration))
                    return;
                var next = started + TimeSpan.FromSeconds(interval) - clock.Elapsed;
                if (Duration > 0)
                    next = TimeSpan.FromTicks(Math.Min(next.Ticks, (TimeSpan.FromSeconds(Duration) - clock.Elapsed).Ticks));
                // A long interval still tells the watchdog, within its period, that the watch is alive.
                while (next > TimeSpan.Zero)
                {
                    var slice = systemd?.WatchdogPeriod is TimeSpan period && period < next ? period : next;
                    if (StopRequested.WaitHandle.WaitOne(slice))
                        return;
                    systemd?.Send("WATCHDOG=1");
                    next -= slice;
                }
            }
        }

        /// <summary>-SorryServer as an endpoint (with -Quorum), after checking both are given together; null without them.</summary>
        private (System.Net.IPAddress Address, ushort Port)? SorryServerEndpoint()
        {
            if ((SorryServer is null) != (Quorum == 0))
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-Quorum and -SorryServer go together: the sorry server is what takes the traffic when the quorum is lost."),
                    "QuorumWithoutSorryServer", ErrorCategory.InvalidArgument, SorryServer));
            if (SorryServer is null)
                return null;
            if (!Addresses.TryParseEndpoint(SorryServer, out var address, out var port, out string error) || port is null)
                ThrowTerminatingError(new ErrorRecord(new PSArgumentException($"-SorryServer '{SorryServer}' is not an address:port ([v6]:port for IPv6){(error.Length > 0 ? $": {error}" : "")}."),
                    "SorryServerInvalid", ErrorCategory.InvalidArgument, SorryServer));
            return (address!, port!.Value);
        }

        /// <summary>
        /// The servers named, each as the table has it now (its settings are what it gets back when up). One
        /// not in the table is an error, unless a watch holds it removed.
        /// </summary>
        private List<LvsRealServer> ReadNamedServers(IReadOnlyList<WatchHold> held)
        {
            var found = new List<LvsRealServer>();
            foreach (var group in _targets.GroupBy(t => t.Server.Service))
            {
                var key = group.First().Server.GetServiceKey();
                if (!TryKernel(() => Client.GetRealServers(key), "RealServer", key, out var servers))
                    continue;
                foreach (var (named, _) in group)
                {
                    var server = servers.Find(s => s.HasEndpointOf(named));
                    if (server is not null)
                        found.Add(server);
                    else if (!held.Any(h => h.Removed && h.Settings.ToString() == named.ToString()))
                        WriteNotFound("RealServer", $"The virtual service {key} has no real server {Addresses.FormatEndpoint(named.Address, named.Port)}.", named.ToString());
                }
            }
            return found;
        }

        /// <summary>Each watched server as the table has it now, and every server of the services read (by endpoint): one read per service.</summary>
        private (List<LvsRealServer?> Entries, Dictionary<string, ServersByEndpoint> ByService) ReadTable(WatchedGroup group)
        {
            var byService = new Dictionary<string, ServersByEndpoint>();
            ServersByEndpoint Read(LvsServiceKey service)
            {
                if (!byService.TryGetValue(service.ToString(), out var servers))
                {
                    var read = RunKernel(() => Client.GetService(service) is null ? new List<LvsRealServer>() : Client.GetRealServers(service), "RealServer", service);
                    servers = read.ToDictionary(server => (server.Address, server.Port));
                    byService[service.ToString()] = servers;
                }
                return servers;
            }
            var entries = group.Watch.Servers.Select(s => Find(Read(s.Configured.GetServiceKey()), s.Configured)).ToList();
            foreach (var service in group.WholeServices)
                Read(service);
            return (entries, byService);
        }

        private static LvsRealServer? Find(ServersByEndpoint servers, LvsRealServer server) =>
            servers.GetValueOrDefault((server.Address, server.Port));

        /// <summary>Servers of a whole service that are not watched (added since, or again after another hand removed them) join the watch.</summary>
        private void Admit(WatchedGroup group, Dictionary<string, ServersByEndpoint> byService, WatchHolds holds)
        {
            if (group.WholeServices.Count == 0)
                return;
            var inTable = group.WholeServices.SelectMany(s => byService[s.ToString()].Values).Where(s => !IsSorryServer(s, group.Options));
            var round = group.Watch.Admit(inTable, DateTime.Now);
            group.AddJoined();
            if (round.Events.Count > 0)
                Act(round, group.Watch.Servers.Select(s => Find(byService[s.Configured.Service], s.Configured)).ToList(), group.Watch, holds);
        }

        /// <summary>
        /// Makes the round's changes (each one asked about under -WhatIf and -Confirm) and writes its events. A
        /// change not made (declined, or refused by the kernel) leaves the event with the weight the table has.
        /// </summary>
        private void Act(WatchRound round, IReadOnlyList<LvsRealServer?> inTable, RealServerWatch watch, WatchHolds holds)
        {
            var approved = new List<int>();
            for (int i = 0; i < round.Changes.Count; i++)
            {
                var change = (IpvsChange.RealServerChange)round.Changes[i];
                string action = change.Kind switch
                {
                    IpvsChangeKind.Delete => "Remove (down)",
                    IpvsChangeKind.Add => $"Add back with weight {change.RealServer.Weight} (up)",
                    _ => $"Set weight {change.RealServer.Weight}",
                };
                if (ShouldProcess($"real server {change.RealServer}", action))
                    approved.Add(i);
                else
                    NotMade(round, i, inTable, watch);
            }
            if (approved.Count > 0)
            {
                // Taking down is recorded before it is done, bringing back after: a watch killed in between
                // still knows every server it holds (one back already is no longer at weight 0: its hold lapses).
                var restoring = approved.Where(i => round.ChangedServers[i] is { State: LvsHealthState.Up })
                    .Select(i => new WatchHold(round.ChangedServers[i]!.Configured, round.Changes[i].Kind == IpvsChangeKind.Add)).ToList();
                KeepHolds(watch, holds, restoring);
                var changes = approved.Select(i => round.Changes[i]).ToList();
                IReadOnlyList<NetlinkException?> results = RunKernel(() =>
                {
                    try
                    {
                        return Client.Apply(changes);
                    }
                    catch (NetlinkBatchException e)
                    {
                        return e.Results.Select((error, j) => error ?? (e.Outcomes[j] == BatchOutcome.Accepted ? null : e)).ToArray();
                    }
                }, "RealServer", null);
                bool refused = false;
                for (int j = 0; j < results.Count; j++)
                {
                    if (results[j] is { } error)
                    {
                        WriteError(ToErrorRecord(error, "RealServer", ((IpvsChange.RealServerChange)changes[j]).RealServer));
                        NotMade(round, approved[j], inTable, watch);
                        refused = true;
                    }
                }
                if (refused || restoring.Count > 0)
                    KeepHolds(watch, holds);
            }
            foreach (var healthEvent in round.Events)
                WriteObject(healthEvent);
        }

        /// <summary>What others wrote in the holds since (Import-LvsRules -Replace records the rules' settings there) is what held servers get back.</summary>
        private void LearnHolds(List<WatchedGroup> groups, WatchHolds holds)
        {
            var written = System.IO.File.GetLastWriteTimeUtc(holds.Path);
            if (written == _holdsWritten)
                return;
            _holdsWritten = written;
            try
            {
                var held = holds.Load();
                foreach (var group in groups)
                    group.Watch.UpdateHeld(held);
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                WriteWarning($"Could not read the servers held down from {holds.Path}: {e.Message}");
            }
        }

        private void KeepHolds(RealServerWatch watch, WatchHolds holds, IEnumerable<WatchHold>? alsoHeld = null)
        {
            try
            {
                holds.Save(watch.Servers.Select(s => s.Configured), watch.Held.Concat(alsoHeld ?? Enumerable.Empty<WatchHold>()));
                _holdsWritten = System.IO.File.GetLastWriteTimeUtc(holds.Path);
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
            {
                WriteWarning($"Could not record the servers held down in {holds.Path} ({e.Message}): a watch started after this one ends will take their weight 0 for their own.");
            }
        }

        private static void NotMade(WatchRound round, int change, IReadOnlyList<LvsRealServer?> inTable, RealServerWatch watch)
        {
            var server = round.ChangedServers[change];
            if (server is null)
            {
                var sorry = ((IpvsChange.RealServerChange)round.Changes[change]).RealServer;
                bool wasIn = round.Changes[change].Kind == IpvsChangeKind.Delete;
                watch.SorryServerMoved(sorry.Service, wasIn);
                foreach (var healthEvent in round.Events.Where(e => e.Address.Equals(sorry.Address) && e.Port == sorry.Port && e.Service == sorry.Service))
                    healthEvent.Weight = wasIn ? 1 : null;
                return;
            }
            int index = watch.Servers.ToList().IndexOf(server);
            int? weight = inTable[index]?.Weight;
            watch.NotApplied(server, weight);
            foreach (var healthEvent in round.Events.Where(e => e.Address.Equals(server.Configured.Address) && e.Port == server.Configured.Port && e.Service == server.Configured.Service))
                healthEvent.Weight = weight;
        }
    }
}
