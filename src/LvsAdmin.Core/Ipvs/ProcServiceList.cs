using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Sockets;

namespace LvsAdmin.Ipvs
{
    /// <summary>
    /// The services /proc/net/ip_vs lists: the kernel's second view of the table. Each read() of it is a
    /// walk of its own: the services whose line began in one read form one <see cref="WalkStretch"/>. A
    /// read resumes by counting this namespace's services but walks on through every namespace's (before
    /// 7.1 they share one table), so where other namespaces have services it skips some of ours; a stretch
    /// still sees every service of ours between its first and last.
    /// </summary>
    public sealed class ProcServiceList
    {
        public const string Path = "/proc/thread-self/net/ip_vs";
        private const int ReadBytes = 64 * 1024;

        private readonly HashSet<LvsServiceKey> _addressKeys = new HashSet<LvsServiceKey>();
        private readonly Dictionary<uint, int> _marks = new Dictionary<uint, int>();
        private readonly List<WalkStretch> _stretches = new List<WalkStretch>();

        private ProcServiceList() { }

        /// <summary>The keys of the services listed by address.</summary>
        public IReadOnlySet<LvsServiceKey> AddressKeys => _addressKeys;

        /// <summary>How many services each firewall mark has: a mark's line does not say its address family.</summary>
        public IReadOnlyDictionary<uint, int> Marks => _marks;

        /// <summary>The services of each read, in the order the kernel walked them.</summary>
        public IReadOnlyList<WalkStretch> Stretches => _stretches;

        /// <summary>
        /// Reads the listing with raw reads: the first of firstReadBytes (less than a page moves where the
        /// kernel's walks begin and end), the others of more than the kernel fills at a time. The last read
        /// went on to the end of the walk when the kernel could have fitted the longest record seen after it
        /// in its page.
        /// </summary>
        public static ProcServiceList Read(Stream stream, int firstReadBytes = ReadBytes)
        {
            var listing = new ProcServiceList();
            var buffer = new byte[ReadBytes];
            var line = new List<byte>();
            var stretch = new List<LvsServiceKey>();
            int lineRead = 0, stretchRead = 0, number = 0, reads = 0, record = 0, longestRecord = 0, lastReadBytes = 0;
            while (true)
            {
                int read = stream.Read(buffer, 0, reads == 0 ? Math.Min(firstReadBytes, ReadBytes) : ReadBytes);
                if (read == 0)
                    break;
                for (int i = 0; i < read; i++)
                {
                    if (line.Count == 0)
                        lineRead = reads;
                    if (buffer[i] != (byte)'\n')
                    {
                        line.Add(buffer[i]);
                        continue;
                    }
                    string text = System.Text.Encoding.ASCII.GetString(line.ToArray());
                    number++;
                    if (listing.AddService(text, number) is LvsServiceKey key)
                    {
                        if (lineRead != stretchRead && stretch.Count > 0)
                            listing.EndStretch(stretch, toEnd: false);
                        stretchRead = lineRead;
                        stretch.Add(key);
                        longestRecord = Math.Max(longestRecord, record);
                        record = 0;
                    }
                    record += line.Count + 1;
                    line.Clear();
                }
                lastReadBytes = read;
                reads++;
            }
            if (line.Count > 0)
                throw new FormatException($"{Path} ends in the middle of line {number + 1}: '{System.Text.Encoding.ASCII.GetString(line.ToArray())}'");
            longestRecord = Math.Max(longestRecord, record);
            if (stretch.Count > 0)
                listing.EndStretch(stretch, toEnd: lastReadBytes + longestRecord <= Environment.SystemPageSize);
            return listing;
        }

        private void EndStretch(List<LvsServiceKey> services, bool toEnd)
        {
            _stretches.Add(new WalkStretch(services, fromStart: _stretches.Count == 0, toEnd));
            services.Clear();
        }

        /// <summary>The service a line names, counted; null for the headings and real-server lines.</summary>
        private LvsServiceKey? AddService(string line, int number)
        {
            // The version, the two column headings, and each service's real servers ("  -> ...").
            if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line.StartsWith("IP Virtual Server", StringComparison.Ordinal) || line.StartsWith("Prot ", StringComparison.Ordinal))
                return null;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
                throw new FormatException($"{Path} line {number} is not a service: '{line}'");
            if (fields[0] == "FWM")
            {
                if (fields[1].Length != 8 || !uint.TryParse(fields[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint mark))
                    throw new FormatException($"{Path} line {number} has '{fields[1]}' where a mark of eight hex digits belongs: '{line}'");
                CountMark(_marks, mark);
                return LvsServiceKey.ForFirewallMark(mark);
            }
            var key = ParseAddressKey(fields[0], fields[1], line, number);
            _addressKeys.Add(key);
            return key;
        }

        /// <summary>
        /// The services this listing has and a dump (its keys, each once) may have skipped, to be asked for
        /// by key: each address service the dump lacks, and both families of a mark listed more often here.
        /// </summary>
        public HashSet<LvsServiceKey> MissingFrom(IReadOnlyCollection<LvsServiceKey> dumped)
        {
            var missing = new HashSet<LvsServiceKey>(_addressKeys);
            var dumpedMarks = new Dictionary<uint, int>();
            foreach (var key in dumped)
            {
                if (key.IsFirewallMark)
                    CountMark(dumpedMarks, key.FirewallMark);
                else
                    missing.Remove(key);
            }
            foreach (var (mark, count) in _marks)
            {
                if (count > dumpedMarks.GetValueOrDefault(mark))
                {
                    missing.Add(LvsServiceKey.ForFirewallMark(mark, AddressFamily.InterNetwork));
                    missing.Add(LvsServiceKey.ForFirewallMark(mark, AddressFamily.InterNetworkV6));
                }
            }
            return missing;
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
