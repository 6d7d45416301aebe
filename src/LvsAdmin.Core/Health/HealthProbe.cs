using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Netlink;

namespace LvsAdmin.Health
{
    /// <summary>What a probe asks of a server.</summary>
    public sealed class HealthProbeOptions
    {
        public LvsHealthCheck Check { get; init; } = LvsHealthCheck.Tcp;

        /// <summary>The request path of Http and Https probes.</summary>
        public string Path { get; init; } = "/";

        /// <summary>The statuses that count as healthy; empty: any 2xx.</summary>
        public IReadOnlyCollection<int> StatusCodes { get; init; } = Array.Empty<int>();

        /// <summary>The Host header (and TLS server name); the server's address when null.</summary>
        public string? HostHeader { get; init; }

        /// <summary>Accept any server certificate (self-signed, expired, another name's).</summary>
        public bool SkipCertificateCheck { get; init; }

        /// <summary>
        /// A regular expression the answer must match: the body of Http and Https probes, the reply of Udp
        /// probes. Null: any body; for Udp, no reply is needed (only the port's refusal fails, as keepalived's
        /// UDP_CHECK without require_reply).
        /// </summary>
        public string? Expect { get; init; }

        /// <summary>The datagram a Udp probe sends.</summary>
        public string Payload { get; init; } = "";

        /// <summary>The name and record type a Dns probe asks for (keepalived's DNS_CHECK asks for the root's SOA).</summary>
        public string QueryName { get; init; } = ".";
        public LvsDnsRecordType QueryType { get; init; } = LvsDnsRecordType.SOA;

        /// <summary>What a Script check runs: a program (<see cref="ProgramCheck"/>) or a script of the caller's.</summary>
        public ScriptCheck? Script { get; init; }

        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// Probes real servers from a network namespace (the caller's when null): every connection is made by a
    /// socket created inside it, so that the director's routes and addresses are the ones used.
    /// </summary>
    public sealed class HealthProbe : IDisposable
    {
        private static readonly HttpRequestOptionsKey<IPEndPoint> Target = new("LvsAdmin.Target");
        private readonly string? _namespacePath;
        private readonly HealthProbeOptions _options;
        private readonly HttpClient? _http;
        private readonly Regex? _expect;
        private const int MaxBody = 1 << 20;

        public HealthProbe(string? networkNamespace, HealthProbeOptions options)
        {
            _namespacePath = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            _options = options;
            _expect = options.Expect is null ? null : new Regex(options.Expect, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            if (options.Check is not (LvsHealthCheck.Http or LvsHealthCheck.Https))
                return;
            var handler = new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = async (context, cancellation) =>
                {
                    context.InitialRequestMessage.Options.TryGetValue(Target, out var endpoint);
                    return new NetworkStream(await ConnectAsync(endpoint!, cancellation).ConfigureAwait(false), ownsSocket: true);
                },
            };
            if (options.SkipCertificateCheck)
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        }

        /// <summary>What the probe checks.</summary>
        public LvsHealthCheck Check => _options.Check;

        /// <summary>Why a pattern for Expect is not a regular expression, or null.</summary>
        public static string? PatternError(string pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant);
                return null;
            }
            catch (ArgumentException e)
            {
                return e.Message;
            }
        }

        /// <summary>Throws when a server is to be checked at port 0 (it serves a firewall-mark or port-0 service), which only a script can check.</summary>
        public void CheckPort(string service, IPAddress address, ushort port, ushort probePort)
        {
            if (probePort == 0 && _options.Check != LvsHealthCheck.Script)
                throw new ArgumentException($"{service} -> {Addresses.FormatEndpoint(address, port)} has port 0 (it serves a firewall-mark or port-0 service): give the port to check (-Port, or Port in the configuration).");
        }

