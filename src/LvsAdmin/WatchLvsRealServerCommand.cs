using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using LvsAdmin.Health;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

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
        private readonly List<(LvsRealServer Server, ushort ProbePort)> _targets = new();
        private DateTime _holdsWritten;

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
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int Quorum { get; set; }

        /// <summary>How far below -Quorum the healthy weight must fall to lose it, and above it to regain it.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int Hysteresis { get; set; }

        /// <summary>The server (address:port, [v6]:port) that takes a service's traffic while its quorum is lost.</summary>
        [Parameter]
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
            if (NamedProbeTarget() is { } target && !_targets.Any(t => t.Server.Service == target.Server.Service && t.Server.HasEndpointOf(target.Server)))
                _targets.Add(target);
        }

        protected override void EndProcessing()
        {
            if (_targets.Count == 0)
                return;
            var sorry = SorryServerEndpoint();
            if (sorry is { } other)
                _targets.RemoveAll(t => t.Server.Address.Equals(other.Address) && t.Server.Port == other.Port);
            var holds = RunKernel(() => WatchHolds.For(NetworkNamespace), "Probe", null);
            var services = _targets.Select(t => t.Server.Service).ToHashSet();
            var held = RunKernel(() => holds.Load(), "Probe", holds.Path).Where(h => services.Contains(h.Service)).ToList();
            var inTable = ReadNamedServers(held);
            if (inTable.Count == 0 && held.Count == 0)
                return;
            var options = ProbeOptions();
            var watch = new RealServerWatch(inTable, new RealServerWatchOptions
            {
                Fall = Fall,
                Rise = Rise,
                OnFailure = OnFailure,
                InitialState = InitialState,
                SlowStart = TimeSpan.FromSeconds(SlowStart),
                Check = options.Check,
                Quorum = Quorum,
                Hysteresis = Hysteresis,
                SorryServer = sorry,
            }, held);
            if (sorry is { } endpoint)
            {
                foreach (var service in watch.Servers.Select(s => s.Configured.GetServiceKey()).Distinct())
                {
                    if (RunKernel(() => Client.GetRealServer(service, endpoint.Address, endpoint.Port), "RealServer", service) is not null)
                        watch.SorryServerMoved(service.ToString(), true);
                }
            }
            var probePorts = _targets.ToDictionary(t => t.Server.ToString(), t => t.ProbePort);
            var targets = watch.Servers.Select(s => (s.Configured, probePorts.TryGetValue(s.Configured.ToString(), out var port) ? port : Port ?? s.Configured.Port)).ToList();
            using var probe = RunKernel(() => new HealthProbe(NetworkNamespace, options), "Probe", null);
            using var throttle = new SemaphoreSlim(ThrottleLimit);
            var clock = Stopwatch.StartNew();
            Act(watch.Begin(DateTime.Now), ReadTable(watch), watch, holds);
            for (int round = 1; !StopRequested.IsCancellationRequested; round++)
            {
                var started = clock.Elapsed;
                var probes = StartProbes(probe, targets, throttle);
                var checks = new List<(LvsHealthResult?, string?)>(probes.Count);
                foreach (var check in probes)
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
                var entries = ReadTable(watch);
                LearnHolds(watch, holds);
                Act(watch.Observe(checks, entries, DateTime.Now), entries, watch, holds);
                if ((Count > 0 && round >= Count) || (Duration > 0 && clock.Elapsed.TotalSeconds >= Duration))
                    return;
                var next = started + TimeSpan.FromSeconds(Interval) - clock.Elapsed;
                if (Duration > 0)
                    next = TimeSpan.FromTicks(Math.Min(next.Ticks, (TimeSpan.FromSeconds(Duration) - clock.Elapsed).Ticks));
                if (next > TimeSpan.Zero && StopRequested.WaitHandle.WaitOne(next))
                    return;
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
        private List<LvsRealServer> ReadNamedServers(List<LvsRealServer> held)
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
                    else if (!held.Any(h => h.ToString() == named.ToString()))
                        WriteNotFound("RealServer", $"The virtual service {key} has no real server {Addresses.FormatEndpoint(named.Address, named.Port)}.", named.ToString());
                }
            }
            return found;
        }

        /// <summary>Each watched server as the table has it now: one read per service.</summary>
        private List<LvsRealServer?> ReadTable(RealServerWatch watch)
        {
            var byService = new Dictionary<string, List<LvsRealServer>>();
            var entries = new List<LvsRealServer?>(watch.Servers.Count);
            foreach (var server in watch.Servers)
            {
                var configured = server.Configured;
                if (!byService.TryGetValue(configured.Service, out var servers))
                {
                    servers = RunKernel(() => Client.GetService(configured.GetServiceKey()) is null
                        ? new List<LvsRealServer>() : Client.GetRealServers(configured.GetServiceKey()), "RealServer", configured.Service);
                    byService[configured.Service] = servers;
                }
                entries.Add(servers.Find(s => s.HasEndpointOf(configured)));
            }
            return entries;
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
                var restoring = approved.Select(i => round.ChangedServers[i]).OfType<WatchedRealServer>().Where(s => s.State == LvsHealthState.Up).ToList();
                KeepHolds(watch, holds, restoring.Select(s => s.Configured));
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
        private void LearnHolds(RealServerWatch watch, WatchHolds holds)
        {
            var written = System.IO.File.GetLastWriteTimeUtc(holds.Path);
            if (written == _holdsWritten)
                return;
            _holdsWritten = written;
            try
            {
                watch.UpdateHeld(holds.Load());
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                WriteWarning($"Could not read the servers held down from {holds.Path}: {e.Message}");
            }
        }

        private void KeepHolds(RealServerWatch watch, WatchHolds holds, IEnumerable<LvsRealServer>? alsoHeld = null)
        {
            try
            {
                holds.Save(watch.Servers.Select(s => s.Configured), watch.Held.Concat(alsoHeld ?? Enumerable.Empty<LvsRealServer>()));
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
