using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace LvsAdmin.Ipvs
{
    /// <summary>
    /// The services /proc/net/ip_vs lists: the kernel's second view of the table. It pages by position
    /// among the namespace's own services, where a netlink dump before 7.1 resumes by position in a hash
    /// that all namespaces share; so a change in another namespace cannot make it skip or repeat one.
    /// </summary>
    public static class ProcServiceList
    {
        public const string Path = "/proc/thread-self/net/ip_vs";

        /// <summary>
        /// The keys of the services listed. A firewall-mark line does not say its address family: its mark
        /// is counted in <paramref name="marks"/> (one per line) instead.
        /// </summary>
        public static HashSet<LvsServiceKey> Read(TextReader reader, Dictionary<uint, int> marks)
        {
            var keys = new HashSet<LvsServiceKey>();
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
                    marks[mark] = marks.TryGetValue(mark, out int count) ? count + 1 : 1;
                    continue;
                }
                keys.Add(ParseAddressKey(fields[0], fields[1], line, number));
            }
            return keys;
        }

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
