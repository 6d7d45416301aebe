using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Sockets;

namespace LvsAdmin.Ipvs
{
    /// <summary>
    /// One stretch of the kernel's walk over its services: a dump's part or one read of /proc/net/ip_vs,
    /// the services in the order the walk met them. A stretch sees every service that stayed in the
    /// table while it was read, between its first and last service; FromStart and ToEnd say that it began
    /// at the start of the walk or went on to its end. Firewall-mark services are named by their mark
    /// (as IPv4): /proc does not say their family.
    /// </summary>
    public sealed class WalkStretch
    {
        private readonly int[] _hashes;
        private Dictionary<LvsServiceKey, int>? _positions;

        public WalkStretch(IEnumerable<LvsServiceKey> services, bool fromStart, bool toEnd)
        {
            Services = services.Select(ServiceWalk.Name).ToList();
            FromStart = fromStart;
            ToEnd = toEnd;
            _hashes = Services.Select(ServiceWalk.Hash).ToArray();
        }

        public IReadOnlyList<LvsServiceKey> Services { get; }
        public bool FromStart { get; }
        public bool ToEnd { get; }

        internal int BucketAt(int index, int seed) => ServiceWalk.Bucket(_hashes[index], seed);

        /// <summary>Where the stretch has the service (its first time), or -1.</summary>
        internal int IndexOf(LvsServiceKey name)
        {
            if (_positions is null)
            {
                _positions = new Dictionary<LvsServiceKey, int>(Services.Count);
                for (int i = Services.Count - 1; i >= 0; i--)
                    _positions[Services[i]] = i;
            }
            return _positions.TryGetValue(name, out int position) ? position : -1;
        }
    }

    /// <summary>
    /// The order in which a kernel before 7.1 walks the services of a namespace, for netlink dumps and
    /// /proc/net/ip_vs alike: the 256 buckets of the address table, then the 256 of the firewall-mark table,
    /// each bucket newest first. Each read of either resumes by counting services from the start, so a
    /// service added or deleted before that point between two reads moves the resumption, and the next
    /// stretch skips or repeats services. A service's bucket mixes its key with one byte that comes from
    /// the namespace (the same for all its services), which the order within the stretches reveals.
    /// A service the dump skipped lies between two of its stretches (or after its last): it is seen by a
    /// stretch of another read that spans that place, which this class checks.
    /// </summary>
    public static class ServiceWalk
    {
        private const int Buckets = 256;

        /// <summary>How a service is named in a stretch: a firewall mark without its family.</summary>
        public static LvsServiceKey Name(LvsServiceKey key) =>
            key.IsFirewallMark && key.AddressFamily != AddressFamily.InterNetwork ? LvsServiceKey.ForFirewallMark(key.FirewallMark) : key;

        private const int MarkTable = Buckets;

        /// <summary>
        /// What a service's bucket is before the seed is xored in: for an address service the low byte of
        /// protocol, folded address and port mixed (the kernel folds an IPv6 address's four words into one,
        /// so their low bytes); for a mark service the mark's low byte, in the mark table after the address
        /// table. Both as the 6.1 kernel's walk orders them (measured: tests/Pester/SharedTable.Tests.ps1).
        /// </summary>
        internal static int Hash(LvsServiceKey key)
        {
            if (key.IsFirewallMark)
                return MarkTable | (int)(key.FirewallMark & (Buckets - 1));
            byte[] address = key.Address!.GetAddressBytes();
            int fold = 0;
            for (int i = 3; i < address.Length; i += 4)
                fold ^= address[i];
            return ((int)key.Protocol!.Value ^ fold ^ (key.Port >> 8) ^ key.Port) & (Buckets - 1);
        }

        internal static int Bucket(int hash, int seed) => hash ^ seed;

        /// <summary>The bucket of a service in the walk (the mark table's after the address table's), under a seed.</summary>
        public static int Bucket(LvsServiceKey key, int seed) => Bucket(Hash(Name(key)), seed);

        /// <summary>
        /// The seeds under which every stretch lists its services in walk order. Empty when none does: the
        /// kernel walks another way (7.1 and later have a table per namespace).
        /// </summary>
        public static List<int> Seeds(IReadOnlyList<WalkStretch> stretches)
        {
            var seeds = new List<int>();
            for (int seed = 0; seed < Buckets; seed++)
            {
                if (stretches.All(stretch => InOrder(stretch, seed)))
                    seeds.Add(seed);
            }
            return seeds;
        }

        private static bool InOrder(WalkStretch stretch, int seed)
        {
            for (int i = 1; i < stretch.Services.Count; i++)
            {
                if (stretch.BucketAt(i, seed) < stretch.BucketAt(i - 1, seed))
                    return false;
            }
            return true;
        }

