using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Health;

namespace LvsAdmin.Core.Tests
{
    /// <summary>
    /// TCP checks, made together: they share their bound (-ThrottleLimit) with every other check running, so
    /// that a watch of many services checks at most that many servers at once, whichever service or kind of
    /// check they belong to; and they give the verdicts one check alone (ProbeAsync) gives.
    /// </summary>
    public sealed class HealthProbeTcpTests : IDisposable
    {
        private readonly TcpListener _server = new(IPAddress.Loopback, 0);
        private readonly HealthProbe _probe = new(null, new HealthProbeOptions { Check = LvsHealthCheck.Tcp, Timeout = TimeSpan.FromSeconds(10) });

        public HealthProbeTcpTests() => _server.Start();

        public void Dispose()
        {
            _probe.Dispose();
            _server.Stop();
        }

        private (string, IPAddress, ushort, ushort)[] Targets(int count)
        {
            var port = (ushort)((IPEndPoint)_server.LocalEndpoint).Port;
            return Enumerable.Range(0, count).Select(_ => ("TCP 10.0.0.1:80", IPAddress.Loopback, (ushort)80, port)).ToArray();
        }

        [Fact]
        public async Task WaitsForASlotTakenElsewhereAndGivesEachBack()
        {
            using var slots = new SemaphoreSlim(2);
            // Both slots held by checks running elsewhere.
            slots.Wait();
            slots.Wait();
            var results = new ConcurrentQueue<LvsHealthResult>();
            var run = Task.Run(() => _probe.ProbeTcp(Targets(3), slots, (_, result) => results.Enqueue(result), CancellationToken.None));

            Assert.NotSame(run, await Task.WhenAny(run, Task.Delay(500)));
            Assert.Empty(results);
            slots.Release();
            await run.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(3, results.Count);
            Assert.All(results, result => Assert.True(result.Healthy, result.Message));
            Assert.Equal(1, slots.CurrentCount);
        }

        [Fact]
        public async Task ProbeAsyncAgreesWithProbeTcpOnAnOpenAndARefusedPort()
        {
            var refusing = new TcpListener(IPAddress.Loopback, 0);
            refusing.Start();
            var refusedPort = (ushort)((IPEndPoint)refusing.LocalEndpoint).Port;
            refusing.Stop();
            var targets = new[] { Targets(1)[0], ("TCP 10.0.0.1:80", IPAddress.Loopback, (ushort)80, refusedPort) };
            var together = new LvsHealthResult[targets.Length];
            using var slots = new SemaphoreSlim(4);
            _probe.ProbeTcp(targets, slots, (index, result) => together[index] = result, CancellationToken.None);

            Assert.True(together[0].Healthy, together[0].Message);
            Assert.False(together[1].Healthy, together[1].Message);
            for (int i = 0; i < targets.Length; i++)
            {
                var (service, address, port, probePort) = targets[i];
                var alone = await _probe.ProbeAsync(service, address, port, probePort, CancellationToken.None);
                Assert.Equal((together[i].Healthy, together[i].Message), (alone.Healthy, alone.Message));
            }
        }

        [Fact]
        public async Task StopsWhileWaitingForASlot()
        {
            using var slots = new SemaphoreSlim(1);
            slots.Wait();
            using var stop = new CancellationTokenSource();
            var results = new ConcurrentQueue<LvsHealthResult>();
            var run = Task.Run(() => _probe.ProbeTcp(Targets(2), slots, (_, result) => results.Enqueue(result), stop.Token));

            stop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Empty(results);
            Assert.Equal(0, slots.CurrentCount);
        }
    }
}
