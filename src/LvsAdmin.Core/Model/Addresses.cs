using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin
{
    /// <summary>Addresses and endpoints as ipvsadm writes them: IPv6 in brackets when a port follows.</summary>
    public static class Addresses
    {
        public static AddressFamily FamilyOf(IPAddress address) => address.AddressFamily switch
        {
            AddressFamily.InterNetwork => AddressFamily.InterNetwork,
            AddressFamily.InterNetworkV6 => AddressFamily.InterNetworkV6,
            _ => throw new ArgumentException($"'{address}' is neither an IPv4 nor an IPv6 address."),
        };

        /// <summary>Drops an IPv6 scope id, which the kernel's tables do not keep.</summary>
        public static IPAddress Normalize(IPAddress address) =>
            address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;

        public static void CheckFamily(AddressFamily family)
        {
            if (family != AddressFamily.InterNetwork && family != AddressFamily.InterNetworkV6)
                throw new ArgumentException($"'{family}' is not an address family IPVS uses: use InterNetwork (IPv4) or InterNetworkV6 (IPv6).");
        }

        /// <summary>An address as /proc/net/ip_vs and ip_vs_conn write it: IPv4 as eight hex digits, IPv6 written out.</summary>
        public static IPAddress ParseProcAddress(string text)
        {
            if (text.Length == 8 && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint ipv4))
            {
                Span<byte> bytes = stackalloc byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, ipv4);
                return new IPAddress(bytes);
            }
            if (text.Contains(':') && IPAddress.TryParse(text, out var ipv6))
                return ipv6;
            throw new FormatException($"'{text}' is not an address");
        }

        /// <summary>A port as /proc/net/ip_vs and ip_vs_conn write it: four hex digits.</summary>
        public static ushort ParseProcPort(string text) =>
            text.Length == 4 && ushort.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort port)
                ? port
                : throw new FormatException($"'{text}' is not a port");

        public static string FormatEndpoint(IPAddress address, ushort port) =>
            address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

        /// <summary>Parses ADDRESS, ADDRESS:PORT, [IPV6] or [IPV6]:PORT; port is null when absent.</summary>
        public static bool TryParseEndpoint(ReadOnlySpan<char> text, out IPAddress? address, out ushort? port, out string error)
        {
            address = null;
            port = null;
            error = "";
            var host = text;
            var portText = ReadOnlySpan<char>.Empty;
            bool hasPort = false;
            if (text.StartsWith("["))
            {
                int close = text.IndexOf(']');
                if (close < 0)
                {
                    error = $"'{text.ToString()}' has an opening bracket without a closing one.";
                    return false;
                }
                host = text.Slice(1, close - 1);
                var rest = text.Slice(close + 1);
                if (rest.Length > 0)
                {
                    if (rest[0] != ':')
                    {
                        error = $"'{text.ToString()}' has '{rest.ToString()}' after its address where ':PORT' belongs.";
                        return false;
                    }
                    portText = rest.Slice(1);
                    hasPort = true;
                }
            }
            else
            {
                int colon = text.IndexOf(':');
                if (colon >= 0 && text.Slice(colon + 1).IndexOf(':') < 0)
                {
                    host = text.Slice(0, colon);
                    portText = text.Slice(colon + 1);
                    hasPort = true;
                }
            }
            // IPAddress also takes '10.1' and '10' as IPv4 addresses; ipvsadm and the kernel's tables mean four parts.
            if (!IPAddress.TryParse(host, out var parsed) || (parsed.AddressFamily != AddressFamily.InterNetwork && parsed.AddressFamily != AddressFamily.InterNetworkV6)
                || (parsed.AddressFamily == AddressFamily.InterNetwork && host.Count('.') != 3))
            {
                error = $"'{host.ToString()}' is not an IPv4 or IPv6 address.";
                return false;
            }
            if (hasPort)
            {
                if (!ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out ushort value))
                {
                    error = $"'{portText.ToString()}' is not a port: use a number from 0 to 65535.";
                    return false;
                }
                port = value;
            }
            address = Normalize(parsed);
            return true;
        }
    }
}
