using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using LvsAdmin.Health;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Core.Tests
{
    /// <summary>The checkers' decisions, round by round, with the table played by a dictionary.</summary>
    public class RealServerWatchTests
    {
        private static readonly DateTime Start = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Utc);

        private static LvsRealServer Server(int last, int weight = 5)
        {
            var server = new LvsRealServer { Address = IPAddress.Parse($"192.168.1.{last}"), Port = 80, Weight = weight, UpperThreshold = 100, ForwardingMethod = LvsForwardingMethod.Masquerade };
            server.SetServiceKey(LvsServiceKey.Parse("TCP 10.0.0.1:80"));
            return server;
        }

        /// <summary>A table that takes the watch's changes, and a round driver.</summary>
        private sealed class Director
        {
            public readonly Dictionary<IPAddress, LvsRealServer> Table = new();
            public readonly RealServerWatch Watch;
            public DateTime Now = Start;
            public readonly List<LvsHealthEvent> Events = new();

            public Director(RealServerWatchOptions options, params LvsRealServer[] servers) : this(options, servers, null) { }

            public Director(RealServerWatchOptions options, LvsRealServer[] servers, WatchHold[]? held)
            {
                foreach (var server in servers)
                    Table[server.Address] = server.Clone();
                Watch = new RealServerWatch(servers, options, held);
                Apply(Watch.Begin(Now));
            }

            public WatchRound Round(params bool?[] healthy) =>
                Observe(healthy.Select<bool?, (LvsHealthResult?, string?)>(h => h is bool ok ? (new LvsHealthResult { Healthy = ok, Message = ok ? "fine" : "refused" }, null) : (null, "no such namespace")).ToList());

            /// <summary>A round in which every check passes, asking for these weights (null: the server's own).</summary>
            public WatchRound RoundWithWeights(params int?[] weights) =>
                Observe(weights.Select<int?, (LvsHealthResult?, string?)>(w => (new LvsHealthResult { Healthy = true, Weight = w, Message = $"exit {(w is null ? 0 : w + 2)}" }, null)).ToList());

            private WatchRound Observe(List<(LvsHealthResult?, string?)> checks)
            {
                Now = Now.AddSeconds(1);
                var entries = Watch.Servers.Select(s => Table.TryGetValue(s.Configured.Address, out var e) ? e.Clone() : null).ToList();
                var round = Watch.Observe(checks, entries, Now);
                Apply(round);
                return round;
            }

            private void Apply(WatchRound round)
            {
                foreach (IpvsChange.RealServerChange change in round.Changes)
                {
                    if (change.Kind == IpvsChangeKind.Delete)
                        Assert.True(Table.Remove(change.RealServer.Address));
                    else
                    {
                        Assert.Equal(change.Kind == IpvsChangeKind.Update, Table.ContainsKey(change.RealServer.Address));
                        Table[change.RealServer.Address] = change.RealServer.Clone();
                    }
                }
                Events.AddRange(round.Events);
            }

            public int? Weight(int last) => Table.TryGetValue(IPAddress.Parse($"192.168.1.{last}"), out var s) ? s.Weight : null;

            /// <summary>The servers of the table that the watch does not watch join it.</summary>
            public WatchRound Admit()
            {
                var round = Watch.Admit(Table.Values.Select(s => s.Clone()).ToList(), Now);
                Apply(round);
                return round;
            }
        }

        [Fact]
        public void AServerGoesDownAfterFallFailuresInARowAndIsInhibited()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 3, Rise = 2 }, Server(10), Server(11));
            director.Round(false, true);
            director.Round(false, true);
            Assert.Equal(5, director.Weight(10));
            director.Round(true, true);
            director.Round(false, true);
            director.Round(false, true);
            Assert.Equal(5, director.Weight(10));
            Assert.Empty(director.Events);
            var round = director.Round(false, true);
            Assert.Equal(0, director.Weight(10));
            Assert.Equal(5, director.Weight(11));
            var down = Assert.Single(round.Events);
            Assert.Equal((LvsHealthState.Up, LvsHealthState.Down, 0, 5), (down.PreviousState, down.State, down.Weight, down.ConfiguredWeight));
            Assert.Equal("refused", down.Message);
            Assert.Equal(100u, director.Table[IPAddress.Parse("192.168.1.10")].UpperThreshold);
        }

        [Fact]
        public void AWeightTheCheckAsksForIsSetWhileUpAndTheServersOwnComesBackAfter()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 2, Rise = 2 }, Server(10), Server(11));
            var round = director.RoundWithWeights(2, null);
            Assert.Equal(((int?)2, (int?)5), (director.Weight(10), director.Weight(11)));
            Assert.Equal("weight 2, as the check asks (exit 4)", Assert.Single(round.Events).Message);
            Assert.Empty(director.RoundWithWeights(2, null).Changes);
            round = director.RoundWithWeights(null, null);
            Assert.Equal(5, director.Weight(10));
            Assert.Equal("weight 5, its own again (exit 0)", Assert.Single(round.Events).Message);
            // An operator's weight, given while the check asks for none, is the server's own from then on.
            director.Table[IPAddress.Parse("192.168.1.10")].Weight = 7;
            Assert.Empty(director.RoundWithWeights(null, null).Changes);
            director.RoundWithWeights(1, null);
            Assert.Equal(1, director.Weight(10));
            director.RoundWithWeights(null, null);
            Assert.Equal(7, director.Weight(10));
            // Held down at 0 whatever it asked for before; back at the weight it asks for when it passes again.
            director.Round(false, true);
            director.Round(false, true);
            Assert.Equal(0, director.Weight(10));
            director.RoundWithWeights(3, null);
            director.RoundWithWeights(3, null);
            Assert.Equal(3, director.Weight(10));
            Assert.Equal(7, director.Watch.Servers[0].Configured.Weight);
        }

        [Theory]
        [InlineData(0, true, null, "exit 0: fine")]
        [InlineData(1, false, null, "exit 1: fine")]
        [InlineData(2, true, 0, "exit 2 (weight 0): fine")]
        [InlineData(255, true, 253, "exit 255 (weight 253): fine")]
        [InlineData(-1, false, null, "exit -1: fine")]
        public void ExitCodesReadAsKeepalivedsMiscDynamic(int code, bool healthy, int? weight, string message) =>
            Assert.Equal(new ScriptVerdict(healthy, weight, message), ScriptVerdict.FromExitCode(code, "fine"));

        [Fact]
        public void AServerComesBackAfterRisePassesInARowWithItsOwnWeight()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 1, Rise = 3 }, Server(10, weight: 7));
            director.Round(false);
            director.Round(true);
            director.Round(true);
            director.Round(false);
            director.Round(true);
            director.Round(true);
            Assert.Equal(0, director.Weight(10));
            var round = director.Round(true);
            Assert.Equal(7, director.Weight(10));
            Assert.Equal((LvsHealthState.Down, LvsHealthState.Up, 7), (round.Events[0].PreviousState, round.Events[0].State, round.Events[0].Weight));
            Assert.Equal(2, director.Events.Count);
        }

        [Fact]
        public void RemoveModeDeletesAndAddsBackWithTheSameSettings()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 2, Rise = 1, OnFailure = LvsFailureAction.Remove }, Server(10, weight: 3));
            director.Round(false);
            director.Round(false);
            Assert.Null(director.Weight(10));
            Assert.Null(director.Events[^1].Weight);
            director.Round(false);
            director.Round(true);
            var back = director.Table[IPAddress.Parse("192.168.1.10")];
            Assert.Equal((3, 100u, LvsForwardingMethod.Masquerade), (back.Weight, back.UpperThreshold, back.ForwardingMethod));
        }

        [Fact]
        public void SlowStartRampsTheWeightUpFromOneEachRoundUntilItIsReached()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 1, Rise = 1, SlowStart = TimeSpan.FromSeconds(4) }, Server(10, weight: 8));
            director.Round(false);
            var weights = new List<int?>();
            for (int i = 0; i < 6; i++)
            {
                director.Round(true);
                weights.Add(director.Weight(10));
            }
            Assert.Equal(new int?[] { 1, 2, 4, 6, 8, 8 }, weights);
            Assert.Equal(6, director.Events.Count);
            Assert.All(director.Events.Skip(2), e => Assert.Equal((LvsHealthState.Up, LvsHealthState.Up), (e.PreviousState, e.State)));
        }

        [Fact]
        public void InitialStateDownHoldsEveryServerDownUntilItPassesRiseChecks()
        {
            var director = new Director(new RealServerWatchOptions { Rise = 2, InitialState = LvsHealthState.Down }, Server(10), Server(11));
            Assert.Equal((0, 0), (director.Weight(10), director.Weight(11)));
            Assert.All(director.Events, e => Assert.Equal((LvsHealthState.Unknown, LvsHealthState.Down), (e.PreviousState, e.State)));
            director.Round(true, false);
            director.Round(true, false);
            Assert.Equal((5, 0), (director.Weight(10), director.Weight(11)));
        }

        [Fact]
        public void ACheckThatCannotRunIsAnErrorEventOnceAndNoVerdict()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 2 }, Server(10));
            director.Round(false);
            director.Round(new bool?[] { null });
            director.Round(new bool?[] { null });
            Assert.Equal(5, director.Weight(10));
            var error = Assert.Single(director.Events);
            Assert.Equal((LvsHealthState.Up, LvsHealthState.Unknown), (error.PreviousState, error.State));
            Assert.Contains("could not run: no such namespace", error.Message);
            director.Round(false);
            Assert.Equal(0, director.Weight(10));
        }

        [Fact]
        public void TheWeightToRestoreFollowsTheTableWhileTheServerIsUp()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 1, Rise = 1 }, Server(10, weight: 5));
            director.Table[IPAddress.Parse("192.168.1.10")].Weight = 9;
            director.Round(true);
            director.Round(false);
            director.Round(true);
            Assert.Equal(9, director.Weight(10));
            Assert.Equal(9, director.Events[^1].ConfiguredWeight);
        }

        [Fact]
        public void AServerRemovedByAnotherWriterIsReportedAndLeftAlone()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 1 }, Server(10), Server(11));
            director.Table.Remove(IPAddress.Parse("192.168.1.10"));
            director.Round(false, true);
            director.Round(true, true);
            Assert.False(director.Table.ContainsKey(IPAddress.Parse("192.168.1.10")));
            var gone = Assert.Single(director.Events);
            Assert.Equal(LvsHealthState.Unknown, gone.State);
            Assert.Null(gone.Weight);
            Assert.Contains("no longer in the table", gone.Message);
        }

        [Fact]
        public void AServerAddedToTheTableJoinsUpAndIsTakenDownWhenItFails()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 1, Rise = 1 }, Server(10));
            director.Table[IPAddress.Parse("192.168.1.11")] = Server(11, weight: 7);
            var joined = Assert.Single(director.Admit().Events);
            Assert.Equal((LvsHealthState.Unknown, LvsHealthState.Up, 7, 7), (joined.PreviousState, joined.State, joined.Weight, joined.ConfiguredWeight));
            Assert.Equal(2, director.Watch.Servers.Count);
            Assert.Empty(director.Admit().Events);
            director.Round(true, false);
            Assert.Equal((5, 0), (director.Weight(10), director.Weight(11)));
            director.Round(true, true);
            Assert.Equal(7, director.Weight(11));
        }

        [Fact]
        public void WithInitialStateDownAServerAddedToTheTableIsHeldDownUntilItPasses()
        {
            var director = new Director(new RealServerWatchOptions { Rise = 2, InitialState = LvsHealthState.Down }, Server(10));
            director.Round(true);
            director.Round(true);
            director.Table[IPAddress.Parse("192.168.1.11")] = Server(11, weight: 7);
            var joined = Assert.Single(director.Admit().Events);
            Assert.Equal((LvsHealthState.Unknown, LvsHealthState.Down, 0), (joined.PreviousState, joined.State, joined.Weight));
            Assert.Equal(0, director.Weight(11));
            director.Round(true, true);
            director.Round(true, true);
            Assert.Equal((5, 7), (director.Weight(10), director.Weight(11)));
        }

        [Fact]
        public void AServerAnotherWriterRemovedAndAddedAgainIsWatchedAgainWithItsNewSettings()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 1, Rise = 1 }, Server(10), Server(11));
            director.Table.Remove(IPAddress.Parse("192.168.1.10"));
            director.Round(true, true);
            director.Table[IPAddress.Parse("192.168.1.10")] = Server(10, weight: 8);
            var again = Assert.Single(director.Admit().Events);
            Assert.Equal((LvsHealthState.Unknown, LvsHealthState.Up, 8, 8), (again.PreviousState, again.State, again.Weight, again.ConfiguredWeight));
            Assert.Equal(2, director.Watch.Servers.Count);
            director.Round(false, true);
            Assert.Equal(0, director.Weight(10));
            director.Round(true, true);
            Assert.Equal(8, director.Weight(10));
        }

        [Fact]
        public void AServerJoiningCanRegainTheQuorum()
        {
            var sorry = (IPAddress.Parse("192.168.1.99"), (ushort)80);
            var director = new Director(new RealServerWatchOptions { Fall = 1, Quorum = 8, SorryServer = sorry }, Server(10));
            Assert.Equal(1, director.Weight(99));
            director.Table[IPAddress.Parse("192.168.1.11")] = Server(11, weight: 3);
            var round = director.Watch.Admit(new[] { director.Table[IPAddress.Parse("192.168.1.11")].Clone() }, director.Now);
            Assert.Equal(IpvsChangeKind.Delete, Assert.Single(round.Changes).Kind);
        }
    
        [Fact]
        public void AWatchStartedAgainGivesServersItHeldTheirOwnWeightNotTheZeroItLeft()
        {
            var first = new Director(new RealServerWatchOptions { Fall = 1 }, Server(10, weight: 6), Server(11));
            first.Round(false, true);
            var held = first.Watch.Held.ToArray();
            Assert.Equal((6, false), (Assert.Single(held).Settings.Weight, held[0].Removed));

            var again = new Director(new RealServerWatchOptions { Rise = 1 }, new[] { first.Table.Values.First(s => s.Address.Equals(IPAddress.Parse("192.168.1.10"))), Server(11) }, held);
            Assert.Equal(LvsHealthState.Down, again.Watch.Servers[0].State);
            again.Round(true, true);
            Assert.Equal(6, again.Weight(10));
            Assert.Empty(again.Watch.Held);
        }

        [Fact]
        public void AHoldIsOverOnceSomeoneGaveTheServerAWeightAgain()
        {
            var director = new Director(new RealServerWatchOptions { Fall = 2 }, new[] { Server(10, weight: 5) }, new[] { new WatchHold(Server(10, weight: 9), false) });
            Assert.Equal(LvsHealthState.Up, director.Watch.Servers[0].State);
            Assert.Equal(5, director.Watch.Servers[0].Configured.Weight);
            Assert.Empty(director.Watch.Held);
        }

        [Fact]
        public void AServerAnEarlierWatchRemovedIsWatchedAndAddedBack()
        {
            var removed = Server(12, weight: 2);
            var director = new Director(new RealServerWatchOptions { Rise = 2 }, new[] { Server(10) }, new[] { new WatchHold(removed, Removed: true), new WatchHold(Server(13), Removed: false) });
            Assert.Equal(2, director.Watch.Servers.Count);
            Assert.Null(director.Weight(12));
            director.Round(true, true);
            director.Round(true, true);
            Assert.Equal(2, director.Weight(12));
            Assert.DoesNotContain(director.Events, e => e.State == LvsHealthState.Unknown);
        }

        [Fact]
        public void HoldsAreKeptPerServerAndOtherWatchesEntriesStay()
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"holds-{Guid.NewGuid():N}.json");
            try
            {
                var holds = new WatchHolds(path);
                Assert.Empty(holds.Load());
                var tunnel = Server(20, weight: 9);
                tunnel.ForwardingMethod = LvsForwardingMethod.Tunnel;
                tunnel.TunnelType = LvsTunnelType.Gue;
                tunnel.TunnelPort = 6080;
                holds.Save(new[] { Server(10), Server(11) }, new[] { new WatchHold(Server(10, weight: 7), false) });
                holds.Save(new[] { tunnel }, new[] { new WatchHold(tunnel, true) });
                holds.Save(new[] { Server(10), Server(11) }, new[] { new WatchHold(Server(11, weight: 3), false) });
                Assert.Equal(new[] { false, true }, holds.Load().OrderBy(h => h.Settings.Address.ToString()).Select(h => h.Removed));
                var loaded = holds.Load().ToDictionary(h => h.Settings.ToString(), h => h.Settings);
                Assert.Equal(new[] { "TCP 10.0.0.1:80 -> 192.168.1.11:80", "TCP 10.0.0.1:80 -> 192.168.1.20:80" }, loaded.Keys.OrderBy(k => k));
                Assert.Equal((3, 100u, LvsForwardingMethod.Masquerade), (loaded.Values.First(h => h.Weight == 3).Weight, loaded.Values.First(h => h.Weight == 3).UpperThreshold, loaded.Values.First(h => h.Weight == 3).ForwardingMethod));
                var back = loaded["TCP 10.0.0.1:80 -> 192.168.1.20:80"];
                Assert.Equal((9, LvsTunnelType.Gue, (ushort)6080), (back.Weight, back.TunnelType, back.TunnelPort));
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }
    
        [Fact]
        public void TheSorryServerGoesInBelowQuorumLessHysteresisAndComesOutAtQuorumPlusHysteresis()
        {
            var sorry = IPAddress.Parse("192.168.1.99");
            var options = new RealServerWatchOptions { Fall = 1, Rise = 1, Quorum = 6, Hysteresis = 1, SorryServer = (sorry, 8080) };
            var director = new Director(options, Server(10, weight: 3), Server(11, weight: 3), Server(12, weight: 2));
            Assert.False(director.Table.ContainsKey(sorry));
            director.Round(false, true, true);
            Assert.False(director.Table.ContainsKey(sorry));
            director.Round(false, false, true);
            var inTable = director.Table[sorry];
            Assert.Equal((1, (ushort)8080, LvsForwardingMethod.Masquerade), (inTable.Weight, inTable.Port, inTable.ForwardingMethod));
            Assert.Contains("quorum lost: the healthy servers' weight 2 is below 5", director.Events[^1].Message);
            director.Round(true, false, true);
            Assert.True(director.Table.ContainsKey(sorry));
            director.Round(true, true, true);
            Assert.False(director.Table.ContainsKey(sorry));
            Assert.Equal((LvsHealthState.Up, LvsHealthState.Down), (director.Events[^1].PreviousState, director.Events[^1].State));
        }

        [Fact]
        public void ASorryServerFoundInTheTableIsTakenOutOnceTheQuorumHolds()
        {
            var sorry = IPAddress.Parse("192.168.1.99");
            var director = new Director(new RealServerWatchOptions { Quorum = 2, SorryServer = (sorry, 80) }, Server(10, weight: 3));
            var left = Server(99, weight: 1);
            director.Table[sorry] = left;
            director.Watch.SorryServerMoved(left.Service, true);
            director.Round(true);
            Assert.False(director.Table.ContainsKey(sorry));
        }
    }
}
