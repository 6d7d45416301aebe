using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace LvsAdmin.Netlink
{
    /// <summary>Decodes one reply message of a request or dump into a value.</summary>
    public delegate T NetlinkDecoder<T>(NetlinkMessage message);

    /// <summary>Writes one request (its attributes) into a message that the connection has begun.</summary>
    public delegate void NetlinkRequestWriter(NetlinkMessageWriter writer);

    /// <summary>
    /// Request and reply over a generic-netlink socket: sequence numbers matched, acknowledgements
    /// and kernel errors read, dumps read to their end (and repeated when the kernel says they were
    /// interrupted), and many requests sent in one sendmsg.
    /// </summary>
    public sealed class GenericNetlinkConnection : IDisposable
    {
        public const ushort Request = 0x1;
        public const ushort Multi = 0x2;
        public const ushort Ack = 0x4;
        public const ushort Dump = 0x300;
        private const ushort DumpInterrupted = 0x10;
        private const ushort AckCapped = 0x100;
        private const ushort AckTlvs = 0x200;
        private const ushort MessageError = 2;
        private const ushort MessageDone = 3;
        private const ushort MessageOverrun = 4;
        private const ushort ControlFamilyId = 16;
        private const byte ControlGetFamily = 3;
        private const ushort ControlAttributeFamilyId = 1;
        private const ushort ControlAttributeFamilyName = 2;
        private const ushort ExtAckMessage = 1;
        private const int MaxDumpRepeats = 5;
        private const int MaxRequestsPerSend = 1024;
        // What one refusal takes of the receive buffer: the kernel counts the socket buffer an NLMSG_ERROR of
        // 36 bytes lives in (771 bytes, measured on 6.1 by Transport.Tests), not its bytes; room is left
        // for an extended-ack text.
        internal const int RefusalBufferBytes = 2048;

        private readonly INetlinkTransport _transport;
        private readonly NetlinkMessageWriter _writer = new NetlinkMessageWriter(64 * 1024);
        // A dump part is at most 32 KiB (the kernel's cap); other replies are smaller.
        private const int DatagramCapacity = 64 * 1024;
        private const int DatagramsPerReceive = 16;

        // A megabyte: rented, not allocated, since every cmdlet call opens a session.
        private readonly byte[] _receiveBuffer = ArrayPool<byte>.Shared.Rent(DatagramCapacity * DatagramsPerReceive);
        private readonly int[] _datagramLengths = new int[DatagramsPerReceive];
        private uint _sequence;
        private bool _disposed;

        public GenericNetlinkConnection(INetlinkTransport transport)
        {
            _transport = transport;
            _sequence = (uint)Environment.TickCount;
        }

        /// <summary>Called with a short description of every request before it is sent.</summary>
        public Action<string>? Trace { get; set; }

        /// <summary>The family id of a generic-netlink family, or null when the kernel has no such family.</summary>
        public ushort? ResolveFamily(string name)
        {
            try
            {
                var replies = Execute(ControlFamilyId, ControlGetFamily, 1, 0, $"resolve the generic netlink family {name}",
                    writer => writer.PutString(ControlAttributeFamilyName, name), DecodeFamilyId);
                return replies.Count > 0 ? replies[0] : throw new NetlinkProtocolException($"The kernel resolved the family {name} without giving its id.");
            }
            catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
            {
                return null;
            }
        }

        /// <summary>Sends one request and waits for its acknowledgement; returns the replies decoded.</summary>
        public List<T> Execute<T>(ushort family, byte command, byte version, ushort flags, string description,
            NetlinkRequestWriter write, NetlinkDecoder<T>? decode)
        {
            uint sequence = Begin(family, command, version, (ushort)(Request | Ack | flags), write);
            Trace?.Invoke(description);
            _transport.Send(_writer.WrittenSpan);
            var replies = new List<T>();
            bool acknowledged = false;
            while (!acknowledged)
            {
                int datagrams = Receive();
                for (int d = 0; d < datagrams; d++)
                {
                    foreach (var message in new NetlinkMessageEnumerator(Datagram(d)))
                    {
                        if (message.Sequence != sequence)
                            continue;
                        if (message.Type == MessageError)
                        {
                            ThrowIfError(message, description);
                            acknowledged = true;
                        }
                        else if (message.Type == family && decode is not null)
                        {
                            replies.Add(decode(message));
                        }
                    }
                }
            }
            return replies;
        }

        /// <summary>
        /// Sends a request the kernel may leave unanswered, and in the same datagram a fence: a request it
        /// always answers. Netlink sends no acknowledgement when a request's handler returns -EINTR (which
        /// IPVS's sync-daemon stop does when the daemon's thread had not yet run, though it stops it) and the
        /// kernel handles a datagram's requests in order, before sendmsg returns: the fence's answer with none
        /// before it means the request was not acknowledged. Returns whether it was; throws the error it had.
        /// </summary>
        public bool ExecuteFenced(ushort family, byte command, byte version, string description, NetlinkRequestWriter write, byte fenceCommand)
        {
            uint sequence = Begin(family, command, version, Request | Ack, write);
            uint fence = ++_sequence;
            _writer.BeginGenericMessage(family, fenceCommand, version, Request | Ack, fence);
            _writer.EndMessage();
            Trace?.Invoke(description);
            _transport.Send(_writer.WrittenSpan);
            bool acknowledged = false;
            while (true)
            {
                int datagrams = Receive();
                for (int d = 0; d < datagrams; d++)
                {
                    foreach (var message in new NetlinkMessageEnumerator(Datagram(d)))
                    {
                        if (message.Type != MessageError)
                            continue;
                        if (message.Sequence == sequence)
                        {
                            ThrowIfError(message, description);
                            acknowledged = true;
                        }
                        else if (message.Sequence == fence)
                        {
                            ThrowIfError(message, description);
                            return acknowledged;
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Reads a whole dump; repeats it when the kernel reports it interrupted or a reply was lost. Parts
        /// are the datagrams that carried its entries, in order: the kernel fills each under its lock, so a
        /// part is a consistent view of a stretch of the table, while the next may have resumed at a shifted
        /// position.
        /// </summary>
        public List<T> DumpAll<T>(ushort family, byte command, byte version, string description,
            NetlinkRequestWriter write, NetlinkDecoder<T> decode, out List<DumpPart> parts)
        {
            var items = new List<T>();
            for (int attempt = 1; ; attempt++)
            {
                items.Clear();
                uint sequence = Begin(family, command, version, Request | Dump | Ack, write);
                Trace?.Invoke(description);
                _transport.Send(_writer.WrittenSpan);
                bool consistent = ReadDump(sequence, family, description, items, decode, out parts);
                if (consistent)
                    return items;
                if (attempt == MaxDumpRepeats)
                    throw new NetlinkException(Errno.EAGAIN, $"Could not {description}: the table kept changing during {MaxDumpRepeats} dumps");
            }
        }

        /// <summary>
        /// Sends many requests, as few sendmsg calls as the buffers allow. Only the last request of each
        /// send asks for an acknowledgement: the kernel handles the requests in order and answers a failed
        /// one with an error whether asked or not, so that acknowledgement closes the send. Returns, in
        /// order, null for each request the kernel accepted and the error for each it refused. When the
        /// transport fails part-way (replies lost, no answer, a send not taken), throws
        /// <see cref="NetlinkBatchException"/> with the outcome of every request: what is known is kept.
        /// </summary>
        public NetlinkException?[] ExecuteBatch(ushort family, byte version, IReadOnlyList<BatchRequest> requests)
        {
            var results = new NetlinkException?[requests.Count];
            int next = 0;
            int sendLimit = Math.Max(_transport.SendBufferBytes / 2, 16 * 1024);
            int requestLimit = RequestsPerSend(_transport.ReceiveBufferBytes);
            while (next < requests.Count)
            {
                _writer.Reset();
                uint firstSequence = _sequence + 1;
                int first = next;
                int lastStart = 0;
                while (next < requests.Count && _writer.MessageCount < requestLimit)
                {
                    int before = _writer.Length;
                    var request = requests[next];
                    _writer.BeginGenericMessage(family, request.Command, version, Request, ++_sequence);
                    request.Write(_writer);
                    _writer.EndMessage();
                    if (_writer.Length > sendLimit && _writer.MessageCount > 1)
                    {
                        // Keep this one for the next send: the datagram must fit the socket's send buffer.
                        _sequence--;
                        _writer.RemoveLastMessage(before);
                        break;
                    }
                    lastStart = before;
                    next++;
                }
                _writer.AddFlags(lastStart, Ack);
                Trace?.Invoke($"send {next - first} requests in one message");
                try
                {
                    _transport.Send(_writer.WrittenSpan);
                }
                catch (Exception e) when (e is NetlinkException or NetlinkTimeoutException)
                {
                    throw NetlinkBatchException.Interrupted(e, results, first, first);
                }
                if (ReadErrors(firstSequence, first, next - first, requests, results) is var (cause, firstUnknown))
                    throw NetlinkBatchException.Interrupted(cause, results, firstUnknown, next);
            }
            return results;
        }

        /// <summary>
        /// How many requests one send may carry so that, were the kernel to refuse them all, every refusal
        /// fits in the receive buffer until read: a refusal the buffer cannot take is dropped unreported.
        /// </summary>
        internal static int RequestsPerSend(int receiveBufferBytes) => Math.Clamp(receiveBufferBytes / RefusalBufferBytes, 1, MaxRequestsPerSend);

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _transport.Dispose();
            ArrayPool<byte>.Shared.Return(_receiveBuffer);
        }

        /// <summary>
        /// Reads the refusals of one send up to the acknowledgement of its last request. Returns null then;
        /// else the transport error and the first request whose outcome it left unknown. The kernel handles
        /// a send's requests in order before sendmsg returns, and nothing is read meanwhile, so the receive
        /// buffer only fills: when it overflows, what was dropped is every reply after the last one queued.
        /// </summary>
        private (Exception Cause, int FirstUnknown)? ReadErrors(uint firstSequence, int firstIndex, int count, IReadOnlyList<BatchRequest> requests, NetlinkException?[] results)
        {
            uint lastOffset = (uint)count - 1;
            int lastAnswered = firstIndex - 1;
            NetlinkException? overrun = null;
            while (true)
            {
                int datagrams;
                try
                {
                    // After an overrun, read what was queued without waiting for replies that were dropped.
                    datagrams = Receive(wait: overrun is null);
                }
                catch (NetlinkException e) when (e.Errno == Errno.ENOBUFS && overrun is null)
                {
                    overrun = e;
                    continue;
                }
                catch (NetlinkTimeoutException e)
                {
                    return (e, lastAnswered + 1);
                }
                if (datagrams == 0)
                    return (overrun!, lastAnswered + 1);
                for (int d = 0; d < datagrams; d++)
                {
                    foreach (var message in new NetlinkMessageEnumerator(Datagram(d)))
                    {
                        uint offset = message.Sequence - firstSequence;
                        if (message.Type != MessageError || offset > lastOffset)
                            continue;
                        int index = firstIndex + (int)offset;
                        results[index] = ReadError(message, requests[index].Describe());
                        lastAnswered = index;
                        if (offset == lastOffset)
                            return null;
                    }
                }
            }
        }

        private bool ReadDump<T>(uint sequence, ushort family, string description, List<T> items, NetlinkDecoder<T> decode, out List<DumpPart> parts)
        {
            bool consistent = true;
            parts = new List<DumpPart>();
            while (true)
            {
                int datagrams;
                try
                {
                    datagrams = Receive();
                }
                catch (NetlinkException e) when (e.Errno == Errno.ENOBUFS)
                {
                    // A reply was dropped: what arrives of this dump is incomplete; read it to its end and repeat.
                    consistent = false;
                    continue;
                }
                for (int d = 0; d < datagrams; d++)
                {
                    int entries = 0;
                    foreach (var message in new NetlinkMessageEnumerator(Datagram(d)))
                    {
                        if (message.Sequence != sequence)
                            continue;
                        if (message.Type == family)
                            entries++;
                        if ((message.Flags & DumpInterrupted) != 0)
                            consistent = false;
                        switch (message.Type)
                        {
                            case MessageDone:
                                // NLMSG_DONE carries the dump's own error code: a dump that failed part-way says so here.
                                if (message.Payload.Length >= 4 && HostOrder.ReadInt32(message.Payload) is int code && code < 0)
                                    throw new NetlinkException(-code, $"Could not {description}: {Errno.Describe(-code)}", null, description);
                                AddPart(parts, entries, d);
                                return consistent;
                            case MessageError:
                                ThrowIfError(message, description);
                                AddPart(parts, entries, d);
                                return consistent;
                            case MessageOverrun:
                                consistent = false;
                                break;
                            default:
                                if (message.Type == family && consistent)
                                    items.Add(decode(message));
                                break;
                        }
                    }
                    AddPart(parts, entries, d);
                }
            }
        }

        private void AddPart(List<DumpPart> parts, int entries, int datagram)
        {
            if (entries > 0)
                parts.Add(new DumpPart(entries, _datagramLengths[datagram]));
        }

        private int Receive(bool wait = true)
        {
            int count = _transport.ReceiveMany(_receiveBuffer, _datagramLengths, wait);
            for (int i = 0; i < count; i++)
            {
                if (_datagramLengths[i] > DatagramCapacity)
                    throw new NetlinkProtocolException($"The kernel sent a netlink datagram of {_datagramLengths[i]} bytes, larger than the {DatagramCapacity} bytes received at a time.");
            }
            return count;
        }

        private ReadOnlySpan<byte> Datagram(int index) => _receiveBuffer.AsSpan(index * DatagramCapacity, _datagramLengths[index]);

        private uint Begin(ushort family, byte command, byte version, ushort flags, NetlinkRequestWriter write)
        {
            _writer.Reset();
            uint sequence = ++_sequence;
            _writer.BeginGenericMessage(family, command, version, flags, sequence);
            write(_writer);
            _writer.EndMessage();
            return sequence;
        }

        private static void ThrowIfError(NetlinkMessage message, string description)
        {
            var error = ReadError(message, description);
            if (error is not null)
                throw error;
        }

        /// <summary>Reads an NLMSG_ERROR message: null for an acknowledgement, else the error with the kernel's text.</summary>
        internal static NetlinkException? ReadError(NetlinkMessage message, string description)
        {
            var payload = message.Payload;
            if (payload.Length < 4)
                throw new NetlinkProtocolException($"A netlink error message of {payload.Length} bytes has no error code.");
            int code = HostOrder.ReadInt32(payload);
            if (code == 0)
                return null;
            string? kernelText = null;
            if ((message.Flags & AckTlvs) != 0 && payload.Length >= 4 + NetlinkMessageWriter.HeaderLength)
            {
                uint echoed = (message.Flags & AckCapped) != 0
                    ? NetlinkMessageWriter.HeaderLength
                    : HostOrder.ReadUInt32(payload.Slice(4));
                int tlvStart = echoed <= payload.Length - 4 ? 4 + NetlinkMessageWriter.Align((int)echoed) : int.MaxValue;
                if (tlvStart <= payload.Length)
                {
                    foreach (var attribute in new NetlinkAttributeEnumerator(payload.Slice(tlvStart)))
                    {
                        if (attribute.Type == ExtAckMessage)
                            kernelText = attribute.GetString();
                    }
                }
            }
            int errno = -code;
            return new NetlinkException(errno, $"Could not {description}: {Errno.Describe(errno)}", kernelText, description);
        }

        private static ushort DecodeFamilyId(NetlinkMessage message)
        {
            foreach (var attribute in message.GenericAttributes)
            {
                if (attribute.Type == ControlAttributeFamilyId)
                    return attribute.GetU16();
            }
            throw new NetlinkProtocolException("The kernel's family description has no family id.");
        }
    }

    /// <summary>One request of a batch: its command, how to write its attributes, and what it does (said only for errors).</summary>
    public sealed class BatchRequest
    {
        public BatchRequest(byte command, NetlinkRequestWriter write, Func<string> describe)
        {
            Command = command;
            Write = write;
            Describe = describe;
        }

        public byte Command { get; }
        public NetlinkRequestWriter Write { get; }
        public Func<string> Describe { get; }
    }
}