        /// <summary>
        /// TCP checks of many servers on the calling thread, made as keepalived makes them: non-blocking connects,
        /// waited for together (poll), each within the time-out. Each check holds one of <paramref name="slots"/>
        /// from its connect to its result, so that checks running elsewhere (other services', other kinds) count
        /// against the same bound; with none pending here, this thread waits for a slot. Each result goes to
        /// <paramref name="done"/> with its target's index as soon as it is known. (A task each costs thread
        /// hand-offs and a score of system calls more per check, which counts where a thousand servers are
        /// checked every second.)
        /// </summary>
        public void ProbeTcp(IReadOnlyList<(string Service, IPAddress Address, ushort Port, ushort ProbePort)> targets, SemaphoreSlim slots,
            Action<int, LvsHealthResult> done, CancellationToken cancellation)
        {
            if (_options.Check != LvsHealthCheck.Tcp)
                throw new InvalidOperationException("ProbeTcp makes TCP checks only.");
            var pending = new List<(Socket Socket, int Index, long Started)>();
            var timeout = (long)(_options.Timeout.TotalSeconds * Stopwatch.Frequency);
            void Finish(Socket socket, int index, long started, SocketError error)
            {
                var target = targets[index];
                var endpoint = new IPEndPoint(target.Address, target.ProbePort);
                var result = new LvsHealthResult { Service = target.Service, Address = target.Address, Port = target.Port, Check = LvsHealthCheck.Tcp };
                if (error == SocketError.Success)
                {
                    result.Latency = Stopwatch.GetElapsedTime(started);
                    result.Healthy = true;
                    result.Message = $"connected to {endpoint}";
                }
                else
                {
                    result.Message = error == SocketError.TimedOut
                        ? $"no answer from {endpoint} within {_options.Timeout.TotalSeconds:0.###} s"
                        : $"{endpoint}: {new SocketException((int)error).Message}";
                }
                socket.Dispose();
                slots.Release();
                done(index, result);
            }
            int next = 0;
            try
            {
                while (next < targets.Count || pending.Count > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    for (; next < targets.Count && (pending.Count == 0 ? slots.Wait(Timeout.Infinite, cancellation) : slots.Wait(0)); next++)
                    {
                        var endpoint = new IPEndPoint(targets[next].Address, targets[next].ProbePort);
                        Socket socket;
                        try
                        {
                            socket = NetworkNamespace.Run(_namespacePath, () => new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
                        }
                        catch
                        {
                            // The check never started (the namespace is gone, say): its slot goes back.
                            slots.Release();
                            throw;
                        }
                        long started = Stopwatch.GetTimestamp();
                        try
                        {
                            socket.Blocking = false;
                            socket.Connect(endpoint);
                            Finish(socket, next, started, SocketError.Success);
                        }
                        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                        {
                            pending.Add((socket, next, started));
                        }
                        catch (SocketException e)
                        {
                            Finish(socket, next, started, e.SocketErrorCode);
                        }
                    }
                    long now = Stopwatch.GetTimestamp();
                    for (int i = pending.Count - 1; i >= 0; i--)
                    {
                        if (now - pending[i].Started >= timeout)
                        {
                            var (socket, index, started) = pending[i];
                            pending.RemoveAt(i);
                            Finish(socket, index, started, SocketError.TimedOut);
                        }
                    }
                    if (pending.Count == 0)
                        continue;
                    // Woken at the first time-out, or within a tenth of a second to see a stop asked for.
                    long wait = Math.Min(pending.Min(p => p.Started) + timeout - now, Stopwatch.Frequency / 10);
                    var connected = pending.Select(p => p.Socket).ToList();
                    var failed = new List<Socket>(connected);
                    Socket.Select(null, connected, failed, (int)Math.Max(1, wait * 1_000_000 / Stopwatch.Frequency));
                    var ready = connected.Concat(failed).ToHashSet();
                    for (int i = pending.Count - 1; i >= 0; i--)
                    {
                        var (socket, index, started) = pending[i];
                        if (!ready.Contains(socket))
                            continue;
                        pending.RemoveAt(i);
                        Finish(socket, index, started, (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!);
                    }
                }
            }
            finally
            {
                foreach (var (socket, _, _) in pending)
                {
                    socket.Dispose();
                    slots.Release();
                }
            }
        }

        /// <summary>Probes one real server at <paramref name="probePort"/>; the result names it by its own port.</summary>
        public async Task<LvsHealthResult> ProbeAsync(string service, IPAddress address, ushort port, ushort probePort, CancellationToken cancellation)
        {
            CheckPort(service, address, port, probePort);
            var result = new LvsHealthResult { Service = service, Address = address, Port = port, Check = _options.Check };
            var endpoint = new IPEndPoint(address, probePort);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(_options.Timeout);
            var clock = Stopwatch.StartNew();
            try
            {
                switch (_options.Check)
                {
                    case LvsHealthCheck.Tcp:
                        using (await ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false))
                        {
                            result.Latency = clock.Elapsed;
                            result.Healthy = true;
                            result.Message = $"connected to {endpoint}";
                        }
                        return result;
                    case LvsHealthCheck.Udp:
                        await ProbeUdpAsync(result, endpoint, clock, deadline.Token).ConfigureAwait(false);
                        return result;
                    case LvsHealthCheck.Dns:
                        await ProbeDnsAsync(result, endpoint, clock, deadline.Token).ConfigureAwait(false);
                        return result;
                    case LvsHealthCheck.Script:
                        var verdict = await _options.Script!(service, endpoint, _namespacePath, deadline.Token).ConfigureAwait(false);
                        result.Latency = clock.Elapsed;
                        (result.Healthy, result.Weight, result.Message) = (verdict.Healthy, verdict.Weight, verdict.Message);
                        return result;
                }
                string scheme = _options.Check == LvsHealthCheck.Https ? "https" : "http";
                var uri = new Uri($"{scheme}://{Addresses.FormatEndpoint(address, probePort)}{(_options.Path.StartsWith('/') ? "" : "/")}{_options.Path}");
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Options.Set(Target, endpoint);
                request.Headers.ConnectionClose = true;
                if (_options.HostHeader is not null)
                    request.Headers.Host = _options.HostHeader;
                using var response = await _http!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                result.Latency = clock.Elapsed;
                int status = (int)response.StatusCode;
                result.StatusCode = status;
                result.Healthy = _options.StatusCodes.Count == 0 ? status is >= 200 and < 300 : _options.StatusCodes.Contains(status);
                string answer = $"GET {uri.PathAndQuery}: HTTP {status} {response.ReasonPhrase}".TrimEnd();
                if (result.Healthy && _expect is not null)
                {
                    string body = await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false);
                    result.Healthy = _expect.IsMatch(body);
                    result.Message = result.Healthy ? $"{answer}, body matches '{_options.Expect}'" : $"{answer}, but the body does not match '{_options.Expect}'";
                    return result;
                }
                result.Message = result.Healthy ? answer : $"{answer}, expected {Expected()}";
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                result.Message = _options.Check == LvsHealthCheck.Script
                    ? $"the check of {endpoint} did not finish within {_options.Timeout.TotalSeconds:0.###} s"
                    : $"no answer from {endpoint} within {_options.Timeout.TotalSeconds:0.###} s";
            }
            catch (Exception e) when (e is SocketException or HttpRequestException or IOException or RegexMatchTimeoutException)
            {
                result.Message = $"{endpoint}: {Reason(e)}";
            }
            return result;
        }

