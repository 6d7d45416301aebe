using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Core.Tests
{
    public class ServiceWalkTests
    {
        private const int Seed = 0x5A;

        private static LvsServiceKey Tcp(string address) => LvsServiceKey.ForAddress(LvsProtocol.Tcp, IPAddress.Parse(address), 80);

        /// <summary>
        /// A kernel's service table before 7.1: buckets of services, each newest first, walked bucket by bucket;
        /// a read resumes by counting services from the start of the walk, as the kernel's dump and /proc do.
        /// </summary>
        private sealed class SimulatedTable
        {
            private SortedDictionary<int, List<LvsServiceKey>> _buckets = new SortedDictionary<int, List<LvsServiceKey>>();
            private Func<LvsServiceKey, int> _bucketOf = key => ServiceWalk.Bucket(key, Seed);

            /// <summary>
            /// A table of 7.1 and later: buckets by a hash with a key of the table's own, which a resize
            /// (<see cref="Resize"/>) replaces.
            /// </summary>
            public static SimulatedTable Keyed(IEnumerable<LvsServiceKey> keys, int tableKey)
            {
                var table = new SimulatedTable { _bucketOf = KeyedHash(tableKey) };
                foreach (var key in keys)
                    table.Add(key);
                return table;
            }

            private static Func<LvsServiceKey, int> KeyedHash(int tableKey) => key => HashCode.Combine(key, tableKey) & 0xfff;

            /// <summary>The table grown or shrunk: every service rehashed with a new key.</summary>
            public void Resize(int tableKey)
            {
                var walk = Walk();
                _buckets = new SortedDictionary<int, List<LvsServiceKey>>();
                _bucketOf = KeyedHash(tableKey);
                foreach (var key in walk)
                    Add(key);
            }

            public void Add(LvsServiceKey key)
            {
                int bucket = _bucketOf(key);
                if (!_buckets.TryGetValue(bucket, out var services))
                    _buckets[bucket] = services = new List<LvsServiceKey>();
                services.Insert(0, key);
            }

            public static SimulatedTable Of(IEnumerable<LvsServiceKey> keys)
            {
                var table = new SimulatedTable();
                foreach (var key in keys)
                    table.Add(key);
                return table;
            }

            /// <summary>Ten services a bucket: TCP 10.0.x.y:80 share the bucket of y.</summary>
            public static SimulatedTable TenABucket() =>
                Of(Enumerable.Range(1, 20).SelectMany(y => Enumerable.Range(0, 10).Select(x => Tcp($"10.0.{x}.{y}"))));

            public void Delete(LvsServiceKey key) => _buckets[_bucketOf(key)].Remove(key);

            public bool Contains(LvsServiceKey key) => _buckets.TryGetValue(_bucketOf(key), out var services) && services.Contains(key);

            public List<LvsServiceKey> Walk() => _buckets.Values.SelectMany(services => services).ToList();

            /// <summary>Reads the walk in stretches of at most size services (the first of firstSize), letting the writer act between reads.</summary>
            public List<WalkStretch> Read(int firstSize, int size, Action between)
            {
                var stretches = new List<WalkStretch>();
                int position = 0;
                while (true)
                {
                    var walk = Walk();
                    int take = stretches.Count == 0 ? firstSize : size;
                    var services = walk.Skip(position).Take(take).ToList();
                    if (services.Count == 0)
                        return stretches;
                    stretches.Add(new WalkStretch(services, fromStart: position == 0, toEnd: services.Count < take));
                    position += services.Count;
                    between();
                }
            }
        }

        [Fact]
        public void Seeds_are_those_under_which_every_stretch_is_in_walk_order()
        {
            var random = new Random(1);
            var table = SimulatedTable.Of(RandomKeys(random, 600));
            var stretches = table.Read(50, 50, () => { });
            Assert.Equal(new[] { Seed }, ServiceWalk.Seeds(stretches));
            var shuffled = table.Walk().OrderBy(_ => random.Next()).ToList();
            Assert.Empty(ServiceWalk.Seeds(new[] { new WalkStretch(shuffled, true, true) }));
        }

        [Fact]
        public void A_gap_is_covered_by_a_stretch_that_spans_it_and_not_by_one_that_stops_in_it()
        {
            var table = SimulatedTable.TenABucket();
            var walk = table.Walk();
            var dump = new List<WalkStretch>
            {
                new WalkStretch(walk.Take(44), true, false),
                new WalkStretch(walk.Skip(47).Take(53), false, false),
                new WalkStretch(walk.Skip(100), false, true),
            };
            var gaps = ServiceWalk.Gaps(dump);
            Assert.Equal(new[] { walk[43], walk[99] }, gaps.Select(gap => gap.After));
            Assert.Equal(new[] { walk[47], walk[100] }, gaps.Select(gap => gap.Before));
            Assert.Equal(new[] { walk[48], walk[101] }, gaps.Select(gap => gap.Then));

            var seeds = new[] { Seed };
            // Through the gap to a later bucket; through its next two services; from its first service to the end.
            Assert.True(ServiceWalk.Covered(gaps[0], new[] { new WalkStretch(walk.Skip(30).Take(30), false, false) }, seeds));
            Assert.True(ServiceWalk.Covered(gaps[0], new[] { new WalkStretch(walk.Skip(43).Take(6), false, false) }, seeds));
            Assert.True(ServiceWalk.Covered(gaps[1], new[] { new WalkStretch(walk.Skip(99), false, true) }, seeds));
            // Stopping within the gap, beginning after its first service, stopping at its next service alone.
            Assert.False(ServiceWalk.Covered(gaps[0], new[] { new WalkStretch(walk.Take(45), true, false), new WalkStretch(walk.Skip(47), false, true) }, seeds));
            Assert.False(ServiceWalk.Covered(gaps[0], new[] { new WalkStretch(walk.Skip(44).Take(30), false, false) }, seeds));
            Assert.False(ServiceWalk.Covered(gaps[0], new[] { new WalkStretch(walk.Skip(43).Take(5), false, false) }, seeds));
        }

        [Fact]
        public void A_next_service_added_again_at_its_buckets_head_does_not_cover_the_gap_before_it()
        {
            var table = SimulatedTable.TenABucket();
            var walk = table.Walk();
            // The dump skipped 44..46, all of walk[47]'s bucket (40..49); then walk[47] was deleted and added again: it leads the bucket.
            var dump = new List<WalkStretch> { new WalkStretch(walk.Take(44), true, false), new WalkStretch(walk.Skip(47), false, true) };
            var gap = Assert.Single(ServiceWalk.Gaps(dump));
            table.Delete(walk[47]);
            table.Add(walk[47]);
            var moved = table.Walk();
            Assert.Equal(walk[47], moved[40]);
            // A read that stops right after it has walk[47] but none of the skipped ones, nor walk[48].
            Assert.False(ServiceWalk.Covered(gap, new[] { new WalkStretch(moved.Take(41), true, false) }, new[] { Seed }));
            Assert.True(ServiceWalk.Covered(gap, new[] { new WalkStretch(moved.Take(49), true, false) }, new[] { Seed }));
        }

        [Fact]
        public void The_end_of_a_dump_that_did_not_reach_it_needs_a_stretch_that_did()
        {
            var table = SimulatedTable.Of(RandomKeys(new Random(2), 100));
            var walk = table.Walk();
            var dump = new List<WalkStretch> { new WalkStretch(walk.Take(50), true, false), new WalkStretch(walk.Skip(50).Take(40), false, false) };
            var gaps = ServiceWalk.Gaps(dump);
            Assert.Null(gaps[^1].Before);
            Assert.False(ServiceWalk.Covered(gaps[^1], new[] { new WalkStretch(walk.Skip(60).Take(40), false, false) }, new[] { Seed }));
            Assert.True(ServiceWalk.Covered(gaps[^1], new[] { new WalkStretch(walk.Skip(60), false, true) }, new[] { Seed }));
        }

        [Fact]
        public void A_stretch_that_resumed_in_an_earlier_bucket_leaves_no_gap()
        {
            var table = SimulatedTable.Of(RandomKeys(new Random(3), 100));
            var walk = table.Walk();
            int later = walk.FindIndex(key => ServiceWalk.Bucket(key, Seed) > ServiceWalk.Bucket(walk[20], Seed));
            var dump = new List<WalkStretch> { new WalkStretch(walk.Take(later + 1), true, false), new WalkStretch(walk.Skip(20), false, true) };
            Assert.Empty(ServiceWalk.Gaps(dump));
        }

        /// <summary>
        /// The promise the listing rests on, against a simulated kernel whose other writer adds, deletes and re-adds
        /// its own services between every two reads: once each gap of the dump is covered by the reads after it (a
        /// second dump, then reads of /proc), every service nobody touched is in the dump or in one of those reads.
        /// Before 7.1 the walk's order is known up to the seed; a keyed table (7.1 and later) is hashed with a key
        /// of its own, its order learnt from the reads, and the two dumps of a table that kept it agree on it.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Once_every_gap_is_covered_no_untouched_service_is_missing(bool keyed)
        {
            int covered = 0, runs = 400;
            for (int run = 0; run < runs; run++)
            {
                var random = new Random(run);
                var keys = RandomKeys(random, 400);
                var untouched = keys.Take(300).ToList();
                var theirs = keys.Skip(300).ToList();
                var shuffled = keys.OrderBy(_ => random.Next()).ToList();
                var table = keyed ? SimulatedTable.Keyed(shuffled, run) : SimulatedTable.Of(shuffled);
                void Write()
                {
                    for (int change = random.Next(4); change > 0; change--)
                    {
                        var key = theirs[random.Next(theirs.Count)];
                        if (table.Contains(key))
                            table.Delete(key);
                        if (random.Next(2) == 0)
                            table.Add(key);
                    }
                }
                var dump = table.Read(40, 40, Write);
                var reads = table.Read(10, 40, Write);
                Assert.True(ServiceWalk.SameOrder(dump, reads), $"run {run}: a table that kept its order was taken for a resized one");
                var gaps = ServiceWalk.Gaps(dump);
                bool Covered(WalkGap gap) => keyed ? ServiceWalk.CoveredInOrder(gap, reads) : ServiceWalk.Covered(gap, reads, new[] { Seed });
                for (int read = 0; read < 6 && !gaps.All(Covered); read++)
                    reads.AddRange(table.Read(read == 0 ? 30 : 5 * read, 30, Write));
                if (!gaps.All(Covered))
                    continue;
                covered++;
                var seen = dump.Concat(reads).SelectMany(stretch => stretch.Services).ToHashSet();
                Assert.Empty(untouched.Where(key => !seen.Contains(key)).Select(key => $"run {run}: {key}"));
            }
            Assert.True(covered > runs * 9 / 10, $"only {covered} of {runs} runs had every gap covered");
        }

        [Fact]
        public void Dumps_on_either_side_of_a_resize_are_not_in_the_same_order()
        {
            for (int run = 0; run < 100; run++)
            {
                var random = new Random(run);
                var table = SimulatedTable.Keyed(RandomKeys(random, 400), run);
                int resizeAfter = random.Next(1, 10);
                int reads = 0;
                // The resize comes during the first dump (after one of its parts) or between the two.
                var dump = table.Read(40, 40, () => { if (++reads == resizeAfter) table.Resize(run + 1000); });
                var again = table.Read(10, 40, () => { });
                Assert.False(ServiceWalk.SameOrder(dump, again), $"run {run}: resized after part {resizeAfter} of {dump.Count}");
            }
        }

        [Fact]
        public void A_keyed_gap_is_walked_through_only_by_a_stretch_with_its_services_in_order()
        {
            var table = SimulatedTable.Keyed(RandomKeys(new Random(4), 200), 4);
            var walk = table.Walk();
            var dump = new List<WalkStretch> { new WalkStretch(walk.Take(60), true, false), new WalkStretch(walk.Skip(63).Take(100), false, false) };
            var gaps = ServiceWalk.Gaps(dump);
            Assert.True(ServiceWalk.CoveredInOrder(gaps[0], new[] { new WalkStretch(walk.Skip(50).Take(20), false, false) }));
            // Stopping at the gap's next service; the services in another order; the end not reached.
            Assert.False(ServiceWalk.CoveredInOrder(gaps[0], new[] { new WalkStretch(walk.Skip(50).Take(14), false, false) }));
            Assert.False(ServiceWalk.CoveredInOrder(gaps[0], new[] { new WalkStretch(walk.Skip(50).Take(20).Reverse(), false, false) }));
            Assert.False(ServiceWalk.CoveredInOrder(gaps[1], new[] { new WalkStretch(walk.Skip(150).Take(40), false, false) }));
            Assert.True(ServiceWalk.CoveredInOrder(gaps[1], new[] { new WalkStretch(walk.Skip(150), false, true) }));
        }

        private static List<LvsServiceKey> RandomKeys(Random random, int count)
        {
            var keys = new HashSet<LvsServiceKey>();
            while (keys.Count < count)
            {
                switch (random.Next(4))
                {
                    case 0:
                        keys.Add(LvsServiceKey.ForFirewallMark((uint)random.Next(1, int.MaxValue)));
                        break;
                    case 1:
                        var bytes = new byte[16];
                        random.NextBytes(bytes);
                        keys.Add(LvsServiceKey.ForAddress(LvsProtocol.Udp, new IPAddress(bytes), (ushort)random.Next(1, 65536)));
                        break;
                    default:
                        keys.Add(LvsServiceKey.ForAddress(random.Next(2) == 0 ? LvsProtocol.Tcp : LvsProtocol.Sctp,
                            new IPAddress(BitConverter.GetBytes(random.Next())), (ushort)random.Next(1, 65536)));
                        break;
                }
            }
            return keys.ToList();
        }
    }
}
