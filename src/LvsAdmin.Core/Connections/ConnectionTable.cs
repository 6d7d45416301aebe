using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Connections
{
    /// <summary>
    /// Reads the connection table, which IPVS does not give over netlink: /proc/net/ip_vs_conn of the
    /// chosen network namespace, a line at a time, so that a large table streams.
    /// </summary>
    public static class ConnectionTable
    {
        private const string Header = "Pro FromIP";

        /// <summary>Opens the table of a namespace (by name or path) or of the caller's own.</summary>
        public static TextReader Open(string? networkNamespace = null)
        {
            string? path = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            // The file shows the table of the namespace it was opened in; an open file keeps it.
            return NetworkNamespace.Run(path, () =>
            {
                const string table = "/proc/thread-self/net/ip_vs_conn";
                if (!File.Exists(table))
                    throw new IpvsUnavailableException("The kernel has no IP Virtual Server: /proc/net/ip_vs_conn does not exist. Load it with 'modprobe ip_vs' (as root).");
                return (TextReader)new StreamReader(new FileStream(table, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024));
            });
        }

        public static IEnumerable<LvsConnection> Read(TextReader reader)
        {
            int number = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                number++;
                if (line.Length == 0 || line.StartsWith(Header, StringComparison.Ordinal))
                    continue;
                yield return ParseLine(line, number);
            }
        }

        /// <summary>
        /// One row: "TCP 0A630102 8A3E 0A630901 0050 0A631502 0050 TIME_WAIT 119" with IPv4 addresses in
        /// hex, or IPv6 ones written out in full; then, for a persistence engine, its name and data.
        /// </summary>
        public static LvsConnection ParseLine(string line, int lineNumber)
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9)
                throw new FormatException($"Connection table line {lineNumber} has {fields.Length} fields where at least 9 belong: '{line}'");
            try
            {
                return new LvsConnection
                {
                    Protocol = fields[0],
                    ClientAddress = Addresses.ParseProcAddress(fields[1]),
                    ClientPort = Addresses.ParseProcPort(fields[2]),
                    VirtualAddress = Addresses.ParseProcAddress(fields[3]),
                    VirtualPort = Addresses.ParseProcPort(fields[4]),
                    RealServerAddress = Addresses.ParseProcAddress(fields[5]),
                    RealServerPort = Addresses.ParseProcPort(fields[6]),
                    State = fields[7],
                    Expires = uint.Parse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture),
                    PersistenceEngine = fields.Length > 9 ? fields[9] : null,
                    PersistenceData = fields.Length > 10 ? string.Join(" ", fields, 10, fields.Length - 10) : null,
                };
            }
            catch (FormatException e)
            {
                throw new FormatException($"Connection table line {lineNumber} does not parse ({e.Message}): '{line}'", e);
            }
            catch (OverflowException e)
            {
                throw new FormatException($"Connection table line {lineNumber} has a number out of range: '{line}'", e);
            }
        }
    }
}
