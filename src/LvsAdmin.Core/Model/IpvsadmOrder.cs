using System;
using System.Buffers.Binary;
using System.Net;

namespace LvsAdmin
{
    /// <summary>
    /// The one order of listings and exports: ipvsadm's sort of services and real servers (libipvs
    /// ipvs_cmp_services and ipvs_cmp_dests), reproduced with its 32-bit wrap-around, so that cmdlets
    /// list and export in the order `ipvsadm -Ln` and `ipvsadm -Sn` show.
    /// </summary>
    public static class IpvsadmOrder
    {
        public static int Compare(LvsService x, LvsService y)
        {
            int result = unchecked((int)(x.FirewallMark - y.FirewallMark));
            if (result == 0) result = (int)x.AddressFamily - (int)y.AddressFamily;
            if (result == 0) result = (int)(x.Protocol ?? 0) - (int)(y.Protocol ?? 0);
            if (result == 0) result = CompareAddresses(x.Address, y.Address);
            if (result == 0) result = x.Port - y.Port;
            return result;
        }

        public static int Compare(LvsRealServer x, LvsRealServer y)
        {
            int result = CompareAddresses(x.Address, y.Address);
            return result != 0 ? result : x.Port - y.Port;
        }

        private static int CompareAddresses(IPAddress? x, IPAddress? y)
        {
            if (x is null || y is null)
                return 0;
            Span<byte> a = stackalloc byte[16];
            Span<byte> b = stackalloc byte[16];
            a.Clear();
            b.Clear();
            x.TryWriteBytes(a, out int lengthA);
            y.TryWriteBytes(b, out int lengthB);
            int words = Math.Max(lengthA, lengthB) / 4;
            for (int i = 0; i < words; i++)
            {
                int result = unchecked((int)(BinaryPrimitives.ReadUInt32BigEndian(a.Slice(i * 4)) - BinaryPrimitives.ReadUInt32BigEndian(b.Slice(i * 4))));
                if (result != 0)
                    return result;
            }
            return 0;
        }
    }
}
