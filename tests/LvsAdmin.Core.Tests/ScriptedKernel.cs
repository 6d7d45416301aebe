using System;
using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Netlink;

namespace LvsAdmin.Core.Tests
{
    /// <summary>One request as the connection sent it.</summary>
    public sealed record SentRequest(ushort Type, ushort Flags, uint Sequence, byte Command);

    /// <summary>
    /// A transport that plays the kernel from a script: each send is handed to <see cref="Answer"/>, which
    /// queues what the kernel would (datagrams, or a transport error at that point of the queue).
    /// </summary>
    public sealed class ScriptedKernel : INetlinkTransport
    {
        private readonly Queue<object> _queue = new Queue<object>();

        /// <summary>Called with each send's requests; returns what arrives for it, in order: byte[] datagrams or exceptions.</summary>
        public Func<IReadOnlyList<SentRequest>, IEnumerable<object>> Answer { get; set; } = _ => Array.Empty<object>();

        /// <summary>When set, the send with this index (from 0) throws it instead of reaching the kernel.</summary>
        public (int Send, Exception Error)? FailSend { get; set; }

        public List<IReadOnlyList<SentRequest>> Sends { get; } = new List<IReadOnlyList<SentRequest>>();

        public int SendBufferBytes { get; set; } = 4 * 1024 * 1024;

        public int ReceiveBufferBytes { get; set; } = 8 * 1024 * 1024;

        public TimeSpan Timeout => TimeSpan.FromSeconds(1);

        public bool Disposed { get; private set; }

        public void Send(ReadOnlySpan<byte> datagram)
        {
            var requests = new List<SentRequest>();
            foreach (var message in new NetlinkMessageEnumerator(datagram))
                requests.Add(new SentRequest(message.Type, message.Flags, message.Sequence, message.GenericCommand));
            if (FailSend is { } failure && failure.Send == Sends.Count)
            {
                Sends.Add(requests);
                throw failure.Error;
            }
            Sends.Add(requests);
            foreach (var item in Answer(requests))
                _queue.Enqueue(item);
        }

        public int ReceiveMany(Span<byte> buffer, Span<int> lengths, bool wait = true)
        {
            if (_queue.Count == 0)
                return wait ? throw new NetlinkTimeoutException("The scripted kernel has nothing more to say.") : 0;
            if (_queue.Peek() is Exception error)
            {
                _queue.Dequeue();
                throw error;
            }
            int capacity = buffer.Length / lengths.Length;
            int count = 0;
            while (count < lengths.Length && _queue.Count > 0 && _queue.Peek() is byte[] datagram)
            {
                _queue.Dequeue();
                datagram.AsSpan(0, Math.Min(datagram.Length, capacity)).CopyTo(buffer.Slice(count * capacity));
                lengths[count++] = datagram.Length;
            }
            return count;
        }

        public void Dispose() => Disposed = true;

        public const ushort Family = 0x30;

        /// <summary>An NLMSG_ERROR: an acknowledgement for errno 0, else a refusal; capped, as NETLINK_CAP_ACK asks.</summary>
        public static byte[] Error(uint sequence, int errno = 0)
        {
            var payload = new byte[4 + NetlinkMessageWriter.HeaderLength];
            BitConverter.GetBytes(-errno).CopyTo(payload, 0);
            BitConverter.GetBytes(sequence).CopyTo(payload, 4 + 8);
            return Message(2, 0x100, sequence, payload);
        }

        /// <summary>NLMSG_DONE, carrying the dump's error code (0 when it ended well).</summary>
        public static byte[] Done(uint sequence, int errno = 0) => Message(3, GenericNetlinkConnection.Multi, sequence, BitConverter.GetBytes(-errno));

        /// <summary>One dump entry of <see cref="Family"/>: a generic message whose one attribute (type 1) is the value.</summary>
        public static byte[] Entry(uint sequence, uint value, ushort flags = GenericNetlinkConnection.Multi)
        {
            var writer = new NetlinkMessageWriter();
            writer.BeginGenericMessage(Family, 1, 1, flags, sequence);
            writer.PutU32(1, value);
            writer.EndMessage();
            return writer.WrittenSpan.ToArray();
        }

        /// <summary>Reads back what <see cref="Entry"/> wrote.</summary>
        public static uint ValueOf(NetlinkMessage message)
        {
            foreach (var attribute in message.GenericAttributes)
                return attribute.GetU32();
            throw new InvalidOperationException("An entry without its value.");
        }

        /// <summary>Several messages in one datagram.</summary>
        public static byte[] Datagram(params byte[][] messages) => messages.SelectMany(m => m).ToArray();

        private static byte[] Message(ushort type, ushort flags, uint sequence, byte[] payload)
        {
            var message = new byte[NetlinkMessageWriter.HeaderLength + NetlinkMessageWriter.Align(payload.Length)];
            BitConverter.GetBytes((uint)(NetlinkMessageWriter.HeaderLength + payload.Length)).CopyTo(message, 0);
            BitConverter.GetBytes(type).CopyTo(message, 4);
            BitConverter.GetBytes(flags).CopyTo(message, 6);
            BitConverter.GetBytes(sequence).CopyTo(message, 8);
            payload.CopyTo(message, NetlinkMessageWriter.HeaderLength);
            return message;
        }
    }
}
