using System.Collections.Generic;

namespace LvsAdmin
{
    /// <summary>A virtual service with its real servers: one entry of the whole table.</summary>
    public sealed class LvsTableEntry
    {
        public LvsTableEntry(LvsService service, IReadOnlyList<LvsRealServer> realServers)
        {
            Service = service;
            RealServers = realServers;
        }

        public LvsService Service { get; }
        public IReadOnlyList<LvsRealServer> RealServers { get; }
    }
}