        /// <summary>
        /// The places where a dump of these stretches may have skipped services: after each stretch but the
        /// last (After, its last service), up to the next one's first service (Before; Then, the one after it,
        /// when the stretch has one); after the last stretch (Before null) unless it reached the end. A stretch
        /// that begins with a service the one before it met resumed early: it skipped none.
        /// </summary>
        public static List<WalkGap> Gaps(IReadOnlyList<WalkStretch> dump)
        {
            var gaps = new List<WalkGap>();
            for (int i = 0; i < dump.Count; i++)
            {
                var reached = dump[i].Services.TakeLast(3).ToList();
                if (i + 1 < dump.Count)
                {
                    var next = dump[i + 1].Services;
                    if (dump[i].IndexOf(next[0]) < 0)
                        gaps.Add(new WalkGap(reached, next.Take(4).ToList()));
                }
                else if (!dump[i].ToEnd)
                {
                    gaps.Add(new WalkGap(reached, Array.Empty<LvsServiceKey>()));
                }
            }
            return gaps;
        }

        /// <summary>
        /// Whether, under every possible seed, a service that stayed in the table and lies in the gap was
        /// seen by one of these stretches (read after the dump): one that began before the gap (at its
        /// first service or in an earlier bucket) and went past it (into a later bucket, to the end, or
        /// through its next two services in the dump's order: a service deleted and added again moves to
        /// its bucket's head, so one alone does not say where the gap ended).
        /// </summary>
        public static bool Covered(WalkGap gap, IReadOnlyList<WalkStretch> stretches, IReadOnlyList<int> seeds) =>
            seeds.All(seed => gap.Before is not null && Bucket(gap.Before, seed) < Bucket(gap.After, seed)
                || stretches.Any(stretch => Spans(stretch, gap, seed)));

        private static bool Spans(WalkStretch stretch, WalkGap gap, int seed)
        {
            int count = stretch.Services.Count;
            if (count == 0)
                return false;
            bool beginsBefore = stretch.FromStart || stretch.BucketAt(0, seed) < Bucket(gap.After, seed) || stretch.IndexOf(gap.After) >= 0;
            if (!beginsBefore)
                return false;
            if (stretch.ToEnd)
                return true;
            if (gap.Before is null)
                return false;
            if (stretch.BucketAt(count - 1, seed) > Bucket(gap.Before, seed))
                return true;
            int beforeAt = stretch.IndexOf(gap.Before);
            return beforeAt >= 0 && gap.Then is not null && stretch.IndexOf(gap.Then) > beforeAt;
        }

        /// <summary>
        /// Whether a stretch read after the dump walked through the gap in the dump's order, where the kernel's
        /// order is not known (7.1 and later hash with a key of their own): from one of the last services before
        /// the gap through two of the first services after it, in the dump's order (two: one may have been deleted
        /// and added again, at its bucket's head; or to the end, for the place after the last stretch). It saw every
        /// service that stayed in the table and lies in the gap while the table kept its order (<see cref="SameOrder"/>).
        /// </summary>
        public static bool CoveredInOrder(WalkGap gap, IReadOnlyList<WalkStretch> stretches) =>
            stretches.Any(stretch => WalksThrough(stretch, gap));

        private static bool WalksThrough(WalkStretch stretch, WalkGap gap)
        {
            int after = gap.Last.Select(stretch.IndexOf).Where(at => at >= 0).DefaultIfEmpty(-1).Min();
            if (after < 0)
                return false;
            if (gap.Next.Count == 0)
                return stretch.ToEnd;
            int passed = 0, last = after;
            foreach (var service in gap.Next)
            {
                int at = stretch.IndexOf(service);
                if (at > last)
                {
                    passed++;
                    last = at;
                }
            }
            return passed >= Math.Min(2, gap.Next.Count);
        }

        /// <summary>
        /// Whether two reads of the whole walk met the services they share in one order. A table of 7.1 and
        /// later walks in a new order after it grew or shrank; otherwise only a service deleted and added again
        /// (to its bucket's head) or met again after the first read resumed early is out of order.
        /// </summary>
        public static bool SameOrder(IReadOnlyList<WalkStretch> first, IReadOnlyList<WalkStretch> second)
        {
            var positions = new Dictionary<LvsServiceKey, int>();
            foreach (var service in second.SelectMany(stretch => stretch.Services))
                positions.TryAdd(service, positions.Count);
            int shared = 0, descents = 0, last = -1;
            foreach (var service in first.SelectMany(stretch => stretch.Services))
            {
                if (!positions.TryGetValue(service, out int position))
                    continue;
                if (shared++ > 0 && position < last)
                    descents++;
                last = position;
            }
            // One for each place where the first read resumed early and met services again, one in a hundred for the rest.
            return descents <= first.Count - 1 + shared / 100;
        }
    }

    /// <summary>
    /// Where a dump may have skipped services: after the last of Last (the last few services the dump met
    /// before it), before the first of Next, the services the dump met next (its first few; none: to the end
    /// of the walk). After is the service just before it, Before the first after it, Then the second.
    /// </summary>
    public sealed record WalkGap(IReadOnlyList<LvsServiceKey> Last, IReadOnlyList<LvsServiceKey> Next)
    {
        public LvsServiceKey After => Last[^1];
        public LvsServiceKey? Before => Next.Count > 0 ? Next[0] : null;
        public LvsServiceKey? Then => Next.Count > 1 ? Next[1] : null;
    }
}
