using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin
{
    /// <summary>The service flag bits, the scheduler flag names ipvsadm uses, and persistence masks.</summary>
    public static class ServiceFlags
    {
        public const uint Persistent = 0x1;
        public const uint OnePacket = 0x4;
        public const uint Scheduler1 = 0x8;
        public const uint Scheduler2 = 0x10;
        public const uint Scheduler3 = 0x20;

        /// <summary>The bits a service's settings stand for (HASHED, 0x2, is the kernel's own).</summary>
        public const uint Settable = Persistent | OnePacket | Scheduler1 | Scheduler2 | Scheduler3;

        private static readonly uint[] SchedulerBits = { Scheduler1, Scheduler2, Scheduler3 };

        /// <summary>Every flag name ipvsadm's -b accepts.</summary>
        public static readonly string[] SchedulerFlagNames = { "sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3" };

        /// <summary>The names of the scheduler bits set in flags, as ipvsadm names them for this scheduler.</summary>
        public static string[] NamesOf(uint flags, string scheduler)
        {
            if ((flags & (Scheduler1 | Scheduler2 | Scheduler3)) == 0)
                return Array.Empty<string>();
            var names = new List<string>();
            for (int i = 0; i < SchedulerBits.Length; i++)
            {
                if ((flags & SchedulerBits[i]) != 0)
                    names.Add(NameOf(i + 1, scheduler));
            }
            return names.ToArray();
        }

        /// <summary>The bits of flag names; throws naming the first that is unknown or belongs to another scheduler.</summary>
        public static uint BitsOf(IEnumerable<string> names, string scheduler)
        {
            uint bits = 0;
            foreach (string raw in names)
            {
                string name = raw.Trim().ToLowerInvariant();
                int index = Array.IndexOf(SchedulerFlagNames, name);
                if (index < 0)
                    throw new ArgumentException($"'{raw}' is not a scheduler flag: use {string.Join(", ", SchedulerFlagNames)}.");
                string owner = name.StartsWith("sh-", StringComparison.Ordinal) ? "sh" : name.StartsWith("mh-", StringComparison.Ordinal) ? "mh" : "";
                if (owner.Length > 0 && !owner.Equals(scheduler, StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException($"The scheduler flag '{name}' belongs to the {owner} scheduler, not to {scheduler}.");
                int bit = name.StartsWith("flag-", StringComparison.Ordinal) ? name[5] - '1' : name.EndsWith("-fallback", StringComparison.Ordinal) ? 0 : 1;
                bits |= SchedulerBits[bit];
            }
            return bits;
        }

        private static string NameOf(int number, string scheduler) =>
            (scheduler == "sh" || scheduler == "mh") && number <= 2
                ? $"{scheduler}-{(number == 1 ? "fallback" : "port")}"
                : $"flag-{number}";

        public static string DefaultMask(AddressFamily family) =>
            family == AddressFamily.InterNetworkV6 ? "128" : "255.255.255.255";

        /// <summary>The kernel's NETMASK value of a mask text: an IPv4 mask in network order, or an IPv6 prefix length.</summary>
        public static uint EncodeMask(string mask, AddressFamily family)
        {
            if (family == AddressFamily.InterNetworkV6)
            {
                if (uint.TryParse(mask, NumberStyles.None, CultureInfo.InvariantCulture, out uint prefix) && prefix >= 1 && prefix <= 128)
                    return prefix;
                throw new ArgumentException($"'{mask}' is not an IPv6 persistence mask: give a prefix length from 1 to 128.");
            }
            if (mask == DefaultMask(family))
                return uint.MaxValue;
            if (mask.AsSpan().Count('.') == 3 && IPAddress.TryParse(mask, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
            {
                // The mask's bytes in network order, as the kernel keeps them in its u32.
                return Netlink.HostOrder.ReadUInt32(address.GetAddressBytes());
            }
            throw new ArgumentException($"'{mask}' is not an IPv4 persistence mask: give a dotted mask such as 255.255.255.0.");
        }

        public static string DecodeMask(uint value, AddressFamily family) =>
            family == AddressFamily.InterNetworkV6
                ? value.ToString(CultureInfo.InvariantCulture)
                : value == uint.MaxValue ? DefaultMask(family) : new IPAddress(value).ToString();
    }
}