        private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellation)
        {
            using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            var buffer = new byte[MaxBody];
            int length = 0, read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false)) > 0)
                length += read;
            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        /// <summary>
        /// Sends the payload; with Expect, a reply must come and match it; without, only the port's refusal
        /// (ICMP port unreachable, reported on the connected socket) fails.
        /// </summary>
        private async Task ProbeUdpAsync(LvsHealthResult result, IPEndPoint endpoint, Stopwatch clock, CancellationToken deadline)
        {
            using var socket = await ConnectDatagramAsync(endpoint, deadline).ConfigureAwait(false);
            await socket.SendAsync(Encoding.UTF8.GetBytes(_options.Payload), SocketFlags.None, deadline).ConfigureAwait(false);
            var reply = new byte[65536];
            int length;
            try
            {
                length = await socket.ReceiveAsync(reply, SocketFlags.None, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_expect is null && deadline.IsCancellationRequested)
            {
                result.Healthy = true;
                result.Message = $"sent {_options.Payload.Length} bytes to {endpoint}: no refusal within {_options.Timeout.TotalSeconds:0.###} s (no reply expected)";
                return;
            }
            result.Latency = clock.Elapsed;
            string text = Encoding.UTF8.GetString(reply, 0, length);
            result.Healthy = _expect?.IsMatch(text) ?? true;
            result.Message = result.Healthy
                ? $"{endpoint} replied with {length} bytes{(_expect is null ? "" : $" matching '{_options.Expect}'")}"
                : $"{endpoint} replied with {length} bytes that do not match '{_options.Expect}'";
        }

        /// <summary>Asks for QueryName's QueryType records (recursion desired); healthy when the answer says NOERROR.</summary>
        private async Task ProbeDnsAsync(LvsHealthResult result, IPEndPoint endpoint, Stopwatch clock, CancellationToken deadline)
        {
            ushort id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
            byte[] query = DnsQuery.Build(id, _options.QueryName, (ushort)_options.QueryType);
            using var socket = await ConnectDatagramAsync(endpoint, deadline).ConfigureAwait(false);
            await socket.SendAsync(query, SocketFlags.None, deadline).ConfigureAwait(false);
            var reply = new byte[65536];
            string asked = $"{_options.QueryType} {_options.QueryName}";
            while (true)
            {
                int length = await socket.ReceiveAsync(reply, SocketFlags.None, deadline).ConfigureAwait(false);
                if (!DnsQuery.TryReadAnswer(reply.AsSpan(0, length), id, out int code, out int answers))
                    continue;
                result.Latency = clock.Elapsed;
                result.Healthy = code == 0;
                result.Message = $"{asked}: {DnsQuery.Describe(code)}, {answers} answer record{(answers == 1 ? "" : "s")}";
                return;
            }
        }

        private async Task<Socket> ConnectDatagramAsync(IPEndPoint endpoint, CancellationToken cancellation)
        {
            var socket = NetworkNamespace.Run(_namespacePath, () => new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp));
            try
            {
                await socket.ConnectAsync(endpoint, cancellation).ConfigureAwait(false);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        private string Expected() => _options.StatusCodes.Count == 0 ? "2xx" : string.Join(" or ", _options.StatusCodes);

        /// <summary>The innermost message: "Connection refused", or why a certificate was not trusted.</summary>
        private static string Reason(Exception e)
        {
            while (e.InnerException is not null)
                e = e.InnerException;
            return e.Message;
        }

        private async Task<Socket> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellation)
        {
            var socket = NetworkNamespace.Run(_namespacePath, () => new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(endpoint, cancellation).ConfigureAwait(false);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public void Dispose() => _http?.Dispose();
    }
}
