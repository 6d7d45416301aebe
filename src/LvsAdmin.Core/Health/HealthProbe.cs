using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
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

        public HealthProbe(string? networkNamespace, HealthProbeOptions options)
        {
            _namespacePath = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            _options = options;
            if (options.Check == LvsHealthCheck.Tcp)
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

        /// <summary>Probes one real server at <paramref name="probePort"/>; the result names it by its own port.</summary>
        public async Task<LvsHealthResult> ProbeAsync(string service, IPAddress address, ushort port, ushort probePort, CancellationToken cancellation)
        {
            var result = new LvsHealthResult { Service = service, Address = address, Port = port, Check = _options.Check };
            var endpoint = new IPEndPoint(address, probePort);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(_options.Timeout);
            var clock = Stopwatch.StartNew();
            try
            {
                if (_http is null)
                {
                    using var socket = await ConnectAsync(endpoint, deadline.Token).ConfigureAwait(false);
                    result.Latency = clock.Elapsed;
                    result.Healthy = true;
                    result.Message = $"connected to {endpoint}";
                    return result;
                }
                string scheme = _options.Check == LvsHealthCheck.Https ? "https" : "http";
                var uri = new Uri($"{scheme}://{Addresses.FormatEndpoint(address, probePort)}{(_options.Path.StartsWith('/') ? "" : "/")}{_options.Path}");
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Options.Set(Target, endpoint);
                request.Headers.ConnectionClose = true;
                if (_options.HostHeader is not null)
                    request.Headers.Host = _options.HostHeader;
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                result.Latency = clock.Elapsed;
                int status = (int)response.StatusCode;
                result.StatusCode = status;
                result.Healthy = _options.StatusCodes.Count == 0 ? status is >= 200 and < 300 : _options.StatusCodes.Contains(status);
                string answer = $"GET {uri.PathAndQuery}: HTTP {status} {response.ReasonPhrase}".TrimEnd();
                result.Message = result.Healthy ? answer : $"{answer}, expected {Expected()}";
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                result.Message = $"no answer from {endpoint} within {_options.Timeout.TotalSeconds:0.###} s";
            }
            catch (Exception e) when (e is SocketException or HttpRequestException or IOException)
            {
                result.Message = $"{endpoint}: {Reason(e)}";
            }
            return result;
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
