using System;
using System.Buffers.Binary;
using System.Collections.Generic;
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
        /// <summary>Sorts services as ipvsadm lists them.</summary>
        public static void Sort(List<LvsService> services) => MergeSort(services, Compare);

        /// <summary>Sorts a service's real servers as ipvsadm lists them.</summary>
        public static void Sort(List<LvsRealServer> servers) => MergeSort(servers, Compare);

        /// <summary>
        /// The algorithm of glibc's qsort, which ipvsadm calls: a top-down merge sort that takes from the
        /// left run on ties. ipvsadm's comparison is not a total order (its subtractions wrap), so only
        /// the same algorithm on the kernel's same dump order gives ipvsadm's order.
        /// </summary>
        internal static void MergeSort<T>(List<T> items, Comparison<T> compare)
        {
            if (items.Count < 2)
                return;
            var values = items.ToArray();
            MergeSort(values, new T[values.Length], 0, values.Length, compare);
            for (int i = 0; i < values.Length; i++)
                items[i] = values[i];
        }

        private static void MergeSort<T>(T[] values, T[] scratch, int start, int count, Comparison<T> compare)
        {
            if (count <= 1)
                return;
            int leftCount = count / 2;
            int right = start + leftCount;
            int rightCount = count - leftCount;
            MergeSort(values, scratch, start, leftCount, compare);
            MergeSort(values, scratch, right, rightCount, compare);
            int left = start, written = 0;
            while (leftCount > 0 && rightCount > 0)
            {
                if (compare(values[left], values[right]) <= 0)
                {
                    scratch[written++] = values[left++];
                    leftCount--;
                }
                else
                {
                    scratch[written++] = values[right++];
                    rightCount--;
                }
            }
            // What is left of the left run goes after the merged part; the right run's rest is in place.
            Array.Copy(values, left, values, start + written, leftCount);
            Array.Copy(scratch, 0, values, start, written);
        }

        private static int Compare(LvsService x, LvsService y)
        {
            int result = unchecked((int)(x.FirewallMark - y.FirewallMark));
            if (result == 0) result = (int)x.AddressFamily - (int)y.AddressFamily;
            if (result == 0) result = (int)(x.Protocol ?? 0) - (int)(y.Protocol ?? 0);
            if (result == 0) result = CompareAddresses(x.Address, y.Address);
            if (result == 0) result = x.Port - y.Port;
            return result;
        }

        private static int Compare(LvsRealServer x, LvsRealServer y)
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
