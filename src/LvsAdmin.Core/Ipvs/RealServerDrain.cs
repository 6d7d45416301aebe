using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LvsAdmin.Netlink;

namespace LvsAdmin.Ipvs
{
    /// <summary>How a wait for one real server ended.</summary>
    public enum DrainOutcome
    {
        /// <summary>It has no connections left (no active ones, or none at all when inactive ones count).</summary>
        Idle,
        /// <summary>The time ran out with connections left.</summary>
        TimedOut,
        /// <summary>It, or its service, is no longer in the table.</summary>
        Gone,
    }

    /// <summary>Where a wait stands: how many real servers still have connections, and how many connections.</summary>
    public readonly record struct DrainProgress(int Waiting, int Total, long ActiveConnections, long InactiveConnections, TimeSpan Elapsed, TimeSpan Timeout);

    /// <summary>Waits until real servers have no connections left, by reading their services' real servers again and again.</summary>
    public static class RealServerDrain
    {
        public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

        /// <summary>
        /// Reports each server (as last read) to <paramref name="finished"/> as soon as it is idle or gone, and the
        /// rest when the timeout passes. False when cancelled first; servers not yet reported then are not.
        /// </summary>
        public static bool Wait(IpvsClient client, IReadOnlyList<LvsRealServer> servers, bool includeInactive, TimeSpan timeout,
            CancellationToken cancellation, Action<LvsRealServer, DrainOutcome> finished, Action<DrainProgress>? progress = null)
        {
            var waiting = servers.ToList();
            var started = DateTime.UtcNow;
            while (true)
            {
                var latest = new List<LvsRealServer>(waiting.Count);
                foreach (var group in waiting.GroupBy(server => server.GetServiceKey()))
                {
                    var current = ReadOrNull(client, group.Key);
                    foreach (var server in group)
                    {
                        var now = current?.Find(s => s.HasEndpointOf(server));
                        if (now is null)
                            finished(server, DrainOutcome.Gone);
                        else if (now.ActiveConnections == 0 && (!includeInactive || now.InactiveConnections == 0))
                            finished(now, DrainOutcome.Idle);
                        else
                            latest.Add(now);
                    }
                }
                waiting = latest;
                if (waiting.Count == 0)
                    return true;
                var elapsed = DateTime.UtcNow - started;
                progress?.Invoke(new DrainProgress(waiting.Count, servers.Count, waiting.Sum(s => (long)s.ActiveConnections), waiting.Sum(s => (long)s.InactiveConnections), elapsed, timeout));
                if (elapsed >= timeout)
                {
                    waiting.ForEach(server => finished(server, DrainOutcome.TimedOut));
                    return true;
                }
                var pause = timeout - elapsed < PollInterval ? timeout - elapsed : PollInterval;
                if (cancellation.WaitHandle.WaitOne(pause))
                    return false;
            }
        }

        private static List<LvsRealServer>? ReadOrNull(IpvsClient client, LvsServiceKey key)
        {
            try
            {
                return client.GetRealServers(key);
            }
            catch (NetlinkException e) when (e.Errno == Errno.ESRCH)
            {
                return null;
            }
        }
    }
}
