using System;
using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Netlink;

namespace LvsAdmin.Ipvs
{
    /// <summary>
    /// A typed client for the kernel's IPVS table over one generic-netlink socket, optionally in
    /// another network namespace. Not thread-safe: one request or dump at a time.
    /// </summary>
    public sealed class IpvsClient : IDisposable
    {
        public const string FamilyName = "IPVS";
        private const byte Version = 1;
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

        private readonly GenericNetlinkConnection _connection;
        private readonly ushort _family;
        private readonly string? _namespacePath;
        // Opens another socket like this client's: for a second view of a listing (null for a caller's transport).
        private Func<INetlinkTransport>? _openAnother;

        private IpvsClient(GenericNetlinkConnection connection, ushort family, string? namespacePath)
        {
            _connection = connection;
            _family = family;
            _namespacePath = namespacePath;
        }

        /// <summary>Called with a description of every request before it goes to the kernel.</summary>
        public Action<string>? Trace
        {
            get => _connection.Trace;
            set => _connection.Trace = value;
        }

        /// <summary>
        /// Opens a socket (in the named namespace or namespace path, when given) and resolves the IPVS
        /// family. Throws <see cref="IpvsUnavailableException"/> when the kernel has no IPVS and
        /// <see cref="IpvsPermissionException"/> without CAP_NET_ADMIN.
        /// </summary>
        public static IpvsClient Open(string? networkNamespace = null, TimeSpan? timeout = null)
        {
            string? path = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            INetlinkTransport NewSocket() => NetworkNamespace.Run(path, () => new NetlinkSocket(NetlinkSocket.NetlinkGeneric, timeout ?? DefaultTimeout));
            var client = Open(NewSocket(), path);
            client._openAnother = NewSocket;
            return client;
        }

