using System;

namespace LvsAdmin
{
    /// <summary>A stable order for listings: IPv4 before IPv6, address services before marks, then protocol, address, port.</summary>
    public static class ServiceOrder
    {
        public static int Compare(LvsService x, LvsService y)
        {
            int result = ((int)x.AddressFamily).CompareTo((int)y.AddressFamily);
            if (result == 0) result = x.FirewallMark.CompareTo(y.FirewallMark);
            if (result == 0) result = ((int)(x.Protocol ?? 0)).CompareTo((int)(y.Protocol ?? 0));
            if (result == 0) result = CompareAddresses(x.Address, y.Address);
            if (result == 0) result = x.Port.CompareTo(y.Port);
            return result;
        }

        public static int Compare(LvsRealServer x, LvsRealServer y)
        {
            int result = CompareAddresses(x.Address, y.Address);
            return result != 0 ? result : x.Port.CompareTo(y.Port);
        }

        private static int CompareAddresses(System.Net.IPAddress? x, System.Net.IPAddress? y)
        {
            if (x is null || y is null)
                return (x is null).CompareTo(y is null) * -1;
            var a = x.GetAddressBytes();
            var b = y.GetAddressBytes();
            int result = a.Length.CompareTo(b.Length);
            return result != 0 ? result : a.AsSpan().SequenceCompareTo(b);
        }
    }
}
