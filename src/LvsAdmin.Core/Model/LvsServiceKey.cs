using System;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin
{
    /// <summary>
    /// What identifies a virtual service to the kernel: protocol, address and port, or a firewall mark
    /// and an address family. Its text is the one `ipvsadm -Ln` shows: TCP 10.0.0.1:80,
    /// UDP [2001:db8::1]:53, FWM 5, FWM 5 IPv6.
    /// </summary>
    public sealed class LvsServiceKey : IEquatable<LvsServiceKey>
    {
        private string? _text;

        private LvsServiceKey(AddressFamily addressFamily, LvsProtocol? protocol, IPAddress? address, ushort port, uint firewallMark)
        {
            AddressFamily = addressFamily;
            Protocol = protocol;
            Address = address;
            Port = port;
            FirewallMark = firewallMark;
        }

        public AddressFamily AddressFamily { get; }
        public LvsProtocol? Protocol { get; }
        public IPAddress? Address { get; }
        public ushort Port { get; }
        public uint FirewallMark { get; }
        public bool IsFirewallMark => FirewallMark != 0;

        public static LvsServiceKey ForAddress(LvsProtocol protocol, IPAddress address, ushort port)
        {
            if (address is null)
                throw new ArgumentNullException(nameof(address));
            if (!Enum.IsDefined(typeof(LvsProtocol), protocol))
                throw new ArgumentException($"'{protocol}' is not a protocol IPVS balances: use Tcp, Udp or Sctp.", nameof(protocol));
            return new LvsServiceKey(Addresses.FamilyOf(address), protocol, Addresses.Normalize(address), port, 0);
        }

        public static LvsServiceKey ForFirewallMark(uint firewallMark, AddressFamily addressFamily = AddressFamily.InterNetwork)
        {
            if (firewallMark == 0)
                throw new ArgumentException("A firewall mark service needs a mark from 1 to 4294967295.", nameof(firewallMark));
            Addresses.CheckFamily(addressFamily);
            return new LvsServiceKey(addressFamily, null, null, 0, firewallMark);
        }

        /// <summary>Parses key text; the protocol word is case-insensitive and spacing is free.</summary>
        public static LvsServiceKey Parse(string text)
        {
            if (TryParse(text, out var key, out var error))
                return key!;
            throw new FormatException(error);
        }

        public static bool TryParse(string? text, out LvsServiceKey? key, out string error)
        {
            key = null;
            error = "";
            var words = (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string usage = $"'{text}' is not a virtual service: write it as ipvsadm -Ln shows it, such as 'TCP 10.0.0.1:80', 'UDP [2001:db8::1]:53', 'FWM 5' or 'FWM 5 IPv6'.";
            if (words.Length < 2)
            {
                error = usage;
                return false;
            }
            string kind = words[0].ToUpperInvariant();
            if (kind == "FWM")
            {
                if (words.Length > 3 || !uint.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) || mark == 0)
                {
                    error = words.Length > 3 ? usage : $"'{words[1]}' is not a firewall mark: use a number from 1 to 4294967295.";
                    return false;
                }
                var family = AddressFamily.InterNetwork;
                if (words.Length == 3)
                {
                    if (!words[2].Equals("IPv6", StringComparison.OrdinalIgnoreCase) && !words[2].Equals("IPv4", StringComparison.OrdinalIgnoreCase))
                    {
                        error = $"'{words[2]}' is not an address family: a firewall mark service is 'FWM {mark}' (IPv4) or 'FWM {mark} IPv6'.";
                        return false;
                    }
                    family = words[2].Equals("IPv6", StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                }
                key = ForFirewallMark(mark, family);
                return true;
            }
            LvsProtocol protocol;
            switch (kind)
            {
                case "TCP": protocol = LvsProtocol.Tcp; break;
                case "UDP": protocol = LvsProtocol.Udp; break;
                case "SCTP": protocol = LvsProtocol.Sctp; break;
                default:
                    error = usage;
                    return false;
            }
            if (words.Length != 2)
            {
                error = usage;
                return false;
            }
            if (!Addresses.TryParseEndpoint(words[1], out var address, out var port, out error))
                return false;
            if (port is null)
            {
                error = $"'{words[1]}' has no port: write the service as '{kind} {words[1]}:PORT'.";
                return false;
            }
            key = ForAddress(protocol, address!, port.Value);
            return true;
        }

        public override string ToString() => _text ??= IsFirewallMark
            ? AddressFamily == AddressFamily.InterNetworkV6 ? $"FWM {FirewallMark} IPv6" : $"FWM {FirewallMark}"
            : $"{Protocol!.Value.ToString().ToUpperInvariant()} {Addresses.FormatEndpoint(Address!, Port)}";

        public bool Equals(LvsServiceKey? other) =>
            other is not null && AddressFamily == other.AddressFamily && Protocol == other.Protocol &&
            Port == other.Port && FirewallMark == other.FirewallMark && Equals(Address, other.Address);

        public override bool Equals(object? obj) => Equals(obj as LvsServiceKey);

        public override int GetHashCode() => HashCode.Combine(AddressFamily, Protocol, Address, Port, FirewallMark);
    }
}
