namespace LvsAdmin.Ipvs
{
    public enum IpvsChangeKind
    {
        Add,
        Update,
        Delete,
    }

    /// <summary>One change to the table, for <see cref="IpvsClient.Apply"/>.</summary>
    public abstract class IpvsChange
    {
        private IpvsChange(IpvsChangeKind kind) => Kind = kind;

        public IpvsChangeKind Kind { get; }

        public static IpvsChange ForService(IpvsChangeKind kind, LvsService service) => new ServiceChange(kind, service);

        /// <summary>A real-server change; the real server names its service through <see cref="LvsRealServer.Service"/>.</summary>
        public static IpvsChange ForRealServer(IpvsChangeKind kind, LvsRealServer realServer) => new RealServerChange(kind, realServer);

        public sealed class ServiceChange : IpvsChange
        {
            internal ServiceChange(IpvsChangeKind kind, LvsService service) : base(kind) => Service = service;

            public LvsService Service { get; }

            public override string ToString() => $"{Kind} {Service}";
        }

        public sealed class RealServerChange : IpvsChange
        {
            internal RealServerChange(IpvsChangeKind kind, LvsRealServer realServer) : base(kind) => RealServer = realServer;

            public LvsRealServer RealServer { get; }

            public override string ToString() => $"{Kind} {RealServer}";
        }
    }
}
