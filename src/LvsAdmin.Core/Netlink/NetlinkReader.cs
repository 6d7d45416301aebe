using System;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace LvsAdmin.Netlink
{
    /// <summary>One netlink message within a received datagram.</summary>
    public readonly ref struct NetlinkMessage
    {
        public NetlinkMessage(ushort type, ushort flags, uint sequence, ReadOnlySpan<byte> payload)
        {
            Type = type;
            Flags = flags;
            Sequence = sequence;
            Payload = payload;
        }

        public ushort Type { get; }
        public ushort Flags { get; }
        public uint Sequence { get; }
        public ReadOnlySpan<byte> Payload { get; }

        /// <summary>The attributes of a generic-netlink message (after its 4-byte genl header).</summary>
        public NetlinkAttributeEnumerator GenericAttributes
        {
            get
            {
                if (Payload.Length < NetlinkMessageWriter.GenericHeaderLength)
                    throw new NetlinkProtocolException($"A generic netlink message of {Payload.Length} bytes has no room for its header.");
                return new NetlinkAttributeEnumerator(Payload.Slice(NetlinkMessageWriter.GenericHeaderLength));
            }
        }

        public byte GenericCommand => Payload.Length > 0 ? Payload[0] : throw new NetlinkProtocolException("An empty generic netlink message has no command.");
    }

    /// <summary>Walks the netlink messages of one datagram, checking every length against what is there.</summary>
    public ref struct NetlinkMessageEnumerator
    {
        private ReadOnlySpan<byte> _rest;

        public NetlinkMessageEnumerator(ReadOnlySpan<byte> datagram)
        {
            _rest = datagram;
            Current = default;
        }

        public NetlinkMessage Current { get; private set; }

        public NetlinkMessageEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.IsEmpty)
                return false;
            if (_rest.Length < NetlinkMessageWriter.HeaderLength)
                throw new NetlinkProtocolException($"A netlink datagram ends with {_rest.Length} bytes, too few for a message header.");
            uint length = HostOrder.ReadUInt32(_rest);
            if (length < NetlinkMessageWriter.HeaderLength || length > _rest.Length)
                throw new NetlinkProtocolException($"A netlink message claims {length} bytes where {_rest.Length} remain.");
            Current = new NetlinkMessage(
                HostOrder.ReadUInt16(_rest.Slice(4)),
                HostOrder.ReadUInt16(_rest.Slice(6)),
                HostOrder.ReadUInt32(_rest.Slice(8)),
                _rest.Slice(NetlinkMessageWriter.HeaderLength, (int)length - NetlinkMessageWriter.HeaderLength));
            int aligned = Math.Min(NetlinkMessageWriter.Align((int)length), _rest.Length);
            _rest = _rest.Slice(aligned);
            return true;
        }
    }

    /// <summary>One attribute: its type (nested and byte-order flags removed) and its value.</summary>
    public readonly ref struct NetlinkAttribute
    {
        private const ushort TypeMask = 0x3fff;

        public NetlinkAttribute(ushort rawType, ReadOnlySpan<byte> value)
        {
            Type = (ushort)(rawType & TypeMask);
            Value = value;
        }

        public ushort Type { get; }
        public ReadOnlySpan<byte> Value { get; }

        public byte GetU8() => Fixed(1)[0];
        public ushort GetU16() => HostOrder.ReadUInt16(Fixed(2));
        public ushort GetU16BigEndian() => BinaryPrimitives.ReadUInt16BigEndian(Fixed(2));
        public uint GetU32() => HostOrder.ReadUInt32(Fixed(4));
        public ulong GetU64() => HostOrder.ReadUInt64(Fixed(8));

        /// <summary>A NUL-terminated string (the terminator is optional on read).</summary>
        public string GetString()
        {
            int end = Value.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? Value : Value.Slice(0, end));
        }

        /// <summary>An address from the kernel's 16-byte nf_inet_addr union.</summary>
        public IPAddress GetInetAddress(bool ipv6) => new IPAddress(Fixed(ipv6 ? 16 : 4).Slice(0, ipv6 ? 16 : 4));

        public NetlinkAttributeEnumerator Nested => new NetlinkAttributeEnumerator(Value);

        private ReadOnlySpan<byte> Fixed(int length)
        {
            if (Value.Length < length)
                throw new NetlinkProtocolException($"Netlink attribute {Type} has {Value.Length} bytes where {length} are needed.");
            return Value;
        }
    }

    /// <summary>Walks a run of attributes, checking every length against what is there.</summary>
    public ref struct NetlinkAttributeEnumerator
    {
        private ReadOnlySpan<byte> _rest;

        public NetlinkAttributeEnumerator(ReadOnlySpan<byte> attributes)
        {
            _rest = attributes;
            Current = default;
        }

        public NetlinkAttribute Current { get; private set; }

        public NetlinkAttributeEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_rest.IsEmpty)
                return false;
            if (_rest.Length < 4)
                throw new NetlinkProtocolException($"Netlink attributes end with {_rest.Length} bytes, too few for an attribute header.");
            ushort length = HostOrder.ReadUInt16(_rest);
            if (length < 4 || length > _rest.Length)
                throw new NetlinkProtocolException($"A netlink attribute claims {length} bytes where {_rest.Length} remain.");
            Current = new NetlinkAttribute(HostOrder.ReadUInt16(_rest.Slice(2)), _rest.Slice(4, length - 4));
            _rest = _rest.Slice(Math.Min(NetlinkMessageWriter.Align(length), _rest.Length));
            return true;
        }
    }
}