        /// <summary>
        /// Opens a client over a transport of the caller's: a <see cref="NetlinkSocket"/> made with other
        /// buffers, or one wrapped. It belongs to the network namespace at namespacePath (the caller's when null),
        /// where the client reads /proc too. The client owns the transport.
        /// </summary>
        public static IpvsClient Open(INetlinkTransport transport, string? namespacePath = null)
        {
            var connection = new GenericNetlinkConnection(transport);
            try
            {
                ushort family = connection.ResolveFamily(FamilyName) ?? throw new IpvsUnavailableException(
                    "The kernel has no IP Virtual Server: the IPVS generic netlink family does not exist. Load it with 'modprobe ip_vs' (as root), or use a kernel built with CONFIG_IP_VS.");
                var client = new IpvsClient(connection, family, namespacePath);
                // IPVS answers even reads only with CAP_NET_ADMIN: find out now, with the cheapest request.
                client.GetVersionAndSize();
                return client;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The IPVS version and connection table size, and from 7.1 what /proc/net/ip_vs_status shows (that file
        /// came with the tables that grow and shrink, whose size GET_INFO then reports as it is now).
        /// </summary>
        public LvsInfo GetInfo()
        {
            var info = GetVersionAndSize();
            var (exists, text) = ReadStatus();
            return exists ? info.WithCurrentSize(text is null ? null : IpvsStatus.Parse(text)) : info;
        }

        // Whether the namespace has /proc/net/ip_vs_status (7.1 and later); null until first looked for.
        private bool? _hasStatus;

        /// <summary>/proc/net/ip_vs_status of the namespace: whether it exists, and its text where it could be read.</summary>
        private (bool Exists, string? Text) ReadStatus()
        {
            if (_hasStatus == false)
                return (false, null);
            var status = NetworkNamespace.Run(_namespacePath, () =>
            {
                if (!System.IO.File.Exists(IpvsStatus.Path))
                    return (false, (string?)null);
                try
                {
                    return (true, System.IO.File.ReadAllText(IpvsStatus.Path));
                }
                catch (UnauthorizedAccessException)
                {
                    // Readable by root only (0440): the rest still knows the size is the current one.
                    return (true, null);
                }
            });
            _hasStatus = status.Item1;
            return status;
        }

        /// <summary>The service table's buckets now (7.1 and later, where /proc says); null where it does not.</summary>
        private int? ServiceBuckets() => ReadStatus().Text is { } text ? IpvsStatus.Parse(text).ServiceBuckets : null;

        private LvsInfo GetVersionAndSize() =>
            Single(Execute(IpvsCommand.GetInfo, 0, "get the IPVS version", _ => { }, IpvsCodec.DecodeInfo), "version");

        // At most this many reads of /proc/net/ip_vs to see every place where a dump may have skipped services.
        private const int MaxListingReads = 6;

        // At most this many listings while the table grows or shrinks under them (7.1 and later): the last one stands.
        private const int MaxListings = 4;

        /// <summary>
        /// Every service of the namespace, each once, whatever other namespaces and other writers do
        /// meanwhile to other services. A dump of many parts resumes each part by counting services from the
        /// start of the kernel's service hash, which before 7.1 all namespaces share: a change anywhere between
        /// two parts makes it skip or repeat services, and the kernel does not say so. So a dump of many parts
        /// is checked (see <see cref="ServiceWalk"/>): a second dump on a new socket, whose first part is a
        /// page (the kernel sizes parts by the reads a socket has made) so that its parts end elsewhere; then,
        /// while a place where the first may have skipped services is spanned by no part, reads of
        /// /proc/net/ip_vs, each with its walks beginning elsewhere. The second dump's services join the first's;
        /// each service a read of /proc has and the dumps do not is asked for by its key. From 7.1 each namespace
        /// has a table of its own, hashed with a key LvsAdmin cannot know, which grows and shrinks with the
        /// services, walked in a new order after each resize: there a place is spanned by a stretch that walked
        /// through it in the dump's order, and a listing during which the table was resized is made again.
        /// </summary>
        public List<LvsService> GetServices()
        {
            for (int attempt = 1; ; attempt++)
            {
                int? bucketsBefore = ServiceBuckets();
                var services = Dump(IpvsCommand.GetService, "list the virtual services", _ => { }, IpvsCodec.DecodeService, out var parts);
                if (parts.Count <= 1)
                    return services;
                var dump = DumpStretches(services, parts);
                var seeds = ServiceWalk.Seeds(dump);
                var gaps = ServiceWalk.Gaps(dump);
                var views = new List<WalkStretch>();
                if (_openAnother is not null)
                {
                    var again = DumpOnAnotherSocket(out var againParts);
                    views.AddRange(DumpStretches(again, againParts));
                    services.AddRange(again);
                }
                // A second dump of a table that kept its order, in 7.1 and later, whose order is no hash LvsAdmin knows.
                bool sameOrder = seeds.Count > 0 || views.Count == 0 || (ServiceWalk.SameOrder(dump, views) && ServiceBuckets() == bucketsBefore);
                bool Covered(WalkGap gap) => seeds.Count > 0 ? ServiceWalk.Covered(gap, views, seeds) : ServiceWalk.CoveredInOrder(gap, views);
                var listings = new List<ProcServiceList>();
                for (int read = 0; sameOrder && read < MaxListingReads && !gaps.All(Covered); read++)
                {
                    var listing = ReadListing(firstReadBytes: read == 0 ? int.MaxValue : Environment.SystemPageSize * read / MaxListingReads);
                    if (listing is null)
                        break;
                    listings.Add(listing);
                    views.AddRange(listing.Stretches);
                }
                if (sameOrder || attempt == MaxListings)
                    return Reconciled(services.DistinctBy(service => service.GetKey()).ToList(), listings);
            }
        }

        private List<LvsService> DumpOnAnotherSocket(out List<DumpPart> parts)
        {
            // No request before the dump: its first part is sized before the socket has read anything.
            using var connection = new GenericNetlinkConnection(_openAnother!());
            List<DumpPart>? read = null;
            var services = Permitted("list the virtual services", () =>
                connection.DumpAll(_family, IpvsCommand.GetService, Version, "list the virtual services", _ => { }, IpvsCodec.DecodeService, out read));
            parts = read!;
            return services;
        }

        private static List<WalkStretch> DumpStretches(List<LvsService> services, List<DumpPart> parts)
        {
            // A dump of one part walked the whole table in it; one of none found it empty (the second dump of a
            // listing can, when the table shrank meanwhile).
            if (parts.Count <= 1)
                return parts.Count == 0 ? new List<WalkStretch>() : new List<WalkStretch> { new WalkStretch(services.Select(service => service.GetKey()), fromStart: true, toEnd: true) };
            // The kernel ends a part when the next service does not fit: a last part with room for one more ended
            // with the walk. (A first part can be smaller than the others: it was sized before the socket read.)
            int fullPart = parts.Take(parts.Count - 1).Max(part => part.Bytes);
            int largestService = parts.Max(part => part.Entries == 0 ? 0 : (part.Bytes + part.Entries - 1) / part.Entries) * 2;
            var stretches = new List<WalkStretch>();
            int next = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                bool last = i == parts.Count - 1;
                stretches.Add(new WalkStretch(services.Skip(next).Take(parts[i].Entries).Select(service => service.GetKey()),
                    fromStart: i == 0, toEnd: last && parts[i].Bytes + largestService <= fullPart));
                next += parts[i].Entries;
            }
            return stretches;
        }

        private ProcServiceList? ReadListing(int firstReadBytes)
        {
            try
            {
                return NetworkNamespace.Run(_namespacePath, () =>
                {
                    using var stream = new System.IO.FileStream(ProcServiceList.Path, System.IO.FileMode.Open, System.IO.FileAccess.Read, System.IO.FileShare.ReadWrite, bufferSize: 0);
                    return ProcServiceList.Read(stream, firstReadBytes);
                });
            }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
            {
                // No /proc here (a container without it): the dump alone.
                return null;
            }
        }

        /// <summary>The dumped services and those the listings have that the dump skipped, still in the table.</summary>
        private List<LvsService> Reconciled(List<LvsService> dumped, List<ProcServiceList> listings)
        {
            var keys = dumped.Select(service => service.GetKey()).ToHashSet();
            var missing = new HashSet<LvsServiceKey>();
            foreach (var listing in listings)
                missing.UnionWith(listing.MissingFrom(keys));
            missing.ExceptWith(keys);
            var found = missing.Select(GetService).OfType<LvsService>();
            return dumped.Concat(found).ToList();
        }

        /// <summary>The service with this key, or null when there is none.</summary>
        public LvsService? GetService(LvsServiceKey key)
        {
            try
            {
                return Single(Execute(IpvsCommand.GetService, 0, $"get the virtual service {key}",
                    writer => IpvsCodec.WriteServiceKey(writer, key), IpvsCodec.DecodeService), "service");
            }
            catch (NetlinkException e) when (e.Errno == Errno.ESRCH || e.Errno == Errno.ENOENT)
            {
                return null;
            }
        }

        public void AddService(LvsService service) =>
            Validated(service).Execute<object>(IpvsCommand.NewService, 0, $"add the virtual service {service}", writer => IpvsCodec.WriteService(writer, service), null);

        public void UpdateService(LvsService service) =>
            Validated(service).Execute<object>(IpvsCommand.SetService, 0, $"edit the virtual service {service}", writer => IpvsCodec.WriteService(writer, service), null);

        public void DeleteService(LvsServiceKey key) =>
            Execute<object>(IpvsCommand.DeleteService, 0, $"delete the virtual service {key}", writer => IpvsCodec.WriteServiceKey(writer, key), null);

        /// <summary>Deletes every virtual service.</summary>
        public void Flush() =>
            Execute<object>(IpvsCommand.Flush, 0, "delete every virtual service", _ => { }, null);

        /// <summary>Zeroes the counters of one service and its real servers, or of everything when key is null.</summary>
        public void ZeroStatistics(LvsServiceKey? key) =>
            Execute<object>(IpvsCommand.Zero, 0, key is null ? "zero every counter" : $"zero the counters of {key}",
                writer => { if (key is not null) IpvsCodec.WriteServiceKey(writer, key); }, null);

        /// <summary>
        /// The real servers of a service. A service that does not exist is an error (ESRCH, as the kernel
        /// answers other requests for it): the kernel's dump ends empty for it, as for a service with none.
        /// </summary>
        public List<LvsRealServer> GetRealServers(LvsServiceKey key)
        {
            var servers = DumpRealServers(key);
            if (servers.Count == 0 && GetService(key) is null)
            {
                string description = $"list the real servers of {key}";
                throw new NetlinkException(Errno.ESRCH, $"Could not {description}: {Errno.Describe(Errno.ESRCH)}", null, description);
            }
            return servers;
        }

        /// <summary>One real server of a service, or null when the service or the real server is not in the table.</summary>
        public LvsRealServer? GetRealServer(LvsServiceKey key, System.Net.IPAddress address, ushort port) =>
            DumpRealServers(key).Find(server => server.Port == port && server.Address.Equals(address));

        private List<LvsRealServer> DumpRealServers(LvsServiceKey key) =>
            Dump(IpvsCommand.GetDestination, $"list the real servers of {key}", writer => IpvsCodec.WriteServiceKey(writer, key),
                message => IpvsCodec.DecodeRealServer(message, key), out _);

        /// <summary>
        /// Every service with its real servers: one service dump, then one real-server dump per service as
        /// its entry is reached, so that only one service's real servers are held at a time unless the caller
        /// keeps them. Services come in the given order (the kernel's when null). Read it to its end before
        /// making another request on this client.
        /// </summary>
        public IEnumerable<LvsTableEntry> ReadTable(bool inIpvsadmOrder = false)
        {
            var services = GetServices();
            if (inIpvsadmOrder)
                IpvsadmOrder.Sort(services);
            foreach (var service in services)
                yield return new LvsTableEntry(service, DumpRealServers(service.GetKey()));
        }

        public void AddRealServer(LvsServiceKey key, LvsRealServer server) =>
            Validated(key, server).Execute<object>(IpvsCommand.NewDestination, 0, DescribeRealServer("add", key, server), writer => WriteRealServer(writer, key, server, keyOnly: false), null);

        public void UpdateRealServer(LvsServiceKey key, LvsRealServer server) =>
            Validated(key, server).Execute<object>(IpvsCommand.SetDestination, 0, DescribeRealServer("edit", key, server), writer => WriteRealServer(writer, key, server, keyOnly: false), null);

        public void DeleteRealServer(LvsServiceKey key, LvsRealServer server) =>
            Execute<object>(IpvsCommand.DeleteDestination, 0, DescribeRealServer("delete", key, server), writer => WriteRealServer(writer, key, server, keyOnly: true), null);

        public LvsTimeout GetTimeouts() =>
            Single(Execute(IpvsCommand.GetConfig, 0, "get the connection timeouts", _ => { }, IpvsCodec.DecodeTimeout), "timeouts");

        /// <summary>Sets the timeouts; a zero leaves that timeout as it is.</summary>
        public void SetTimeouts(LvsTimeout timeout) =>
            Execute<object>(IpvsCommand.SetConfig, 0, $"set the connection timeouts to {timeout}", writer => IpvsCodec.WriteTimeout(writer, timeout), null);

        public List<LvsSyncDaemon> GetSyncDaemons() =>
            Dump(IpvsCommand.GetDaemon, "list the sync daemons", _ => { }, IpvsCodec.DecodeDaemon, out _);

        public void StartSyncDaemon(LvsSyncDaemon daemon)
        {
            try
            {
                Validated(daemon).Execute<object>(IpvsCommand.NewDaemon, 0, $"start the {daemon.State} sync daemon", writer => IpvsCodec.WriteDaemon(writer, daemon, stateOnly: false), null);
            }
            catch (NetlinkException e) when (e.Errno == Errno.EINVAL && FindMixedFamily() is { } mixed)
            {
                // The kernel's EINVAL says nothing of why; this is the cause an operator cannot guess.
                throw new LvsArgumentException("SyncDaemonWithMixedFamilies",
                    $"The kernel does not synchronise connections while a real server has another address family than its service, as {mixed} has: remove such real servers first, or do without the {daemon.State} sync daemon.");
            }
        }

        /// <summary>The first real server whose address family is not its service's, or null.</summary>
        private LvsRealServer? FindMixedFamily()
        {
            foreach (var entry in ReadTable())
            {
                var family = entry.Service.AddressFamily;
                var mixed = entry.RealServers.FirstOrDefault(server => server.AddressFamily != family);
                if (mixed is not null)
                    return mixed;
            }
            return null;
        }

        /// <summary>
        /// Stops a daemon. A stop soon after the start (before the daemon's thread first ran) is one the
        /// kernel carries out but does not acknowledge: the daemons then listed say whether it took.
        /// </summary>
        public void StopSyncDaemon(LvsSyncState state)
        {
            string description = $"stop the {state} sync daemon";
            bool acknowledged = Permitted(description, () => _connection.ExecuteFenced(_family, IpvsCommand.DeleteDaemon, Version, description,
                writer => IpvsCodec.WriteDaemon(writer, new LvsSyncDaemon { State = state }, stateOnly: true), IpvsCommand.GetInfo));
            if (!acknowledged && GetSyncDaemons().Any(daemon => daemon.State == state))
                throw new NetlinkException(Errno.EINTR, $"Could not {description}: the kernel did not acknowledge the request and the daemon still runs.", null, description);
        }

        /// <summary>
        /// Applies many changes with as few sendmsg calls as the socket allows. Every change is checked
        /// before any is sent. Returns, in order, null for each change the kernel accepted and the error
        /// for each it refused; a refused change does not stop the others. When the transport fails
        /// part-way, throws <see cref="NetlinkBatchException"/> with each change's outcome, having read the
        /// table back for those whose reply was lost (see <see cref="ReadBack"/>).
        /// </summary>
        public NetlinkException?[] Apply(IReadOnlyList<IpvsChange> changes)
        {
            foreach (var change in changes)
                Validate(change);
            var requests = changes.Select(ToBatchRequest).ToList();
            try
            {
                return _connection.ExecuteBatch(_family, Version, requests);
            }
            catch (NetlinkBatchException e) when (e.Outcomes.Contains(BatchOutcome.Unknown))
            {
                throw ReadBack(changes, requests, e);
            }
        }

        /// <summary>
        /// Learns from the table what became of changes whose replies were lost: an edit or a deletion is
        /// in effect or not; an addition that is not there was not made; one that is there may be this
        /// batch's or another writer's, and stays unknown (so that nothing undoes what it cannot be sure it made).
        /// </summary>
        private NetlinkBatchException ReadBack(IReadOnlyList<IpvsChange> changes, List<BatchRequest> requests, NetlinkBatchException lost)
        {
            var results = lost.Results.ToArray();
            var outcomes = lost.Outcomes.ToArray();
            try
            {
                for (int i = 0; i < changes.Count; i++)
                {
                    if (outcomes[i] != BatchOutcome.Unknown)
                        continue;
                    var change = changes[i];
                    bool present = Present(change, out bool asSent);
                    bool inEffect = change.Kind switch
                    {
                        IpvsChangeKind.Delete => !present,
                        IpvsChangeKind.Update => asSent,
                        _ => false,
                    };
                    if (change.Kind == IpvsChangeKind.Add && present)
                        continue;
                    outcomes[i] = inEffect ? BatchOutcome.Accepted : BatchOutcome.Refused;
                    if (!inEffect)
                        results[i] = new NetlinkException(lost.Errno, $"Could not {requests[i].Describe()}: its reply was lost, and the table does not show the change", null, requests[i].Describe());
                }
            }
            catch (Exception e) when (e is NetlinkException or NetlinkTimeoutException)
            {
                return lost;
            }
            return lost.WithOutcomes(results, outcomes);
        }

        /// <summary>Whether the entry a change names is in the table now, and whether it has the settings the change sent.</summary>
        private bool Present(IpvsChange change, out bool asSent)
        {
            switch (change)
            {
                case IpvsChange.ServiceChange { Service: var sent }:
                    var service = GetService(sent.GetKey());
                    asSent = service is not null && Rules.TableDifference.DifferingProperties(service, sent).Length == 0;
                    return service is not null;
                case IpvsChange.RealServerChange { RealServer: var sent }:
                    var server = GetRealServer(sent.GetServiceKey(), sent.Address, sent.Port);
                    asSent = server is not null && Rules.TableDifference.DifferingProperties(server, sent).Length == 0;
                    return server is not null;
                default:
                    throw new ArgumentException($"Unknown change {change}.");
            }
        }

        /// <summary>The checks <see cref="Apply"/> makes of a change before sending anything: a <see cref="LvsArgumentException"/> names what is wrong.</summary>
        public static void Validate(IpvsChange change)
        {
            if (change.Kind == IpvsChangeKind.Delete)
                return;
            if (change is IpvsChange.ServiceChange s)
                LvsValidation.ValidateService(s.Service);
            else if (change is IpvsChange.RealServerChange r)
                LvsValidation.ValidateRealServer(r.RealServer.GetServiceKey(), r.RealServer);
        }

        private IpvsClient Validated(LvsSyncDaemon daemon)
        {
            LvsValidation.ValidateSyncDaemon(daemon);
            return this;
        }

        private IpvsClient Validated(LvsService service)
        {
            LvsValidation.ValidateService(service);
            return this;
        }

        private IpvsClient Validated(LvsServiceKey key, LvsRealServer server)
        {
            LvsValidation.ValidateRealServer(key, server);
            return this;
        }

        public void Dispose() => _connection.Dispose();

        private BatchRequest ToBatchRequest(IpvsChange change) => change switch
        {
            IpvsChange.ServiceChange s => new BatchRequest(
                s.Kind switch { IpvsChangeKind.Add => IpvsCommand.NewService, IpvsChangeKind.Update => IpvsCommand.SetService, _ => IpvsCommand.DeleteService },
                s.Kind == IpvsChangeKind.Delete
                    ? writer => IpvsCodec.WriteServiceKey(writer, s.Service.GetKey())
                    : writer => IpvsCodec.WriteService(writer, s.Service),
                () => $"{Verb(s.Kind)} the virtual service {s.Service}"),
            IpvsChange.RealServerChange r => new BatchRequest(
                r.Kind switch { IpvsChangeKind.Add => IpvsCommand.NewDestination, IpvsChangeKind.Update => IpvsCommand.SetDestination, _ => IpvsCommand.DeleteDestination },
                writer => WriteRealServer(writer, r.RealServer.GetServiceKey(), r.RealServer, keyOnly: r.Kind == IpvsChangeKind.Delete),
                () => DescribeRealServer(Verb(r.Kind), r.RealServer.GetServiceKey(), r.RealServer)),
            _ => throw new ArgumentException($"Unknown change {change}."),
        };

        private static string Verb(IpvsChangeKind kind) => kind switch
        {
            IpvsChangeKind.Add => "add",
            IpvsChangeKind.Update => "edit",
            _ => "delete",
        };

        private static string DescribeRealServer(string verb, LvsServiceKey key, LvsRealServer server) =>
            $"{verb} the real server {Addresses.FormatEndpoint(server.Address, server.Port)} of {key}";

        private static void WriteRealServer(NetlinkMessageWriter writer, LvsServiceKey key, LvsRealServer server, bool keyOnly)
        {
            IpvsCodec.WriteServiceKey(writer, key);
            IpvsCodec.WriteRealServer(writer, server, keyOnly);
        }

        private List<T> Execute<T>(byte command, ushort flags, string description, NetlinkRequestWriter write, NetlinkDecoder<T>? decode) =>
            Permitted(description, () => _connection.Execute(_family, command, Version, flags, description, write, decode));

        private List<T> Dump<T>(byte command, string description, NetlinkRequestWriter write, NetlinkDecoder<T> decode, out List<DumpPart> parts)
        {
            List<DumpPart>? read = null;
            var items = Permitted(description, () => _connection.DumpAll(_family, command, Version, description, write, decode, out read));
            parts = read!;
            return items;
        }

        private static T Permitted<T>(string description, Func<T> request)
        {
            try
            {
                return request();
            }
            catch (NetlinkException e) when (e.Errno == Errno.EPERM || e.Errno == Errno.EACCES)
            {
                throw new IpvsPermissionException(description);
            }
        }

        private static T Single<T>(List<T> replies, string what) =>
            replies.Count > 0 ? replies[0] : throw new NetlinkProtocolException($"The kernel acknowledged a request for the {what} without answering it.");
    }

    /// <summary>The kernel has no IPVS (module not loaded, or not built).</summary>
    public class IpvsUnavailableException : Exception
    {
        public IpvsUnavailableException(string message) : base(message) { }
    }

    /// <summary>The caller lacks CAP_NET_ADMIN, which every IPVS request needs, reads included.</summary>
    public class IpvsPermissionException : UnauthorizedAccessException
    {
        public IpvsPermissionException(string action)
            : base($"Permission denied to {action}: IPVS needs CAP_NET_ADMIN, even to read. Run as root (sudo pwsh) or grant the capability.") { }
    }
}
