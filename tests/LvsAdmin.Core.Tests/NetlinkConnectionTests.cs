using System;
using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Netlink;
using static LvsAdmin.Core.Tests.ScriptedKernel;

namespace LvsAdmin.Core.Tests
{
    /// <summary>The connection's state machine against a scripted kernel: what it does with each kind of reply.</summary>
    public class NetlinkConnectionTests
    {
        private const byte Command = 7;
        private const int EnoBufs = Errno.ENOBUFS;

        private static (GenericNetlinkConnection Connection, ScriptedKernel Kernel) Connect(Func<IReadOnlyList<SentRequest>, IEnumerable<object>> answer)
        {
            var kernel = new ScriptedKernel { Answer = answer };
            return (new GenericNetlinkConnection(kernel), kernel);
        }

        private static List<uint> Dump(GenericNetlinkConnection connection, out List<DumpPart> parts) =>
            connection.DumpAll(Family, Command, 1, "list the entries", _ => { }, ValueOf, out parts);

        private static List<BatchRequest> Requests(int count) =>
            Enumerable.Range(0, count).Select(i => new BatchRequest(Command, writer => writer.PutU32(1, (uint)i), () => $"request {i}")).ToList();

        [Fact]
        public void ExecuteSkipsRepliesToOtherSequenceNumbersAndReturnsItsOwn()
        {
            var (connection, _) = Connect(sent =>
            {
                uint s = sent[0].Sequence;
                return new object[] { Datagram(Entry(s - 1, 99), Error(s - 1, Errno.EEXIST)), Datagram(Entry(s, 7, 0), Error(s)) };
            });
            var replies = connection.Execute(Family, Command, 1, 0, "read one", _ => { }, ValueOf);
            Assert.Equal(new uint[] { 7 }, replies);
        }

        [Fact]
        public void ExecuteThrowsTheKernelsRefusalWithItsErrno()
        {
            var (connection, _) = Connect(sent => new object[] { Error(sent[0].Sequence, Errno.ESRCH) });
            var error = Assert.Throws<NetlinkException>(() => connection.Execute<uint>(Family, Command, 1, 0, "edit it", _ => { }, null));
            Assert.Equal(Errno.ESRCH, error.Errno);
            Assert.Equal("edit it", error.Action);
        }

        [Fact]
        public void DumpReadsEveryPartAndCountsThem()
        {
            var (connection, _) = Connect(sent =>
            {
                uint s = sent[0].Sequence;
                return new object[] { Datagram(Entry(s, 1), Entry(s, 2)), Datagram(Entry(s, 3)), Datagram(Entry(s, 4), Entry(s, 5)), Done(s) };
            });
            Assert.Equal(new uint[] { 1, 2, 3, 4, 5 }, Dump(connection, out var parts));
            Assert.Equal(new[] { 2, 1, 2 }, parts.Select(part => part.Entries));
        }

        [Fact]
        public void DumpThatEndsWithAnErrorCodeThrowsIt()
        {
            var (connection, _) = Connect(sent => new object[] { Datagram(Entry(sent[0].Sequence, 1)), Done(sent[0].Sequence, Errno.EINVAL) });
            var error = Assert.Throws<NetlinkException>(() => Dump(connection, out _));
            Assert.Equal(Errno.EINVAL, error.Errno);
        }

        [Fact]
        public void InterruptedDumpIsRepeatedAndOnlyTheConsistentOneCounts()
        {
            int attempt = 0;
            var (connection, kernel) = Connect(sent =>
            {
                uint s = sent[0].Sequence;
                return ++attempt == 1
                    ? new object[] { Datagram(Entry(s, 1)), Datagram(Entry(s, 2, GenericNetlinkConnection.Multi | 0x10)), Done(s) }
                    : new object[] { Datagram(Entry(s, 10), Entry(s, 20)), Done(s) };
            });
            Assert.Equal(new uint[] { 10, 20 }, Dump(connection, out var parts));
            Assert.Single(parts);
            Assert.Equal(2, kernel.Sends.Count);
        }

