using System;
using System.Runtime.InteropServices;

namespace LvsAdmin.Netlink
{
    /// <summary>
    /// Netlink's own fields (headers, attribute lengths, integer attributes) are in the host's byte order:
    /// every read and write of them goes through here. Ports and addresses are in network order instead.
    /// </summary>
    internal static class HostOrder
    {
        public static ushort ReadUInt16(ReadOnlySpan<byte> source) => MemoryMarshal.Read<ushort>(source);
        public static uint ReadUInt32(ReadOnlySpan<byte> source) => MemoryMarshal.Read<uint>(source);
        public static int ReadInt32(ReadOnlySpan<byte> source) => MemoryMarshal.Read<int>(source);
        public static ulong ReadUInt64(ReadOnlySpan<byte> source) => MemoryMarshal.Read<ulong>(source);
        public static void WriteUInt16(Span<byte> destination, ushort value) => MemoryMarshal.Write(destination, in value);
        public static void WriteUInt32(Span<byte> destination, uint value) => MemoryMarshal.Write(destination, in value);
    }
}
