using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Settings
{
    /// <summary>
    /// The IPVS sysctls (net.ipv4.vs.*) of a network namespace, read and written under
    /// /proc/sys/net/ipv4/vs by a thread inside that namespace: the kernel shows each namespace its own.
    /// </summary>
    public static class IpvsSettings
    {
        public const string Folder = "/proc/sys/net/ipv4/vs";

        private enum Kind { Integer, Switch, PowerOfTwo, Long, Threshold, Text }

        /// <summary>A setting's type, range and description; Since: the kernel version that brought it, where that is newer than 6.1.</summary>
        private sealed record Definition(Kind Kind, long Minimum, long Maximum, string Description, string? Since = null);

        private static Definition Switch(string description) => new(Kind.Switch, 0, 1, "0 or 1: " + description);

        private static Definition Range(long minimum, long maximum, string description) => new(Kind.Integer, minimum, maximum, $"{minimum} to {maximum}: {description}");

        private static Definition AtLeast(long minimum, string description) => new(Kind.Integer, minimum, int.MaxValue, description);

        // What Documentation/networking/ipvs-sysctl.rst and ip_vs_ctl.c say of each, with the values the kernel takes.
        private static readonly Dictionary<string, Definition> Known = new(StringComparer.Ordinal)
        {
            ["amemthresh"] = AtLeast(0, "free memory, in pages, below which the automatic defense strategies (drop_entry, drop_packet, secure_tcp at 1) switch on. Default 1024."),
            ["am_droprate"] = AtLeast(0, "drop_packet in mode 3 drops one packet in this many. Default 10."),
            ["backup_only"] = Switch("a director whose backup sync daemon runs stops balancing traffic itself, against loops with direct routing and tunnels. Default 0."),
            ["cache_bypass"] = Switch("with no real server available, packets go straight to their destination (through a route) instead of being dropped. Default 0."),
            ["conn_lfactor"] = Range(-8, 8, "the connection hash table's load factor, as a power of two (connections per bucket = 2^value): the table grows and shrinks with the connections; a lower value makes it larger, with fewer collisions. Default -4.") with { Since = "7.1" },
            ["conn_max"] = AtLeast(0, "the most connections this namespace may have; an unprivileged namespace's own administrator can lower it, or raise it up to the limit the namespace was created with. Default: the platform's limit at first, the first namespace's value in new ones.") with { Since = "7.2" },
            ["conn_reuse_mode"] = Range(0, 3, "what a new connection that reuses a client port gets: 1 schedules it afresh when that is safe (its server removed, TIME_WAIT with NAT), 2 also from FIN_WAIT (direct routing), 0 keeps the old server. Default 1."),
            ["conntrack"] = Switch("keep netfilter connection-tracking entries for IPVS connections, as iptables state matches and NAT of IPVS traffic need. Default 0."),
            ["debug_level"] = Range(0, 12, "how much IPVS logs to the kernel log (kernels built with CONFIG_IP_VS_DEBUG); read-only outside the initial namespace."),
            ["drop_entry"] = Range(0, 3, "defense against connection-table floods by dropping entries at random: 0 off, 1 and 2 automatic (below amemthresh), 3 always. Default 0."),
            ["drop_packet"] = Range(0, 3, "defense by dropping 1 in am_droprate new packets: 0 off, 1 and 2 automatic (below amemthresh), 3 always. Default 0."),
            ["est_cpulist"] = new(Kind.Text, 0, 0, "the CPUs that run the statistics estimation threads, a list such as 0-3,8."),
            ["est_nice"] = Range(-20, 19, "the nice value of the statistics estimation threads. Default 0."),
            ["expire_nodest_conn"] = Switch("a packet for a connection whose real server was removed expires the connection at once, instead of being dropped until the connection times out. Default 0."),
            ["expire_quiescent_template"] = Switch("persistence templates of a real server at weight 0 expire, so that persistent clients leave a drained server. Default 0."),
            ["ignore_tunneled"] = Switch("packets that arrived through a tunnel (ipip, gre) go to the local stack instead of being balanced. Default 0."),
            ["lblc_expiration"] = AtLeast(0, "seconds the lblc scheduler keeps an idle entry of its destination table. Default 86400."),
            ["lblcr_expiration"] = AtLeast(0, "seconds the lblcr scheduler keeps an idle entry of its destination table. Default 86400."),
            ["nat_icmp_send"] = Switch("send ICMP destination-unreachable errors for packets from real servers (NAT) that belong to no connection. Default 0."),
            ["pmtu_disc"] = Switch("with 1, packets too big for a tunnel with DF set are refused with ICMP fragmentation-needed; with 0 they are fragmented. Default 1."),
            ["run_estimation"] = Switch("compute the per-second rates of the statistics (ConnectionsPerSecond, ...); 0 saves CPU on large tables. Default 1."),
            ["schedule_icmp"] = Switch("ICMP packets that belong to no connection (such as errors for a firewall-mark service) are scheduled to a real server instead of dropped. Default 0."),
            ["secure_tcp"] = Range(0, 3, "a stricter TCP state table with shorter timeouts against SYN floods: 0 off, 1 and 2 automatic (below amemthresh), 3 always. Default 0."),
            ["sloppy_sctp"] = Switch("create connections from any SCTP packet, not only INIT, so that a standby director can take over associations. Default 0."),
            ["sloppy_tcp"] = Switch("create connections from any TCP packet, not only SYN, so that a standby director can take over connections. Default 0."),
            ["snat_reroute"] = Switch("route the replies of NAT connections again after their source address is rewritten (for policy routing on the virtual address). Default 1."),
            ["sync_persist_mode"] = Switch("for persistent services, sync only the persistence templates, not every connection, to cut sync traffic. Default 0."),
            ["svc_lfactor"] = Range(-8, 8, "the service hash table's load factor, as a power of two (services per bucket = 2^value): the table grows and shrinks between 16 and 2^20 buckets with the services. Default -3.") with { Since = "7.1" },
            ["sync_ports"] = new(Kind.PowerOfTwo, 1, 65536, "a power of two: the threads and UDP ports (port, port+1, ...) the master sync daemon sends with. Default 1."),
            ["sync_qlen_max"] = new(Kind.Long, 1, long.MaxValue, "the most sync messages queued for sending; beyond it new ones are dropped. Default: a share of memory."),
            ["sync_refresh_period"] = AtLeast(0, "seconds after which an unchanged connection's state is synced again; 0 syncs by sync_threshold instead. Default 0."),
            ["sync_retries"] = Range(0, 3, "how often a sync message is sent again (with sync_refresh_period). Default 0."),
            ["sync_sock_size"] = AtLeast(0, "the send and receive buffer size, in bytes, of the sync sockets; 0 leaves the system's. Default 0."),
            ["sync_threshold"] = new(Kind.Threshold, 0, int.MaxValue, "two numbers, threshold and period: a connection is synced when it has received threshold packets, and again every period packets (threshold below period, or period 0). Default 3 50."),
            ["sync_version"] = Switch("the sync message format: 1 (kernels since 2.6.39), or 0 for older backups. Default 1."),
        };

        /// <summary>The kernel version that brought a setting LvsAdmin knows, where that is newer than 6.1; otherwise null.</summary>
        public static string? Since(string name) => Known.TryGetValue(name, out var definition) ? definition.Since : null;

        /// <summary>Every IPVS setting the namespace's kernel has, by name.</summary>
        public static List<LvsSetting> Read(string? networkNamespace)
        {
            string? path = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            return NetworkNamespace.Run(path, () =>
            {
                if (!Directory.Exists(Folder))
                    throw new IpvsUnavailableException($"The kernel shows no IPVS settings ({Folder} does not exist): load IPVS with 'modprobe ip_vs' (as root).");
                return Directory.EnumerateFiles(Folder)
                    .Select(file => ReadFile(file))
                    .OrderBy(setting => setting.Name, StringComparer.Ordinal)
                    .ToList();
            });
        }

        /// <summary>
        /// Writes a setting after checking the value, and returns it as the kernel then has it. The setting
        /// must exist (see <see cref="Read"/>). Throws <see cref="LvsArgumentException"/> for a value out of
        /// range, or one the kernel refused or silently kept its old value for.
        /// </summary>
        public static LvsSetting Write(string? networkNamespace, string name, object? value)
        {
            string text = ToKernelText(name, value);
            string? path = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            return NetworkNamespace.Run(path, () =>
            {
                string file = Path.Combine(Folder, name);
                try
                {
                    File.WriteAllText(file, text + "\n");
                }
                catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
                {
                    throw new LvsArgumentException("SettingRejected", $"The kernel refused {text} for {name}: {e.Message}");
                }
                var written = ReadFile(file);
                // Some handlers (sync_threshold, sync_ports, the defense modes) keep the old value without an error.
                if (Known.TryGetValue(name, out var definition) && definition.Kind != Kind.Text && FormatValue(written.Value) != text)
                    throw new LvsArgumentException("SettingRejected", $"The kernel kept {FormatValue(written.Value)} for {name} instead of {text}.");
                return written;
            });
        }

        /// <summary>The value as the kernel reads it, after checking its type and range: what Write would send.</summary>
        public static string ToKernelText(string name, object? value)
        {
            if (value is null)
                throw new LvsArgumentException("InvalidSettingValue", $"Give a value for {name}.");
            // A setting of a newer kernel: its own handler checks the value.
            if (!Known.TryGetValue(name, out var definition) || definition.Kind == Kind.Text)
                return Describe(value).Trim();
            if (definition.Kind == Kind.Threshold)
            {
                var numbers = Numbers(value).ToList();
                if (numbers.Count != 2 || numbers.Any(n => n is null || n < 0 || n > int.MaxValue))
                    throw Invalid(name, Describe(value), definition);
                if (numbers[1] != 0 && numbers[0] >= numbers[1])
                    throw Invalid(name, Describe(value), definition);
                return $"{numbers[0]} {numbers[1]}";
            }
            var single = Numbers(value).ToList();
            if (single.Count != 1 || single[0] is not long number || number < definition.Minimum || number > definition.Maximum
                || (definition.Kind == Kind.PowerOfTwo && (number & (number - 1)) != 0))
                throw Invalid(name, Describe(value), definition);
            return number.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>A value as sysctl shows it: numbers separated by a space.</summary>
        public static string FormatValue(object? value) => value switch
        {
            null => "",
            int[] pair => string.Join(" ", pair),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        private static LvsSetting ReadFile(string file)
        {
            string name = Path.GetFileName(file);
            string text = File.ReadAllText(file).Trim();
            bool readOnly = (File.GetUnixFileMode(file) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
            var definition = Known.GetValueOrDefault(name);
            return new LvsSetting
            {
                Name = name,
                Value = Typed(definition?.Kind, text),
                Description = definition?.Description ?? "(a setting this version of LvsAdmin does not describe)",
                ReadOnly = readOnly,
            };
        }

        private static object Typed(Kind? kind, string text)
        {
            var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            switch (kind)
            {
                case Kind.Threshold when fields.Length == 2 && int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int threshold)
                                         && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int period):
                    return new[] { threshold, period };
                case Kind.Text:
                    return text;
            }
            if (kind != Kind.Long && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int small))
                return small;
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long large))
                return large;
            return text;
        }

        /// <summary>The numbers in a value: a number, a switch, text such as "3 50" or "3,50", or a list.</summary>
        private static IEnumerable<long?> Numbers(object value)
        {
            switch (value)
            {
                case bool flag:
                    yield return flag ? 1 : 0;
                    break;
                case string text:
                    foreach (string field in text.Split(new[] { ' ', '\t', ',' }, StringSplitOptions.RemoveEmptyEntries))
                        yield return long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
                    break;
                case IEnumerable list:
                    foreach (object? item in list)
                        yield return item is null or IEnumerable ? null : Numbers(item).SingleOrDefault();
                    break;
                case IConvertible number when number is not char:
                    long? converted;
                    try
                    {
                        double asDouble = number.ToDouble(CultureInfo.InvariantCulture);
                        converted = asDouble == Math.Floor(asDouble) && asDouble >= long.MinValue && asDouble <= long.MaxValue ? number.ToInt64(CultureInfo.InvariantCulture) : null;
                    }
                    catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                    {
                        converted = null;
                    }
                    yield return converted;
                    break;
                default:
                    yield return null;
                    break;
            }
        }

        private static string Describe(object value) => value is IEnumerable list and not string
            ? string.Join(" ", list.Cast<object?>().Select(item => Convert.ToString(item, CultureInfo.InvariantCulture)))
            : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

        private static LvsArgumentException Invalid(string name, string value, Definition definition) =>
            new("InvalidSettingValue", $"'{value}' is not a valid value for {name}: {definition.Description}");
    }
}