        [Fact]
        public void DumpThatLostARepliesForWantOfBufferIsRepeated()
        {
            int attempt = 0;
            var (connection, kernel) = Connect(sent =>
            {
                uint s = sent[0].Sequence;
                return ++attempt == 1
                    ? new object[] { Datagram(Entry(s, 1)), new NetlinkException(EnoBufs, "dropped"), Datagram(Entry(s, 3)), Done(s) }
                    : new object[] { Datagram(Entry(s, 1), Entry(s, 2), Entry(s, 3)), Done(s) };
            });
            Assert.Equal(new uint[] { 1, 2, 3 }, Dump(connection, out _));
            Assert.Equal(2, kernel.Sends.Count);
        }

        [Fact]
        public void DumpThatKeepsBeingInterruptedGivesUpWithEagain()
        {
            var (connection, kernel) = Connect(sent => new object[] { Datagram(Entry(sent[0].Sequence, 1, GenericNetlinkConnection.Multi | 0x10)), Done(sent[0].Sequence) });
            var error = Assert.Throws<NetlinkException>(() => Dump(connection, out _));
            Assert.Equal(Errno.EAGAIN, error.Errno);
            Assert.Equal(5, kernel.Sends.Count);
        }

        [Fact]
        public void ADatagramLargerThanTheReceiveBufferIsAnErrorNotAShortRead()
        {
            var (connection, _) = Connect(sent => new object[] { Datagram(Enumerable.Repeat(Entry(sent[0].Sequence, 1), 70 * 1024 / 24).ToArray()), Done(sent[0].Sequence) });
            var error = Assert.Throws<NetlinkProtocolException>(() => Dump(connection, out _));
            Assert.Contains("larger than", error.Message);
        }

        [Fact]
        public void NoReplyAtAllIsATimeout()
        {
            var (connection, _) = Connect(_ => Array.Empty<object>());
            Assert.Throws<NetlinkTimeoutException>(() => connection.Execute<uint>(Family, Command, 1, 0, "read", _ => { }, null));
        }

        [Fact]
        public void FencedRequestWithoutAcknowledgementReportsFalse()
        {
            var (connection, _) = Connect(sent => new object[] { Error(sent[1].Sequence) });
            Assert.False(connection.ExecuteFenced(Family, Command, 1, "stop it", _ => { }, 9));
            var (acknowledged, _) = Connect(sent => new object[] { Datagram(Error(sent[0].Sequence), Error(sent[1].Sequence)) });
            Assert.True(acknowledged.ExecuteFenced(Family, Command, 1, "stop it", _ => { }, 9));
        }

        [Fact]
        public void BatchAsksOnlyTheLastRequestOfASendForAnAcknowledgement()
        {
            var (connection, kernel) = Connect(sent => new object[] { Error(sent[^1].Sequence) });
            var results = connection.ExecuteBatch(Family, 1, Requests(10));
            Assert.All(results, Assert.Null);
            var send = Assert.Single(kernel.Sends);
            Assert.Equal(10, send.Count);
            Assert.All(send.Take(9), r => Assert.Equal(0, r.Flags & GenericNetlinkConnection.Ack));
            Assert.NotEqual(0, send[^1].Flags & GenericNetlinkConnection.Ack);
        }

        [Fact]
        public void BatchMatchesRefusalsToRequestsBySequenceWhateverTheirOrder()
        {
            var (connection, _) = Connect(sent => new object[]
            {
                Datagram(Error(sent[6].Sequence, Errno.EEXIST), Error(sent[2].Sequence, Errno.ESRCH)),
                Error(sent[0].Sequence - 5, Errno.EINVAL),
                Error(sent[^1].Sequence),
            });
            var results = connection.ExecuteBatch(Family, 1, Requests(8));
            Assert.Equal(Errno.ESRCH, results[2]!.Errno);
            Assert.Equal(Errno.EEXIST, results[6]!.Errno);
            Assert.Equal("request 6", results[6]!.Action);
            Assert.Equal(6, results.Count(r => r is null));
        }

