using System;
using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Health
{
    /// <summary>How a watch decides and acts.</summary>
    public sealed class RealServerWatchOptions
    {
        /// <summary>Failed checks in a row that take an up server down.</summary>
        public int Fall { get; init; } = 3;

        /// <summary>Passed checks in a row that bring a down server up.</summary>
        public int Rise { get; init; } = 2;

        public LvsFailureAction OnFailure { get; init; } = LvsFailureAction.Inhibit;

        /// <summary>What each server is taken to be when the watch begins: Down holds it down until it passes Rise checks.</summary>
        public LvsHealthState InitialState { get; init; } = LvsHealthState.Up;

        /// <summary>How long a server that came back takes to reach its weight, from 1; zero: at once.</summary>
        public TimeSpan SlowStart { get; init; } = TimeSpan.Zero;

        public LvsHealthCheck Check { get; init; } = LvsHealthCheck.Tcp;

        /// <summary>The least total weight of a service's healthy servers; below Quorum - Hysteresis the sorry server goes in. Zero: no quorum.</summary>
        public int Quorum { get; init; }

        /// <summary>How far below the quorum the healthy weight must fall to lose it, and reach above it to regain it.</summary>
        public int Hysteresis { get; init; }

        /// <summary>The server that takes a service's traffic while its quorum is lost (weight 1, the watched servers' forwarding method).</summary>
        public (System.Net.IPAddress Address, ushort Port)? SorryServer { get; init; }
    }

    /// <summary>One real server under watch: what it should be when up, and what the watch holds it to be.</summary>
    public sealed class WatchedRealServer
    {
        internal WatchedRealServer(LvsRealServer configured, LvsHealthState state, int? tableWeight)
        {
            Configured = configured.Clone();
            State = state;
            TableWeight = tableWeight;
        }

        /// <summary>Its settings when up (the weight among them): the table's, followed while it is up and not ramping.</summary>
        public LvsRealServer Configured { get; private set; }

        public LvsHealthState State { get; internal set; }
        public int Failures { get; internal set; }
        public int Successes { get; internal set; }

        /// <summary>The weight the watch last knew the table to have; null while it removed the server.</summary>
        public int? TableWeight { get; internal set; }

        /// <summary>Its check could not run in the last round (an error was reported once for it).</summary>
        public bool CheckFailing { get; internal set; }

        /// <summary>It left the table by another hand: the watch no longer acts on it.</summary>
        public bool Gone { get; internal set; }

        /// <summary>The weight its check last asked for (a script's, as keepalived's misc_dynamic); null: its own.</summary>
        public int? CheckWeight { get; internal set; }

        /// <summary>The weight it should have while up: the check's, or its own.</summary>
        public int Target => CheckWeight ?? Configured.Weight;

        internal DateTime? UpSince { get; set; }

        internal void Reconfigure(LvsRealServer settings) => Configured = settings.Clone();

        /// <summary>Back in the table after another hand removed it: watched anew, with the settings it has now.</summary>
        internal void Rejoin(LvsRealServer entry)
        {
            Gone = false;
            State = LvsHealthState.Unknown;
            Failures = Successes = 0;
            CheckFailing = false;
            CheckWeight = null;
            UpSince = null;
            Configured = entry.Clone();
            TableWeight = entry.Weight;
        }

        /// <summary>Takes the table's settings as its own; a weight the check set is not its own.</summary>
        internal void Follow(LvsRealServer entry)
        {
            var own = entry.Clone();
            if (CheckWeight is not null)
                own.Weight = Configured.Weight;
            Configured = own;
            TableWeight = entry.Weight;
        }
    }

    /// <summary>What one round decided: the table changes to make, in order, and the events to report.</summary>
    public sealed class WatchRound
    {
        public List<IpvsChange> Changes { get; } = new List<IpvsChange>();

        /// <summary>For each change, the server it is for (null for a sorry server).</summary>
        public List<WatchedRealServer?> ChangedServers { get; } = new List<WatchedRealServer?>();

        public List<LvsHealthEvent> Events { get; } = new List<LvsHealthEvent>();
    }

    /// <summary>
    /// The decisions of keepalived's checkers, without a kernel or a clock of its own: a server goes down after
    /// Fall failed checks in a row and comes back after Rise passed ones; down, it is inhibited (weight 0) or
    /// removed; back, it gets its own weight again, at once or ramped up over SlowStart. It only ever holds
    /// servers down: a server whose checks pass is never taken out, and its settings are the table's.
    /// </summary>
    public sealed class RealServerWatch
    {
        private readonly RealServerWatchOptions _options;
        private readonly List<WatchedRealServer> _servers = new List<WatchedRealServer>();
        private readonly HashSet<string> _sorryIn = new HashSet<string>();

        /// <summary>
        /// A watch of servers as the table has them. Held are servers an earlier watch held down (from
        /// <see cref="WatchHolds"/>), with their settings when up: those among the servers (still at weight 0)
        /// start down, keeping those settings; those not in the table (removed) are watched too, to be added back.
        /// </summary>
        public RealServerWatch(IEnumerable<LvsRealServer> servers, RealServerWatchOptions options, IEnumerable<WatchHold>? held = null)
        {
            if (options.Fall < 1 || options.Rise < 1)
                throw new ArgumentOutOfRangeException(nameof(options), "Fall and Rise are at least 1.");
            _options = options;
            var holds = (held ?? Array.Empty<WatchHold>()).GroupBy(h => h.Settings.ToString()).ToDictionary(g => g.Key, g => g.Last());
            foreach (var server in servers)
            {
                // A hold counts while the server is still at weight 0: one someone set again since is theirs.
                _servers.Add(holds.Remove(server.ToString(), out var hold) && server.Weight == 0
                    ? new WatchedRealServer(hold.Settings, LvsHealthState.Down, server.Weight)
                    : new WatchedRealServer(server, options.InitialState == LvsHealthState.Down ? LvsHealthState.Unknown : LvsHealthState.Up, server.Weight));
            }
            // A server a watch removed is added back when up; one held at weight 0 that is gone now, another hand removed.
            foreach (var removed in holds.Values.Where(h => h.Removed))
                _servers.Add(new WatchedRealServer(removed.Settings, LvsHealthState.Down, null));
        }

        public IReadOnlyList<WatchedRealServer> Servers => _servers;

        /// <summary>The services whose sorry server is in the table now (their quorum lost).</summary>
        public IReadOnlyCollection<string> SorryServerIn => _sorryIn;

        /// <summary>The servers held down in the table now (weight 0, or removed), each with its settings when up: what <see cref="WatchHolds"/> keeps.</summary>
        public IEnumerable<WatchHold> Held =>
            _servers.Where(s => s.State == LvsHealthState.Down && !s.Gone && s.TableWeight is null or 0).Select(s => new WatchHold(s.Configured, s.TableWeight is null));

        /// <summary>
        /// Takes what the holds say of the servers this watch holds down (another watch's, or what Import-LvsRules
        /// -Replace set there from the rules): their settings when up.
        /// </summary>
        public void UpdateHeld(IEnumerable<WatchHold> held)
        {
            var settings = held.GroupBy(h => h.Settings.ToString()).ToDictionary(g => g.Key, g => g.Last().Settings);
            foreach (var server in _servers)
            {
                if (server.State == LvsHealthState.Down && settings.TryGetValue(server.Configured.ToString(), out var own))
                    server.Reconfigure(own);
            }
        }

        /// <summary>A change decided for the server was not made (declined, or refused): the table keeps this weight.</summary>
        public void NotApplied(WatchedRealServer server, int? tableWeight) => server.TableWeight = tableWeight;

        /// <summary>What the start asks of the table: with InitialState Down, every server held down at once.</summary>
        public WatchRound Begin(DateTime now)
        {
            var round = new WatchRound();
            if (_options.InitialState == LvsHealthState.Down)
            {
                foreach (var server in _servers)
                {
                    if (server.State != LvsHealthState.Down)
                        TakeDown(round, server, null, now, "assumed down until it passes its checks");
                }
            }
            KeepQuorum(round, now);
            return round;
        }

        /// <summary>
        /// The servers of a watched service as the table has them now: those not watched (added since the watch
        /// began, or added again after another hand removed them) join it as at its start, up, or held down at
        /// once with InitialState Down. Their events say they joined.
        /// </summary>
        public WatchRound Admit(IEnumerable<LvsRealServer> inTable, DateTime now)
        {
            var round = new WatchRound();
            var watched = _servers.GroupBy(s => (s.Configured.Service, s.Configured.Address, s.Configured.Port)).ToDictionary(g => g.Key, g => g.First());
            foreach (var entry in inTable)
            {
                var server = watched.GetValueOrDefault((entry.Service, entry.Address, entry.Port));
                if (server is { Gone: false })
                    continue;
                if (server is null)
                {
                    server = new WatchedRealServer(entry, LvsHealthState.Unknown, entry.Weight);
                    _servers.Add(server);
                }
                else
                {
                    server.Rejoin(entry);
                }
                if (_options.InitialState == LvsHealthState.Down)
                {
                    TakeDown(round, server, entry, now, "new in the table: now watched, and held down until it passes its checks");
                }
                else
                {
                    server.State = LvsHealthState.Up;
                    round.Events.Add(Event(server, LvsHealthState.Unknown, now, null, "new in the table: now watched"));
                }
            }
            KeepQuorum(round, now);
            return round;
        }

        /// <summary>Makes known whether a service's sorry server is in the table: found there at the start, or a move of it not made.</summary>
        public void SorryServerMoved(string service, bool isIn)
        {
            if (isIn)
                _sorryIn.Add(service);
            else
                _sorryIn.Remove(service);
        }

        /// <summary>
        /// Per service, as keepalived's quorum: when its healthy servers' total weight falls below Quorum -
        /// Hysteresis, the sorry server goes in; when it reaches Quorum + Hysteresis again, it comes out.
        /// </summary>
        private void KeepQuorum(WatchRound round, DateTime now)
        {
            if (_options.Quorum <= 0 || _options.SorryServer is not { } sorry)
                return;
            foreach (var service in _servers.Where(s => !s.Gone).GroupBy(s => s.Configured.Service))
            {
                int healthy = service.Where(s => s.State == LvsHealthState.Up).Sum(s => s.Target);
                bool isIn = _sorryIn.Contains(service.Key);
                if (!isIn && healthy < _options.Quorum - _options.Hysteresis)
                    Sorry(round, service.First().Configured, sorry, IpvsChangeKind.Add, now,
                        $"quorum lost: the healthy servers' weight {healthy} is below {_options.Quorum - _options.Hysteresis}; the sorry server goes in");
                else if (isIn && healthy >= _options.Quorum + _options.Hysteresis)
                    Sorry(round, service.First().Configured, sorry, IpvsChangeKind.Delete, now,
                        $"quorum regained: the healthy servers' weight {healthy} reaches {_options.Quorum + _options.Hysteresis}; the sorry server comes out");
            }
        }

        private void Sorry(WatchRound round, LvsRealServer model, (System.Net.IPAddress Address, ushort Port) sorry, IpvsChangeKind kind, DateTime now, string message)
        {
            var server = new LvsRealServer
            {
                Address = sorry.Address, Port = sorry.Port, AddressFamily = sorry.Address.AddressFamily, Weight = 1,
                ForwardingMethod = model.ForwardingMethod, TunnelType = model.TunnelType, TunnelPort = model.TunnelPort, TunnelChecksum = model.TunnelChecksum,
            };
            server.SetServiceKey(model.GetServiceKey());
            bool adding = kind == IpvsChangeKind.Add;
            SorryServerMoved(model.Service, adding);
            round.Changes.Add(IpvsChange.ForRealServer(kind, server));
            round.ChangedServers.Add(null);
            round.Events.Add(new LvsHealthEvent
            {
                Time = now, Service = model.Service, Address = sorry.Address, Port = sorry.Port,
                State = adding ? LvsHealthState.Up : LvsHealthState.Down, PreviousState = adding ? LvsHealthState.Down : LvsHealthState.Up,
                Weight = adding ? 1 : null, ConfiguredWeight = 1, Check = _options.Check, Message = message,
            });
        }

        /// <summary>
        /// One round: for each server (in the order of <see cref="Servers"/>), its check's result (or the error
        /// that kept the check from running) and its entry as the table has it now (null: not there).
        /// </summary>
        public WatchRound Observe(IReadOnlyList<(LvsHealthResult? Result, string? Error)> checks, IReadOnlyList<LvsRealServer?> inTable, DateTime now)
        {
            if (checks.Count != _servers.Count || inTable.Count != _servers.Count)
                throw new ArgumentException($"A round needs a check and a table entry for each of the {_servers.Count} servers.");
            var round = new WatchRound();
            for (int i = 0; i < _servers.Count; i++)
            {
                var server = _servers[i];
                if (server.Gone)
                    continue;
                var entry = inTable[i];
                // Absent where the watch left it in the table: another writer removed it.
                if (entry is null && server.TableWeight is not null)
                {
                    var was = server.State;
                    server.Gone = true;
                    server.TableWeight = null;
                    round.Events.Add(Event(server, was, now, null, "no longer in the table: another writer removed it; no longer watched"));
                    continue;
                }
                // Up and done ramping, the table's settings are the server's own: an operator's change is kept.
                if (entry is not null && server.State == LvsHealthState.Up && server.UpSince is null)
                    server.Follow(entry);
                var (result, error) = checks[i];
                if (result is null)
                {
                    if (!server.CheckFailing)
                    {
                        server.CheckFailing = true;
                        round.Events.Add(Event(server, server.State, now, null, $"the check could not run: {error}"));
                    }
                    continue;
                }
                server.CheckFailing = false;
                if (result.Healthy)
                    Passed(round, server, entry, result, now);
                else
                    Failed(round, server, entry, result, now);
            }
            KeepQuorum(round, now);
            return round;
        }

        private void Passed(WatchRound round, WatchedRealServer server, LvsRealServer? entry, LvsHealthResult result, DateTime now)
        {
            server.Successes++;
            server.Failures = 0;
            server.CheckWeight = result.Weight;
            if (server.State != LvsHealthState.Up && server.Successes >= _options.Rise)
            {
                var previous = server.State;
                server.State = LvsHealthState.Up;
                server.UpSince = now;
                int weight = RampedWeight(server, now);
                var settings = (entry ?? server.Configured).Clone();
                settings.Weight = weight;
                Change(round, server, IpvsChange.ForRealServer(entry is null ? IpvsChangeKind.Add : IpvsChangeKind.Update, settings));
                server.TableWeight = weight;
                round.Events.Add(Event(server, previous, now, result, result.Message));
            }
            else if (server.State == LvsHealthState.Up && server.UpSince is not null && entry is not null)
            {
                int weight = RampedWeight(server, now);
                if (weight != server.TableWeight)
                {
                    var settings = entry.Clone();
                    settings.Weight = weight;
                    Change(round, server, IpvsChange.ForRealServer(IpvsChangeKind.Update, settings));
                    server.TableWeight = weight;
                    round.Events.Add(Event(server, LvsHealthState.Up, now, result, $"slow start: weight {weight} of {server.Target}"));
                }
                if (!Ramping(server, now))
                    server.UpSince = null;
            }
            else if (server.State == LvsHealthState.Up && entry is not null && entry.Weight != server.Target)
            {
                var settings = entry.Clone();
                settings.Weight = server.Target;
                Change(round, server, IpvsChange.ForRealServer(IpvsChangeKind.Update, settings));
                server.TableWeight = server.Target;
                round.Events.Add(Event(server, LvsHealthState.Up, now, result, server.CheckWeight is int asked
                    ? $"weight {asked}, as the check asks ({result.Message})"
                    : $"weight {server.Target}, its own again ({result.Message})"));
            }
        }

        private void Failed(WatchRound round, WatchedRealServer server, LvsRealServer? entry, LvsHealthResult result, DateTime now)
        {
            server.Failures++;
            server.Successes = 0;
            if (server.State != LvsHealthState.Down && server.Failures >= _options.Fall)
                TakeDown(round, server, entry, now, result.Message, result);
        }

        private void TakeDown(WatchRound round, WatchedRealServer server, LvsRealServer? entry, DateTime now, string message, LvsHealthResult? result = null)
        {
            var previous = server.State;
            server.State = LvsHealthState.Down;
            server.UpSince = null;
            if (_options.OnFailure == LvsFailureAction.Remove)
            {
                Change(round, server, IpvsChange.ForRealServer(IpvsChangeKind.Delete, server.Configured.Clone()));
                server.TableWeight = null;
            }
            else
            {
                var settings = (entry ?? server.Configured).Clone();
                settings.Weight = 0;
                Change(round, server, IpvsChange.ForRealServer(IpvsChangeKind.Update, settings));
                server.TableWeight = 0;
            }
            round.Events.Add(Event(server, previous, now, result, message));
        }

        private static void Change(WatchRound round, WatchedRealServer server, IpvsChange change)
        {
            round.Changes.Add(change);
            round.ChangedServers.Add(server);
        }

        private bool Ramping(WatchedRealServer server, DateTime now) =>
            server.UpSince is DateTime since && now - since < _options.SlowStart && server.Target > 1;

        private int RampedWeight(WatchedRealServer server, DateTime now)
        {
            int weight = server.Target;
            if (!Ramping(server, now))
                return weight;
            double share = (now - server.UpSince!.Value).TotalSeconds / _options.SlowStart.TotalSeconds;
            return Math.Clamp((int)Math.Ceiling(weight * share), 1, weight);
        }

        private LvsHealthEvent Event(WatchedRealServer server, LvsHealthState previous, DateTime now, LvsHealthResult? result, string message) => new LvsHealthEvent
        {
            Time = now,
            Service = server.Configured.Service,
            Address = server.Configured.Address,
            Port = server.Configured.Port,
            State = server.CheckFailing || server.Gone ? LvsHealthState.Unknown : server.State,
            PreviousState = previous,
            Weight = server.TableWeight,
            ConfiguredWeight = server.Configured.Weight,
            Check = _options.Check,
            Latency = result?.Latency,
            Message = message,
        };
    }
}
