using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;

namespace LvsAdmin.Ipvs
{
    /// <summary>
    /// The services /proc/net/ip_vs lists: the kernel's second view of the table. It pages by position
    /// among the namespace's own services, where a netlink dump before 7.1 resumes by position in a hash
    /// that all namespaces share; so a change in another namespace cannot make it skip or repeat one.
    /// </summary>
    public sealed class ProcServiceList
    {
        public const string Path = "/proc/thread-self/net/ip_vs";

        private readonly HashSet<LvsServiceKey> _addressKeys = new HashSet<LvsServiceKey>();
        private readonly Dictionary<uint, int> _marks = new Dictionary<uint, int>();

        private ProcServiceList() { }

        /// <summary>The keys of the services listed by address.</summary>
        public IReadOnlySet<LvsServiceKey> AddressKeys => _addressKeys;

        /// <summary>How many services each firewall mark has: a mark's line does not say its address family.</summary>
        public IReadOnlyDictionary<uint, int> Marks => _marks;

        public static ProcServiceList Read(TextReader reader)
        {
            var listing = new ProcServiceList();
            string? line;
            int number = 0;
            while ((line = reader.ReadLine()) is not null)
            {
                number++;
                // The version, the two column headings, and each service's real servers ("  -> ...").
                if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line.StartsWith("IP Virtual Server", StringComparison.Ordinal) || line.StartsWith("Prot ", StringComparison.Ordinal))
                    continue;
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2)
                    throw new FormatException($"{Path} line {number} is not a service: '{line}'");
                if (fields[0] == "FWM")
                {
                    if (fields[1].Length != 8 || !uint.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint mark))
                        throw new FormatException($"{Path} line {number} has '{fields[1]}' where a mark of eight hex digits belongs: '{line}'");
                    CountMark(listing._marks, mark);
                    continue;
                }
                listing._addressKeys.Add(ParseAddressKey(fields[0], fields[1], line, number));
            }
            return listing;
        }

        /// <summary>
        /// The services a dump (its keys, each once) and this listing disagree on, to be asked for by key: each
        /// address service in one but not the other, and both families of a mark counted differently.
        /// </summary>
        public HashSet<LvsServiceKey> Disagreements(IReadOnlyCollection<LvsServiceKey> dumped)
        {
            var questioned = new HashSet<LvsServiceKey>(_addressKeys);
            var dumpedMarks = new Dictionary<uint, int>();
            foreach (var key in dumped)
            {
                if (key.IsFirewallMark)
                    CountMark(dumpedMarks, key.FirewallMark);
                else if (!questioned.Remove(key))
                    questioned.Add(key);
            }
            foreach (uint mark in _marks.Keys.Union(dumpedMarks.Keys))
            {
                if (_marks.GetValueOrDefault(mark) != dumpedMarks.GetValueOrDefault(mark))
                {
                    questioned.Add(LvsServiceKey.ForFirewallMark(mark, AddressFamily.InterNetwork));
                    questioned.Add(LvsServiceKey.ForFirewallMark(mark, AddressFamily.InterNetworkV6));
                }
            }
            return questioned;
        }

        private static void CountMark(Dictionary<uint, int> marks, uint mark) => marks[mark] = marks.GetValueOrDefault(mark) + 1;

        private static LvsServiceKey ParseAddressKey(string protocolName, string endpoint, string line, int number)
        {
            LvsProtocol protocol = protocolName switch
            {
                "TCP" => LvsProtocol.Tcp,
                "UDP" => LvsProtocol.Udp,
                "SCTP" => LvsProtocol.Sctp,
                _ => throw new FormatException($"{Path} line {number} names a protocol IPVS does not balance: '{line}'"),
            };
            // IPv4 "0A000001:0050", IPv6 "[2001:0db8:...:0001]:0035".
            int colon = endpoint.LastIndexOf(':');
            try
            {
                var address = Addresses.ParseProcAddress(endpoint.Substring(0, Math.Max(colon, 0)).Trim('[', ']'));
                return LvsServiceKey.ForAddress(protocol, address, Addresses.ParseProcPort(endpoint.Substring(colon + 1)));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{Path} line {number} does not parse ({e.Message}): '{line}'", e);
            }
        }
    }
}