        [Theory]
        [InlineData(212992, 104)]
        [InlineData(64 * 1024, 32)]
        [InlineData(8 * 1024 * 1024, 1024)]
        [InlineData(1000, 1)]
        public void BatchSendsNoMoreRequestsThanTheReceiveBufferCanReportRefusalsFor(int receiveBuffer, int perSend)
        {
            var (connection, kernel) = Connect(sent => sent.Select(r => (object)Error(r.Sequence, Errno.EEXIST)));
            kernel.ReceiveBufferBytes = receiveBuffer;
            var results = connection.ExecuteBatch(Family, 1, Requests(2500));
            Assert.All(results, r => Assert.Equal(Errno.EEXIST, r!.Errno));
            Assert.All(kernel.Sends.Take(kernel.Sends.Count - 1), send => Assert.Equal(perSend, send.Count));
            Assert.Equal(2500, kernel.Sends.Sum(send => send.Count));
        }

        [Fact]
        public void BatchWhoseRepliesWereDroppedKnowsEveryOutcomeBeforeTheLastReplyAndNoneAfter()
        {
            // 3 sends of 32: the second's refusals overflow the buffer after its 11th request.
            int sends = 0;
            var (connection, kernel) = Connect(sent =>
            {
                if (sends++ != 1)
                    return new object[] { Error(sent[4].Sequence, Errno.EEXIST), Error(sent[^1].Sequence) };
                return new object[] { new NetlinkException(EnoBufs, "dropped"), Datagram(Error(sent[3].Sequence, Errno.EEXIST), Error(sent[10].Sequence, Errno.EEXIST)) };
            });
            kernel.ReceiveBufferBytes = 64 * 1024;
            var error = Assert.Throws<NetlinkBatchException>(() => connection.ExecuteBatch(Family, 1, Requests(96)));
            Assert.Equal(EnoBufs, error.Errno);
            Assert.Equal(BatchOutcome.Refused, error.Outcomes[4]);
            Assert.Equal(BatchOutcome.Accepted, error.Outcomes[31]);
            Assert.Equal(BatchOutcome.Refused, error.Outcomes[32 + 3]);
            Assert.Equal(BatchOutcome.Accepted, error.Outcomes[32 + 4]);
            Assert.Equal(BatchOutcome.Refused, error.Outcomes[32 + 10]);
            Assert.All(Enumerable.Range(32 + 11, 21), i => Assert.Equal(BatchOutcome.Unknown, error.Outcomes[i]));
            Assert.All(Enumerable.Range(64, 32), i => Assert.Equal(BatchOutcome.NotSent, error.Outcomes[i]));
            Assert.Equal(2, kernel.Sends.Count);
            Assert.Equal(Errno.EEXIST, error.Results[32 + 10]!.Errno);
            Assert.Contains("21 of unknown outcome, 32 not sent", error.Message);
        }

        [Fact]
        public void BatchWithoutAnyReplyLeavesTheWholeSendUnknown()
        {
            var (connection, _) = Connect(_ => Array.Empty<object>());
            var error = Assert.Throws<NetlinkBatchException>(() => connection.ExecuteBatch(Family, 1, Requests(5)));
            Assert.Equal(Errno.ETIMEDOUT, error.Errno);
            Assert.All(error.Outcomes, o => Assert.Equal(BatchOutcome.Unknown, o));
            Assert.IsType<NetlinkTimeoutException>(error.InnerException);
        }

        [Fact]
        public void BatchWhoseSendTheKernelDidNotTakeKeepsWhatEarlierSendsDid()
        {
            var (connection, kernel) = Connect(sent => new object[] { Error(sent[0].Sequence, Errno.ESRCH), Error(sent[^1].Sequence) });
            kernel.ReceiveBufferBytes = 64 * 1024;
            kernel.FailSend = (1, new NetlinkException(90, "Message too long"));
            var error = Assert.Throws<NetlinkBatchException>(() => connection.ExecuteBatch(Family, 1, Requests(70)));
            Assert.Equal(90, error.Errno);
            Assert.Equal(BatchOutcome.Refused, error.Outcomes[0]);
            Assert.All(Enumerable.Range(1, 31), i => Assert.Equal(BatchOutcome.Accepted, error.Outcomes[i]));
            Assert.All(Enumerable.Range(32, 38), i => Assert.Equal(BatchOutcome.NotSent, error.Outcomes[i]));
        }
    }
}
