using System;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LvsAdmin.Netlink
{
    /// <summary>
    /// Writes netlink messages and their attributes into one growing buffer, so that many requests
    /// can leave in a single sendmsg.
    /// </summary>
    public sealed class NetlinkMessageWriter
    {
        public const int HeaderLength = 16;
        public const int GenericHeaderLength = 4;
        private const int AttributeHeaderLength = 4;
        private const ushort NestedFlag = 0x8000;

        private byte[] _buffer;
        private int _length;
        private int _messageStart = -1;

        public NetlinkMessageWriter(int initialCapacity = 4096)
        {
            _buffer = new byte[initialCapacity];
        }

        public int Length => _length;

        public int MessageCount { get; private set; }

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

        public void Reset()
        {
            _length = 0;
            _messageStart = -1;
            MessageCount = 0;
        }

        /// <summary>Starts a generic-netlink message: the netlink header and the genl header.</summary>
        public void BeginGenericMessage(ushort family, byte command, byte version, ushort flags, uint sequence)
        {
            if (_messageStart >= 0)
                throw new InvalidOperationException("The previous message was not ended.");
            _messageStart = _length;
            var header = Reserve(HeaderLength + GenericHeaderLength);
            HostOrder.WriteUInt16(header.Slice(4), family);
            HostOrder.WriteUInt16(header.Slice(6), flags);
            HostOrder.WriteUInt32(header.Slice(8), sequence);
            header[16] = command;
            header[17] = version;
        }

        /// <summary>Writes the final length of the current message.</summary>
        public void EndMessage()
        {
            if (_messageStart < 0)
                throw new InvalidOperationException("No message was begun.");
            HostOrder.WriteUInt32(_buffer.AsSpan(_messageStart), (uint)(_length - _messageStart));
            _messageStart = -1;
            MessageCount++;
        }

        /// <summary>Adds header flags to the ended message that began at start.</summary>
        public void AddFlags(int start, ushort flags)
        {
            var field = _buffer.AsSpan(start + 6, 2);
            HostOrder.WriteUInt16(field, (ushort)(HostOrder.ReadUInt16(field) | flags));
        }

        /// <summary>Removes the last ended message, which began at start.</summary>
        public void RemoveLastMessage(int start)
        {
            if (_messageStart >= 0 || MessageCount == 0 || start < 0 || start > _length)
                throw new InvalidOperationException("There is no ended message to remove.");
            _length = start;
            MessageCount--;
        }

        public void PutU8(ushort type, byte value) => Reserve(type, 1)[0] = value;

        public void PutU16(ushort type, ushort value) => HostOrder.WriteUInt16(Reserve(type, 2), value);

        public void PutU16BigEndian(ushort type, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(type, 2), value);

        public void PutU32(ushort type, uint value) => HostOrder.WriteUInt32(Reserve(type, 4), value);

        /// <summary>A struct of two u32s, such as IPVS's service flags and the mask of the bits they set.</summary>
        public void PutU32Pair(ushort type, uint first, uint second)
        {
            var value = Reserve(type, 8);
            HostOrder.WriteUInt32(value, first);
            HostOrder.WriteUInt32(value.Slice(4), second);
        }


        public void PutBytes(ushort type, ReadOnlySpan<byte> value) => value.CopyTo(Reserve(type, value.Length));

        /// <summary>An address in the kernel's 16-byte nf_inet_addr union: IPv4 in the first four bytes.</summary>
        public void PutInetAddress(ushort type, IPAddress address)
        {
            var value = Reserve(type, 16);
            value.Clear();
            if (!address.TryWriteBytes(value, out _))
                throw new ArgumentException($"The address {address} cannot be written.", nameof(address));
        }

        public void PutString(ushort type, string value)
        {
            var target = Reserve(type, Encoding.UTF8.GetByteCount(value) + 1);
            int written = Encoding.UTF8.GetBytes(value, target);
            target[written] = 0;
        }

        /// <summary>Opens a nested attribute (flagged NLA_F_NESTED); pass the returned mark to <see cref="EndNested"/>.</summary>
        public int BeginNested(ushort type)
        {
            int start = _length;
            var header = Reserve(AttributeHeaderLength);
            HostOrder.WriteUInt16(header.Slice(2), (ushort)(type | NestedFlag));
            return start;
        }

        public void EndNested(int mark) =>
            HostOrder.WriteUInt16(_buffer.AsSpan(mark), (ushort)(_length - mark));

        private Span<byte> Reserve(ushort type, int valueLength)
        {
            var attribute = Reserve(AttributeHeaderLength + valueLength);
            HostOrder.WriteUInt16(attribute, (ushort)(AttributeHeaderLength + valueLength));
            HostOrder.WriteUInt16(attribute.Slice(2), type);
            return attribute.Slice(AttributeHeaderLength, valueLength);
        }

        /// <summary>Reserves length bytes (zeroed, padding to four included) and returns them.</summary>
        private Span<byte> Reserve(int length)
        {
            int aligned = Align(length);
            if (_length + aligned > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + aligned));
            var span = _buffer.AsSpan(_length, aligned);
            span.Clear();
            _length += aligned;
            return span.Slice(0, length);
        }

        public static int Align(int length) => (length + 3) & ~3;
    }
}
