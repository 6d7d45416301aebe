using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Services and real servers this process's Get cmdlets handed out, with when. A change builds on a
    /// pipeline object only while it is fresh, as in Get-LvsRealServer | Set-LvsRealServer, which then need
    /// not read the table again; an object held longer (a variable from minutes ago) is read again first,
    /// so that what other writers changed since is not written back.
    /// </summary>
    internal static class RecentReads
    {
        private static readonly long FreshFor = Stopwatch.Frequency * 5;
        private static readonly ConditionalWeakTable<object, StrongBox<long>> HandedOut = new ConditionalWeakTable<object, StrongBox<long>>();

        public static T Noted<T>(T read) where T : class
        {
            HandedOut.AddOrUpdate(read, new StrongBox<long>(Stopwatch.GetTimestamp()));
            return read;
        }

        public static bool IsFresh(object read) => HandedOut.TryGetValue(read, out var at) && Stopwatch.GetTimestamp() - at.Value < FreshFor;
    }
}
