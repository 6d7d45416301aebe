using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace LvsAdmin.Rules
{
    /// <summary>
    /// Reads the rule lines of ipvsadm -R (and so of ipvsadm -S): short and long options, an optional
    /// leading 'ipvsadm', comments and blank lines. Addresses must be numeric, as -S -n writes them;
    /// ports may also be service names from /etc/services.
    /// </summary>
    public static class RuleParser
    {
        private enum Option
        {
            AddService, EditService, DeleteService, Clear, AddServer, EditServer, DeleteServer, Zero, Set, StartDaemon, StopDaemon,
            TcpService, UdpService, SctpService, FwmarkService, Scheduler, Persistent, Netmask, PersistenceEngine, SchedulerFlags, OnePacket,
            RealServer, Gatewaying, Ipip, Masquerading, Weight, UpperThreshold, LowerThreshold, IPv6,
            TunnelType, TunnelPort, TunnelNoChecksum, TunnelChecksum, TunnelRemoteChecksum,
            McastInterface, SyncId, SyncMaxLength, McastGroup, McastPort, McastTtl, Numeric,
        }

        private static readonly Dictionary<string, Option> ShortOptions = new Dictionary<string, Option>(StringComparer.Ordinal)
        {
            ["-A"] = Option.AddService, ["-E"] = Option.EditService, ["-D"] = Option.DeleteService, ["-C"] = Option.Clear,
            ["-a"] = Option.AddServer, ["-e"] = Option.EditServer, ["-d"] = Option.DeleteServer, ["-Z"] = Option.Zero,
            ["-t"] = Option.TcpService, ["-u"] = Option.UdpService, ["-f"] = Option.FwmarkService,
            ["-s"] = Option.Scheduler, ["-p"] = Option.Persistent, ["-M"] = Option.Netmask, ["-b"] = Option.SchedulerFlags, ["-o"] = Option.OnePacket,
            ["-r"] = Option.RealServer, ["-g"] = Option.Gatewaying, ["-i"] = Option.Ipip, ["-m"] = Option.Masquerading,
            ["-w"] = Option.Weight, ["-x"] = Option.UpperThreshold, ["-y"] = Option.LowerThreshold, ["-6"] = Option.IPv6, ["-n"] = Option.Numeric,
        };

        private static readonly Dictionary<string, Option> LongOptions = new Dictionary<string, Option>(StringComparer.Ordinal)
        {
            ["--add-service"] = Option.AddService, ["--edit-service"] = Option.EditService, ["--delete-service"] = Option.DeleteService,
            ["--clear"] = Option.Clear, ["--add-server"] = Option.AddServer, ["--edit-server"] = Option.EditServer,
            ["--delete-server"] = Option.DeleteServer, ["--zero"] = Option.Zero, ["--set"] = Option.Set,
            ["--start-daemon"] = Option.StartDaemon, ["--stop-daemon"] = Option.StopDaemon,
            ["--tcp-service"] = Option.TcpService, ["--udp-service"] = Option.UdpService, ["--sctp-service"] = Option.SctpService,
            ["--fwmark-service"] = Option.FwmarkService, ["--scheduler"] = Option.Scheduler, ["--persistent"] = Option.Persistent,
            ["--netmask"] = Option.Netmask, ["--pe"] = Option.PersistenceEngine, ["--sched-flags"] = Option.SchedulerFlags, ["--ops"] = Option.OnePacket,
            ["--real-server"] = Option.RealServer, ["--gatewaying"] = Option.Gatewaying, ["--ipip"] = Option.Ipip,
            ["--masquerading"] = Option.Masquerading, ["--weight"] = Option.Weight, ["--u-threshold"] = Option.UpperThreshold,
            ["--l-threshold"] = Option.LowerThreshold, ["--ipv6"] = Option.IPv6, ["--tun-type"] = Option.TunnelType,
            ["--tun-port"] = Option.TunnelPort, ["--tun-nocsum"] = Option.TunnelNoChecksum, ["--tun-csum"] = Option.TunnelChecksum,
            ["--tun-remcsum"] = Option.TunnelRemoteChecksum, ["--mcast-interface"] = Option.McastInterface, ["--syncid"] = Option.SyncId,
            ["--sync-maxlen"] = Option.SyncMaxLength, ["--mcast-group"] = Option.McastGroup, ["--mcast-port"] = Option.McastPort,
            ["--mcast-ttl"] = Option.McastTtl, ["--numeric"] = Option.Numeric,
        };

        private static readonly HashSet<Option> Commands = new HashSet<Option>
        {
            Option.AddService, Option.EditService, Option.DeleteService, Option.Clear, Option.AddServer, Option.EditServer,
            Option.DeleteServer, Option.Zero, Option.Set, Option.StartDaemon, Option.StopDaemon,
        };

        private static readonly HashSet<Option> NoValue = new HashSet<Option>
        {
            Option.AddService, Option.EditService, Option.DeleteService, Option.Clear, Option.AddServer, Option.EditServer,
            Option.DeleteServer, Option.Zero, Option.OnePacket, Option.Gatewaying, Option.Ipip, Option.Masquerading, Option.IPv6,
            Option.TunnelNoChecksum, Option.TunnelChecksum, Option.TunnelRemoteChecksum, Option.Numeric,
        };

        private static readonly HashSet<Option> ServiceOptions = new HashSet<Option> { Option.TcpService, Option.UdpService, Option.SctpService, Option.FwmarkService };
        private static readonly HashSet<Option> ServiceSettings = new HashSet<Option> { Option.Scheduler, Option.Persistent, Option.Netmask, Option.PersistenceEngine, Option.SchedulerFlags, Option.OnePacket };
        private static readonly HashSet<Option> ServerSettings = new HashSet<Option>
        {
            Option.Gatewaying, Option.Ipip, Option.Masquerading, Option.Weight, Option.UpperThreshold, Option.LowerThreshold,
            Option.TunnelType, Option.TunnelPort, Option.TunnelNoChecksum, Option.TunnelChecksum, Option.TunnelRemoteChecksum,
        };
        private static readonly HashSet<Option> DaemonSettings = new HashSet<Option> { Option.McastInterface, Option.SyncId, Option.SyncMaxLength, Option.McastGroup, Option.McastPort, Option.McastTtl };

        /// <summary>The options each command takes (besides itself and -n).</summary>
        private static readonly Dictionary<RuleCommand, HashSet<Option>> AllowedOptions = new Dictionary<RuleCommand, HashSet<Option>>
        {
            [RuleCommand.AddService] = Allow(Option.AddService, ServiceOptions, ServiceSettings, Option.IPv6),
            [RuleCommand.EditService] = Allow(Option.EditService, ServiceOptions, ServiceSettings, Option.IPv6),
            [RuleCommand.DeleteService] = Allow(Option.DeleteService, ServiceOptions, Option.IPv6),
            [RuleCommand.Zero] = Allow(Option.Zero, ServiceOptions, Option.IPv6),
            [RuleCommand.AddRealServer] = Allow(Option.AddServer, ServiceOptions, ServerSettings, Option.IPv6, Option.RealServer),
            [RuleCommand.EditRealServer] = Allow(Option.EditServer, ServiceOptions, ServerSettings, Option.IPv6, Option.RealServer),
            [RuleCommand.DeleteRealServer] = Allow(Option.DeleteServer, ServiceOptions, Option.IPv6, Option.RealServer),
            [RuleCommand.Clear] = Allow(Option.Clear),
            [RuleCommand.SetTimeouts] = Allow(Option.Set),
            [RuleCommand.StartDaemon] = Allow(Option.StartDaemon, DaemonSettings),
            [RuleCommand.StopDaemon] = Allow(Option.StopDaemon),
        };

        private static HashSet<Option> Allow(params object[] options)
        {
            var set = new HashSet<Option> { Option.Numeric };
            foreach (object option in options)
            {
                if (option is HashSet<Option> group)
                    set.UnionWith(group);
                else
                    set.Add((Option)option);
            }
            return set;
        }

        /// <summary>Parses every line; the first line that does not parse throws, so that nothing is applied from bad input.</summary>
        public static List<Rule> Parse(IEnumerable<string> lines)
        {
            var rules = new List<Rule>();
            int number = 0;
            foreach (string line in lines)
            {
                number++;
                var rule = ParseLine(line, number);
                if (rule is not null)
                    rules.Add(rule);
            }
            return rules;
        }

        /// <summary>One line: null for a blank line or a comment.</summary>
        public static Rule? ParseLine(string line, int lineNumber)
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith("#", StringComparison.Ordinal))
                return null;
            bool named = words[0] == "ipvsadm" || words[0].EndsWith("/ipvsadm", StringComparison.Ordinal);
            var tokens = new ArraySegment<string>(words, named ? 1 : 0, words.Length - (named ? 1 : 0));
            if (tokens.Count == 0)
                throw new RuleParseException(lineNumber, line, "'ipvsadm' without a command");
            try
            {
                return Build(ReadOptions(tokens), line, lineNumber);
            }
            catch (RuleProblem problem)
            {
                throw new RuleParseException(lineNumber, line, problem.Message);
            }
        }

        private sealed class RuleProblem : Exception
        {
            public RuleProblem(string message) : base(message) { }
        }

        private sealed class ParsedOption
        {
            public ParsedOption(Option option, string name, string? value)
            {
                Option = option;
                Name = name;
                Value = value;
            }

            public Option Option { get; }
            public string Name { get; }
            public string? Value { get; }
        }

        /// <summary>The options of one line: a handful, so a list searched in order beats a dictionary per line.</summary>
        private sealed class OptionSet
        {
            public List<ParsedOption> Values { get; } = new List<ParsedOption>(8);

            public bool ContainsKey(Option option) => TryGetValue(option, out _);

            public bool TryGetValue(Option option, out ParsedOption value)
            {
                foreach (var candidate in Values)
                {
                    if (candidate.Option == option)
                    {
                        value = candidate;
                        return true;
                    }
                }
                value = null!;
                return false;
            }

            public void Add(ParsedOption option) => Values.Add(option);

            public List<ParsedOption> Of(HashSet<Option> group) => Values.FindAll(o => group.Contains(o.Option));
        }

        private static readonly HashSet<Option> ForwardingOptions = new HashSet<Option> { Option.Gatewaying, Option.Ipip, Option.Masquerading };
        private static readonly HashSet<Option> ChecksumOptions = new HashSet<Option> { Option.TunnelNoChecksum, Option.TunnelChecksum, Option.TunnelRemoteChecksum };

        private static OptionSet ReadOptions(ArraySegment<string> tokens)
        {
            var options = new OptionSet();
            for (int i = 0; i < tokens.Count; i++)
            {
                string token = tokens[i];
                string name = token;
                string? value = null;
                Option option;
                if (token.StartsWith("--", StringComparison.Ordinal))
                {
                    int equals = token.IndexOf('=');
                    if (equals > 0)
                    {
                        name = token.Substring(0, equals);
                        value = token.Substring(equals + 1);
                    }
                    if (!LongOptions.TryGetValue(name, out option))
                        throw new RuleProblem(IsListingOption(name) ? $"'{name}' lists or saves; rule input only changes the table" : $"unknown option '{name}'");
                }
                else if (token.StartsWith("-", StringComparison.Ordinal) && token.Length >= 2)
                {
                    name = token.Substring(0, 2);
                    if (!ShortOptions.TryGetValue(name, out option))
                        throw new RuleProblem(IsListingOption(name) ? $"'{name}' lists or saves; rule input only changes the table" : $"unknown option '{token}'");
                    if (token.Length > 2)
                    {
                        if (NoValue.Contains(option))
                            throw new RuleProblem($"unknown option '{token}'");
                        value = token.Substring(2);
                    }
                }
                else
                {
                    throw new RuleProblem($"'{token}' is not an option");
                }

                if (NoValue.Contains(option))
                {
                    if (value is not null)
                        throw new RuleProblem($"'{name}' takes no value");
                }
                else if (value is null)
                {
                    if (option == Option.Set)
                    {
                        if (i + 3 >= tokens.Count)
                            throw new RuleProblem("'--set' needs three timeouts: tcp tcpfin udp");
                        value = $"{tokens[i + 1]} {tokens[i + 2]} {tokens[i + 3]}";
                        i += 3;
                    }
                    else if (option == Option.Persistent)
                    {
                        // -p takes an optional timeout: a following number is it.
                        if (i + 1 < tokens.Count && tokens[i + 1].All(char.IsDigit))
                            value = tokens[++i];
                    }
                    else if (i + 1 < tokens.Count && (!tokens[i + 1].StartsWith("-", StringComparison.Ordinal) || IsNegativeNumber(tokens[i + 1])))
                    {
                        value = tokens[++i];
                    }
                    else
                    {
                        throw new RuleProblem($"'{name}' needs a value");
                    }
                }
                if (options.ContainsKey(option))
                    throw new RuleProblem($"'{name}' is given twice");
                options.Add(new ParsedOption(option, name, value));
            }
            return options;
        }

        private static bool IsNegativeNumber(string token) => token.Length > 1 && token[0] == '-' && token.Skip(1).All(char.IsDigit);

        private static bool IsListingOption(string name) =>
            name is "-L" or "-l" or "--list" or "-S" or "--save" or "-R" or "--restore" or "-h" or "--help" or "-v" or "--version" or "-c" or "--connection";

        private static Rule Build(OptionSet options, string line, int lineNumber)
        {
            var commands = options.Of(Commands);
            if (commands.Count == 0)
                throw new RuleProblem("no command (such as -A, -a, -E, -e, -D, -d, -C, -Z, --set)");
            if (commands.Count > 1)
                throw new RuleProblem($"two commands, '{commands[0].Name}' and '{commands[1].Name}'");
            var command = commands[0];
            var rule = new Rule(lineNumber, line.Trim(), command.Option switch
            {
                Option.AddService => RuleCommand.AddService,
                Option.EditService => RuleCommand.EditService,
                Option.DeleteService => RuleCommand.DeleteService,
                Option.Clear => RuleCommand.Clear,
                Option.AddServer => RuleCommand.AddRealServer,
                Option.EditServer => RuleCommand.EditRealServer,
                Option.DeleteServer => RuleCommand.DeleteRealServer,
                Option.Zero => RuleCommand.Zero,
                Option.Set => RuleCommand.SetTimeouts,
                Option.StartDaemon => RuleCommand.StartDaemon,
                _ => RuleCommand.StopDaemon,
            });

            var allowed = AllowedOptions[rule.Command];
            var stray = options.Values.Find(o => !allowed.Contains(o.Option));
            if (stray is not null)
                throw new RuleProblem($"'{stray.Name}' does not go with '{command.Name}'");

            var byOption = options;
            switch (rule.Command)
            {
                case RuleCommand.SetTimeouts:
                    rule.Timeout = ParseTimeouts(command.Value!);
                    break;
                case RuleCommand.StartDaemon:
                case RuleCommand.StopDaemon:
                    rule.Daemon = ParseDaemon(command.Value!, byOption, rule.Command == RuleCommand.StartDaemon);
                    break;
                case RuleCommand.Clear:
                    break;
                default:
                    rule.ServiceKey = ParseServiceKey(byOption, required: rule.Command != RuleCommand.Zero);
                    break;
            }
            if (rule.Command is RuleCommand.AddService or RuleCommand.EditService)
                rule.Service = ParseService(rule.ServiceKey!, byOption);
            if (rule.Command is RuleCommand.AddRealServer or RuleCommand.EditRealServer or RuleCommand.DeleteRealServer)
                rule.RealServer = ParseRealServer(rule.ServiceKey!, byOption, full: rule.Command != RuleCommand.DeleteRealServer);
            return rule;
        }

        private static LvsServiceKey? ParseServiceKey(OptionSet options, bool required)
        {
            var given = options.Of(ServiceOptions);
            if (given.Count == 0)
            {
                if (required)
                    throw new RuleProblem("no service (-t, -u, --sctp-service or -f)");
                if (options.ContainsKey(Option.IPv6))
                    throw new RuleProblem("'-6' goes with a firewall-mark service (-f)");
                return null;
            }
            if (given.Count > 1)
                throw new RuleProblem($"two services, '{given[0].Name}' and '{given[1].Name}'");
            var service = given[0];
            if (service.Option == Option.FwmarkService)
            {
                uint mark = ParseFirewallMark(service.Value!);
                return LvsServiceKey.ForFirewallMark(mark, options.ContainsKey(Option.IPv6) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
            }
            if (options.ContainsKey(Option.IPv6))
                throw new RuleProblem("'-6' goes with a firewall-mark service (-f); an address service takes its family from its address");
            var protocol = service.Option switch
            {
                Option.TcpService => LvsProtocol.Tcp,
                Option.UdpService => LvsProtocol.Udp,
                _ => LvsProtocol.Sctp,
            };
            var (address, port) = ParseEndpoint(service.Value!, "service address");
            return LvsServiceKey.ForAddress(protocol, address, port ?? 0);
        }

        /// <summary>A mark from 1 to 4294967295; ipvsadm 1.31 writes marks from 2^31 up as negative numbers, read here as it meant them.</summary>
        private static uint ParseFirewallMark(string text)
        {
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) && mark != 0)
                return mark;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int negative) && negative < 0)
                return unchecked((uint)negative);
            throw new RuleProblem($"'{text}' is not a firewall mark (1 to 4294967295)");
        }

        private static (IPAddress Address, ushort? Port) ParseEndpoint(string text, string what)
        {
            string endpoint = text;
            ushort? namedPort = null;
            int colon = text.LastIndexOf(':');
            bool bracketed = text.StartsWith("[", StringComparison.Ordinal);
            if (colon > 0 && (bracketed ? text[colon - 1] == ']' : text.IndexOf(':') == colon))
            {
                string portText = text.Substring(colon + 1);
                if (portText.Length > 0 && !portText.All(char.IsDigit))
                {
                    namedPort = ServicePorts.Lookup(portText) ?? throw new RuleProblem($"'{portText}' is not a port number or a service name in /etc/services");
                    endpoint = text.Substring(0, colon);
                }
            }
            if (!Addresses.TryParseEndpoint(endpoint, out var address, out var port, out string error))
                throw new RuleProblem($"{error.TrimEnd('.')} (in the {what}; rules need numeric addresses, as ipvsadm -S -n writes them)");
            return (address!, namedPort ?? port);
        }

        private static LvsService ParseService(LvsServiceKey key, OptionSet options)
        {
            var service = LvsService.Create(key);
            if (options.TryGetValue(Option.Scheduler, out var scheduler))
                service.Scheduler = scheduler.Value!;
            if (options.TryGetValue(Option.Persistent, out var persistent))
            {
                service.Persistent = true;
                service.PersistenceTimeout = persistent.Value is null ? LvsService.DefaultPersistenceTimeout : ParseNumber(persistent.Value, "persistence timeout", 1, uint.MaxValue);
            }
            if (options.TryGetValue(Option.Netmask, out var mask))
                service.PersistenceMask = mask.Value!;
            if (options.TryGetValue(Option.PersistenceEngine, out var engine))
                service.PersistenceEngine = engine.Value;
            service.OnePacket = options.ContainsKey(Option.OnePacket);
            if (options.TryGetValue(Option.SchedulerFlags, out var flags))
                service.SchedulerFlags = flags.Value!.Split(',', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                LvsValidation.ValidateService(service);
            }
            catch (LvsArgumentException e)
            {
                throw new RuleProblem(e.Message.TrimEnd('.'));
            }
            return service;
        }

        private static LvsRealServer ParseRealServer(LvsServiceKey key, OptionSet options, bool full)
        {
            if (!options.TryGetValue(Option.RealServer, out var endpoint))
                throw new RuleProblem("no real server (-r)");
            var (address, port) = ParseEndpoint(endpoint.Value!, "real server address");
            var server = new LvsRealServer { Address = address, Port = port ?? key.Port, AddressFamily = Addresses.FamilyOf(address) };
            server.SetServiceKey(key);
            if (!full)
                return server;
            var methods = options.Of(ForwardingOptions);
            if (methods.Count > 1)
                throw new RuleProblem($"two forwarding methods, '{methods[0].Name}' and '{methods[1].Name}'");
            server.ForwardingMethod = methods.Count == 0 ? LvsForwardingMethod.Route : methods[0].Option switch
            {
                Option.Masquerading => LvsForwardingMethod.Masquerade,
                Option.Ipip => LvsForwardingMethod.Tunnel,
                _ => LvsForwardingMethod.Route,
            };
            // Like ipvsadm: only masquerading translates ports; the others reach the service's port.
            if (server.ForwardingMethod != LvsForwardingMethod.Masquerade)
                server.Port = key.Port;
            if (options.TryGetValue(Option.Weight, out var weight))
                server.Weight = (int)ParseNumber(weight.Value!, "weight", 0, LvsValidation.MaxWeight);
            if (options.TryGetValue(Option.UpperThreshold, out var upper))
                server.UpperThreshold = ParseNumber(upper.Value!, "upper threshold", 0, int.MaxValue);
            if (options.TryGetValue(Option.LowerThreshold, out var lower))
                server.LowerThreshold = ParseNumber(lower.Value!, "lower threshold", 0, int.MaxValue);
            if (options.TryGetValue(Option.TunnelType, out var type))
            {
                server.TunnelType = type.Value switch
                {
                    "ipip" => LvsTunnelType.Ipip,
                    "gue" => LvsTunnelType.Gue,
                    "gre" => LvsTunnelType.Gre,
                    _ => throw new RuleProblem($"'{type.Value}' is not a tunnel type (ipip, gue or gre)"),
                };
            }
            if (options.TryGetValue(Option.TunnelPort, out var tunnelPort))
                server.TunnelPort = (ushort)ParseNumber(tunnelPort.Value!, "tunnel port", 1, ushort.MaxValue);
            var checksums = options.Of(ChecksumOptions);
            if (checksums.Count > 1)
                throw new RuleProblem($"two tunnel checksum options, '{checksums[0].Name}' and '{checksums[1].Name}'");
            if (checksums.Count == 1)
            {
                server.TunnelChecksum = checksums[0].Option switch
                {
                    Option.TunnelChecksum => LvsTunnelChecksum.Checksum,
                    Option.TunnelRemoteChecksum => LvsTunnelChecksum.RemoteChecksum,
                    _ => LvsTunnelChecksum.NoChecksum,
                };
            }
            if (server.ForwardingMethod == LvsForwardingMethod.Tunnel)
            {
                server.TunnelType ??= LvsTunnelType.Ipip;
                server.TunnelChecksum ??= LvsTunnelChecksum.NoChecksum;
            }
            try
            {
                LvsValidation.ValidateRealServer(key, server);
            }
            catch (LvsArgumentException e)
            {
                throw new RuleProblem(e.Message.TrimEnd('.'));
            }
            return server;
        }

        private static LvsTimeout ParseTimeouts(string text)
        {
            var parts = text.Split(' ');
            return new LvsTimeout
            {
                Tcp = ParseNumber(parts[0], "tcp timeout", 0, int.MaxValue),
                TcpFin = ParseNumber(parts[1], "tcpfin timeout", 0, int.MaxValue),
                Udp = ParseNumber(parts[2], "udp timeout", 0, int.MaxValue),
            };
        }

        private static LvsSyncDaemon ParseDaemon(string state, OptionSet options, bool start)
        {
            var daemon = new LvsSyncDaemon
            {
                State = state switch
                {
                    "master" => LvsSyncState.Master,
                    "backup" => LvsSyncState.Backup,
                    _ => throw new RuleProblem($"'{state}' is not a sync daemon state (master or backup)"),
                },
            };
            if (!start)
                return daemon;
            daemon.Interface = options.TryGetValue(Option.McastInterface, out var name) ? name.Value! : throw new RuleProblem("'--start-daemon' needs '--mcast-interface'");
            daemon.SyncId = options.TryGetValue(Option.SyncId, out var id) ? ParseNumber(id.Value!, "sync id", 0, 255) : 0;
            if (options.TryGetValue(Option.SyncMaxLength, out var length))
                daemon.MaxLength = (ushort)ParseNumber(length.Value!, "sync maximum length", 1, ushort.MaxValue);
            if (options.TryGetValue(Option.McastGroup, out var group))
            {
                if (!IPAddress.TryParse(group.Value, out var address))
                    throw new RuleProblem($"'{group.Value}' is not a multicast group address");
                daemon.Group = address;
            }
            if (options.TryGetValue(Option.McastPort, out var port))
                daemon.Port = (ushort)ParseNumber(port.Value!, "multicast port", 1, ushort.MaxValue);
            if (options.TryGetValue(Option.McastTtl, out var ttl))
                daemon.Ttl = (byte)ParseNumber(ttl.Value!, "multicast ttl", 1, 255);
            return daemon;
        }

        private static uint ParseNumber(string text, string what, uint minimum, uint maximum)
        {
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) && value >= minimum && value <= maximum)
                return value;
            throw new RuleProblem($"'{text}' is not a valid {what} ({minimum} to {maximum})");
        }
    }

    /// <summary>Port names from /etc/services, as ipvsadm resolves them.</summary>
    internal static class ServicePorts
    {
        private static Dictionary<string, ushort>? _ports;

        public static ushort? Lookup(string name)
        {
            _ports ??= Load();
            return _ports.TryGetValue(name, out ushort port) ? port : null;
        }

        private static Dictionary<string, ushort> Load()
        {
            var ports = new Dictionary<string, ushort>(StringComparer.Ordinal);
            if (!File.Exists("/etc/services"))
                return ports;
            foreach (string line in File.ReadLines("/etc/services"))
            {
                var words = line.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (words.Length < 2 || !ushort.TryParse(words[1].Split('/')[0], out ushort port))
                    continue;
                foreach (string name in words.Where((_, i) => i != 1))
                    ports.TryAdd(name, port);
            }
            return ports;
        }
    }
}
