using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LvsAdmin.Ipvs
{
    /// <summary>
    /// What /proc/net/ip_vs_status shows (kernels from 7.1, whose connection and service tables grow and
    /// shrink): the connections and services of the namespace, each table's buckets and load factor, and the
    /// longest chain of entries in one bucket (the kernel counts chains up to 7: 7 stands for 7 or more).
    /// </summary>
    public sealed record IpvsStatus(int Connections, int ConnectionBuckets, int ConnectionLoadFactor, int LongestConnectionChain,
        int Services, int ServiceBuckets, int ServiceLoadFactor, int LongestServiceChain)
    {
        public const string Path = "/proc/thread-self/net/ip_vs_status";

        private static readonly Regex Line = new(@"^(?<key>[^:\t]+):\t(?<value>.*)$", RegexOptions.CultureInvariant);
        private static readonly Regex Buckets = new(@"^(?<size>-?\d+) \((?<bits>-?\d+) bits, lfactor (?<lfactor>-?\d+)\)$", RegexOptions.CultureInvariant);
        private static readonly Regex Chain = new(@"^(?<table>Conn|Service) buckets len-(?<length>\d+)$", RegexOptions.CultureInvariant);

        /// <summary>Reads the file's text; throws <see cref="FormatException"/> naming what is missing or malformed.</summary>
        public static IpvsStatus Parse(string text)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            int longestConnectionChain = 0, longestServiceChain = 0;
            foreach (var raw in text.Split('\n'))
            {
                var match = Line.Match(raw.TrimEnd('\r'));
                if (!match.Success)
                    continue;
                string key = match.Groups["key"].Value;
                values[key] = match.Groups["value"].Value;
                var chain = Chain.Match(key);
                if (chain.Success)
                {
                    int length = int.Parse(chain.Groups["length"].Value, CultureInfo.InvariantCulture);
                    if (chain.Groups["table"].Value == "Conn")
                        longestConnectionChain = Math.Max(longestConnectionChain, length);
                    else
                        longestServiceChain = Math.Max(longestServiceChain, length);
                }
            }
            var (connectionBuckets, connectionLoadFactor) = TableOf(values, "Conn buckets");
            var (serviceBuckets, serviceLoadFactor) = TableOf(values, "Service buckets");
            return new IpvsStatus(Number(values, "Conns"), connectionBuckets, connectionLoadFactor, longestConnectionChain,
                Number(values, "Services"), serviceBuckets, serviceLoadFactor, longestServiceChain);
        }

        private static int Number(Dictionary<string, string> values, string key) =>
            values.TryGetValue(key, out var text) && int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number)
                ? number
                : throw new FormatException($"{Path} has no number for '{key}'.");

        private static (int Size, int LoadFactor) TableOf(Dictionary<string, string> values, string key)
        {
            var match = values.TryGetValue(key, out var text) ? Buckets.Match(text.Trim()) : Match.Empty;
            if (!match.Success)
                throw new FormatException($"{Path} has no '{key}: N (B bits, lfactor F)' line.");
            return (int.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["lfactor"].Value, CultureInfo.InvariantCulture));
        }
    }
}
