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
            Unknown,
        }

        // Sets of options as bits: a line is checked against them without allocating anything.
        private static ulong Bits(params Option[] options)
        {
            ulong bits = 0;
            foreach (var option in options)
                bits |= Bit(option);
            return bits;
        }

        private static ulong Bit(Option option) => 1UL << (int)option;

        private static readonly ulong Commands = Bits(Option.AddService, Option.EditService, Option.DeleteService, Option.Clear, Option.AddServer,
            Option.EditServer, Option.DeleteServer, Option.Zero, Option.Set, Option.StartDaemon, Option.StopDaemon);
        private static readonly ulong NoValue = Bits(Option.AddService, Option.EditService, Option.DeleteService, Option.Clear, Option.AddServer,
            Option.EditServer, Option.DeleteServer, Option.Zero, Option.OnePacket, Option.Gatewaying, Option.Ipip, Option.Masquerading, Option.IPv6,
            Option.TunnelNoChecksum, Option.TunnelChecksum, Option.TunnelRemoteChecksum, Option.Numeric);
        private static readonly ulong ServiceOptions = Bits(Option.TcpService, Option.UdpService, Option.SctpService, Option.FwmarkService);
        private static readonly ulong ServiceSettings = Bits(Option.Scheduler, Option.Persistent, Option.Netmask, Option.PersistenceEngine, Option.SchedulerFlags, Option.OnePacket);
        private static readonly ulong ServerSettings = Bits(Option.Gatewaying, Option.Ipip, Option.Masquerading, Option.Weight, Option.UpperThreshold,
            Option.LowerThreshold, Option.TunnelType, Option.TunnelPort, Option.TunnelNoChecksum, Option.TunnelChecksum, Option.TunnelRemoteChecksum);
        private static readonly ulong DaemonSettings = Bits(Option.McastInterface, Option.SyncId, Option.SyncMaxLength, Option.McastGroup, Option.McastPort, Option.McastTtl);
        private static readonly ulong ForwardingOptions = Bits(Option.Gatewaying, Option.Ipip, Option.Masquerading);
        private static readonly ulong ChecksumOptions = Bits(Option.TunnelNoChecksum, Option.TunnelChecksum, Option.TunnelRemoteChecksum);

        /// <summary>The options each command takes (besides itself and -n).</summary>
        private static ulong AllowedOptions(RuleCommand command) => Bit(Option.Numeric) | command switch
        {
            RuleCommand.AddService => Bit(Option.AddService) | ServiceOptions | ServiceSettings | Bit(Option.IPv6),
            RuleCommand.EditService => Bit(Option.EditService) | ServiceOptions | ServiceSettings | Bit(Option.IPv6),
            RuleCommand.DeleteService => Bit(Option.DeleteService) | ServiceOptions | Bit(Option.IPv6),
            RuleCommand.Zero => Bit(Option.Zero) | ServiceOptions | Bit(Option.IPv6),
            RuleCommand.AddRealServer => Bit(Option.AddServer) | ServiceOptions | ServerSettings | Bit(Option.IPv6) | Bit(Option.RealServer),
            RuleCommand.EditRealServer => Bit(Option.EditServer) | ServiceOptions | ServerSettings | Bit(Option.IPv6) | Bit(Option.RealServer),
            RuleCommand.DeleteRealServer => Bit(Option.DeleteServer) | ServiceOptions | Bit(Option.IPv6) | Bit(Option.RealServer),
            RuleCommand.Clear => Bit(Option.Clear),
            RuleCommand.SetTimeouts => Bit(Option.Set),
            RuleCommand.StartDaemon => Bit(Option.StartDaemon) | DaemonSettings,
            _ => Bit(Option.StopDaemon),
        };

        private static Option ShortOption(ReadOnlySpan<char> name) => name switch
        {
            "-A" => Option.AddService, "-E" => Option.EditService, "-D" => Option.DeleteService, "-C" => Option.Clear,
            "-a" => Option.AddServer, "-e" => Option.EditServer, "-d" => Option.DeleteServer, "-Z" => Option.Zero,
            "-t" => Option.TcpService, "-u" => Option.UdpService, "-f" => Option.FwmarkService,
            "-s" => Option.Scheduler, "-p" => Option.Persistent, "-M" => Option.Netmask, "-b" => Option.SchedulerFlags, "-o" => Option.OnePacket,
            "-r" => Option.RealServer, "-g" => Option.Gatewaying, "-i" => Option.Ipip, "-m" => Option.Masquerading,
            "-w" => Option.Weight, "-x" => Option.UpperThreshold, "-y" => Option.LowerThreshold, "-6" => Option.IPv6, "-n" => Option.Numeric,
            _ => Option.Unknown,
        };

        private static Option LongOption(ReadOnlySpan<char> name) => name switch
        {
            "--add-service" => Option.AddService, "--edit-service" => Option.EditService, "--delete-service" => Option.DeleteService,
            "--clear" => Option.Clear, "--add-server" => Option.AddServer, "--edit-server" => Option.EditServer,
            "--delete-server" => Option.DeleteServer, "--zero" => Option.Zero, "--set" => Option.Set,
            "--start-daemon" => Option.StartDaemon, "--stop-daemon" => Option.StopDaemon,
            "--tcp-service" => Option.TcpService, "--udp-service" => Option.UdpService, "--sctp-service" => Option.SctpService,
            "--fwmark-service" => Option.FwmarkService, "--scheduler" => Option.Scheduler, "--persistent" => Option.Persistent,
            "--netmask" => Option.Netmask, "--pe" => Option.PersistenceEngine, "--sched-flags" => Option.SchedulerFlags, "--ops" => Option.OnePacket,
            "--real-server" => Option.RealServer, "--gatewaying" => Option.Gatewaying, "--ipip" => Option.Ipip,
            "--masquerading" => Option.Masquerading, "--weight" => Option.Weight, "--u-threshold" => Option.UpperThreshold,
            "--l-threshold" => Option.LowerThreshold, "--ipv6" => Option.IPv6, "--tun-type" => Option.TunnelType,
            "--tun-port" => Option.TunnelPort, "--tun-nocsum" => Option.TunnelNoChecksum, "--tun-csum" => Option.TunnelChecksum,
            "--tun-remcsum" => Option.TunnelRemoteChecksum, "--mcast-interface" => Option.McastInterface, "--syncid" => Option.SyncId,
            "--sync-maxlen" => Option.SyncMaxLength, "--mcast-group" => Option.McastGroup, "--mcast-port" => Option.McastPort,
            "--mcast-ttl" => Option.McastTtl, "--numeric" => Option.Numeric,
            _ => Option.Unknown,
        };

        /// <summary>Parses every line; the first line that does not parse throws, so that nothing is applied from bad input.</summary>
        public static List<Rule> Parse(IEnumerable<string> lines, PortNames? portNames = null) => new List<Rule>(Read(lines, portNames));

        /// <summary>
        /// Parses the lines as they are enumerated, throwing when a bad one is reached: for a consumer that
        /// applies nothing until the end (a <see cref="DesiredTable"/>), so that no list of all the rules is kept.
        /// </summary>
        public static IEnumerable<Rule> Read(IEnumerable<string> lines, PortNames? portNames = null)
        {
            var reader = new LineReader(portNames ?? PortNames.System);
            int number = 0;
            foreach (string line in lines)
            {
                number++;
                var rule = reader.Read(line, number);
                if (rule is not null)
                    yield return rule;
            }
        }

        /// <summary>One line: null for a blank line or a comment.</summary>
        public static Rule? ParseLine(string line, int lineNumber, PortNames? portNames = null) =>
            new LineReader(portNames ?? PortNames.System).Read(line, lineNumber);

        private sealed class RuleProblem : Exception
        {
            public RuleProblem(string message) : base(message) { }
        }

        /// <summary>An option of the line being read: where its name and value are in the line.</summary>
        private readonly struct ParsedOption
        {
            public ParsedOption(Option option, Range name, Range? value)
            {
                Option = option;
                Name = name;
                Value = value;
            }

            public Option Option { get; }
            public Range Name { get; }
            public Range? Value { get; }
        }

        /// <summary>
        /// Reads lines one after another, reusing its buffers: rule files run to tens of thousands of
        /// lines, and a real-server line names the same service as the line before, so its key is reused.
        /// </summary>
        private sealed class LineReader
        {
            // A valid rule has fewer than 20 words; more is a mistake, named as such.
            private const int MaxWords = 64;
            private readonly Range[] _words = new Range[MaxWords];
            private readonly ParsedOption[] _options = new ParsedOption[MaxWords];
            private int _optionCount;
            private string _line = "";
            private string? _lastServiceText;
            private Option _lastServiceOption;
            private LvsServiceKey? _lastServiceKey;
            private readonly PortNames _portNames;

            public LineReader(PortNames portNames) => _portNames = portNames;

            public Rule? Read(string line, int lineNumber)
            {
                _line = line;
                _optionCount = 0;
                try
                {
                    int count = SplitWords(line);
                    if (count == 0 || Word(0).StartsWith("#"))
                        return null;
                    var first = Word(0);
                    bool named = first.SequenceEqual("ipvsadm") || first.EndsWith("/ipvsadm");
                    if (named && count == 1)
                        throw new RuleProblem("'ipvsadm' without a command");
                    ReadOptions(named ? 1 : 0, count);
                    return Build(lineNumber);
                }
                catch (RuleProblem problem)
                {
                    throw new RuleParseException(lineNumber, line, problem.Message);
                }
            }

            private int SplitWords(string line)
            {
                int count = 0;
                int i = 0;
                while (true)
                {
                    while (i < line.Length && char.IsWhiteSpace(line[i]))
                        i++;
                    if (i == line.Length)
                        return count;
                    int start = i;
                    while (i < line.Length && !char.IsWhiteSpace(line[i]))
                        i++;
                    if (count == MaxWords)
                        throw new RuleProblem($"more than {MaxWords} words");
                    _words[count++] = start..i;
                }
            }

            private ReadOnlySpan<char> Word(int index) => _line.AsSpan()[_words[index]];

            private ReadOnlySpan<char> Text(Range range) => _line.AsSpan()[range];

            private string Name(in ParsedOption option) => _line[option.Name];

            private ReadOnlySpan<char> Value(in ParsedOption option) => _line.AsSpan()[option.Value!.Value];

            private string ValueText(in ParsedOption option) => _line[option.Value!.Value];

            private void ReadOptions(int from, int count)
            {
                for (int i = from; i < count; i++)
                {
                    var token = Word(i);
                    int start = _words[i].Start.Value;
                    Range name = _words[i];
                    Range? value = null;
                    Option option;
                    if (token.StartsWith("--"))
                    {
                        int equals = token.IndexOf('=');
                        if (equals > 0)
                        {
                            name = start..(start + equals);
                            value = (start + equals + 1)..(start + token.Length);
                        }
                        option = LongOption(Text(name));
                        if (option == Option.Unknown)
                            throw new RuleProblem(IsListingOption(Text(name)) ? $"'{_line[name]}' lists or saves; rule input only changes the table" : $"unknown option '{_line[name]}'");
                    }
                    else if (token.StartsWith("-") && token.Length >= 2)
                    {
                        name = start..(start + 2);
                        option = ShortOption(Text(name));
                        if (option == Option.Unknown)
                            throw new RuleProblem(IsListingOption(Text(name)) ? $"'{_line[name]}' lists or saves; rule input only changes the table" : $"unknown option '{token.ToString()}'");
                        if (token.Length > 2)
                        {
                            if ((NoValue & Bit(option)) != 0)
                                throw new RuleProblem($"unknown option '{token.ToString()}'");
                            value = (start + 2)..(start + token.Length);
                        }
                    }
                    else
                    {
                        throw new RuleProblem($"'{token.ToString()}' is not an option");
                    }

                    if ((NoValue & Bit(option)) != 0)
                    {
                        if (value is not null)
                            throw new RuleProblem($"'{_line[name]}' takes no value");
                    }
                    else if (value is null)
                    {
                        if (option == Option.Set)
                        {
                            if (i + 3 >= count)
                                throw new RuleProblem("'--set' needs three timeouts: tcp tcpfin udp");
                            value = _words[i + 1].Start.._words[i + 3].End;
                            i += 3;
                        }
                        else if (option == Option.Persistent)
                        {
                            // -p takes an optional timeout: a following number is it.
                            if (i + 1 < count && IsDigits(Word(i + 1)))
                                value = _words[++i];
                        }
                        else if (i + 1 < count && (!Word(i + 1).StartsWith("-") || IsNegativeNumber(Word(i + 1))))
                        {
                            value = _words[++i];
                        }
                        else
                        {
                            throw new RuleProblem($"'{_line[name]}' needs a value");
                        }
                    }
                    if (Contains(option))
                        throw new RuleProblem($"'{_line[name]}' is given twice");
                    _options[_optionCount++] = new ParsedOption(option, name, value);
                }
            }

            private bool Contains(Option option) => TryGet(option, out _);

            private bool TryGet(Option option, out ParsedOption value)
            {
                for (int i = 0; i < _optionCount; i++)
                {
                    if (_options[i].Option == option)
                    {
                        value = _options[i];
                        return true;
                    }
                }
                value = default;
                return false;
            }

            /// <summary>How many options of the group the line has, with the first two of them.</summary>
            private int Find(ulong group, out ParsedOption first, out ParsedOption second)
            {
                first = second = default;
                int found = 0;
                for (int i = 0; i < _optionCount; i++)
                {
                    if ((group & Bit(_options[i].Option)) == 0)
                        continue;
                    if (found == 0)
                        first = _options[i];
                    else if (found == 1)
                        second = _options[i];
                    found++;
                }
                return found;
            }

            private Rule Build(int lineNumber)
            {
                int commands = Find(Commands, out var command, out var secondCommand);
                if (commands == 0)
                    throw new RuleProblem("no command (such as -A, -a, -E, -e, -D, -d, -C, -Z, --set)");
                if (commands > 1)
                    throw new RuleProblem($"two commands, '{Name(command)}' and '{Name(secondCommand)}'");
                var rule = new Rule(lineNumber, _line.Trim(), command.Option switch
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

                ulong allowed = AllowedOptions(rule.Command);
                for (int i = 0; i < _optionCount; i++)
                {
                    if ((allowed & Bit(_options[i].Option)) == 0)
                        throw new RuleProblem($"'{Name(_options[i])}' does not go with '{Name(command)}'");
                }

                switch (rule.Command)
                {
                    case RuleCommand.SetTimeouts:
                        rule.Timeout = ParseTimeouts(ValueText(command));
                        break;
                    case RuleCommand.StartDaemon:
                    case RuleCommand.StopDaemon:
                        rule.Daemon = ParseDaemon(ValueText(command), rule.Command == RuleCommand.StartDaemon);
                        break;
                    case RuleCommand.Clear:
                        break;
                    default:
                        rule.ServiceKey = ParseServiceKey(required: rule.Command != RuleCommand.Zero);
                        break;
                }
                if (rule.Command is RuleCommand.AddService or RuleCommand.EditService)
                    rule.Service = ParseService(rule.ServiceKey!);
                if (rule.Command is RuleCommand.AddRealServer or RuleCommand.EditRealServer or RuleCommand.DeleteRealServer)
                    rule.RealServer = ParseRealServer(rule.ServiceKey!, full: rule.Command != RuleCommand.DeleteRealServer);
                return rule;
            }

            private LvsServiceKey? ParseServiceKey(bool required)
            {
                int services = Find(ServiceOptions, out var service, out var secondService);
                bool ipv6 = Contains(Option.IPv6);
                if (services == 0)
                {
                    if (required)
                        throw new RuleProblem("no service (-t, -u, --sctp-service or -f)");
                    if (ipv6)
                        throw new RuleProblem("'-6' goes with a firewall-mark service (-f)");
                    return null;
                }
                if (services > 1)
                    throw new RuleProblem($"two services, '{Name(service)}' and '{Name(secondService)}'");
                if (service.Option == Option.FwmarkService)
                {
                    uint mark = ParseFirewallMark(Value(service));
                    return LvsServiceKey.ForFirewallMark(mark, ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
                }
                if (ipv6)
                    throw new RuleProblem("'-6' goes with a firewall-mark service (-f); an address service takes its family from its address");
                var text = Value(service);
                if (_lastServiceKey is not null && service.Option == _lastServiceOption && text.SequenceEqual(_lastServiceText))
                    return _lastServiceKey;
                var protocol = service.Option switch
                {
                    Option.TcpService => LvsProtocol.Tcp,
                    Option.UdpService => LvsProtocol.Udp,
                    _ => LvsProtocol.Sctp,
                };
                var (address, port) = ParseEndpoint(text, "service address", protocol);
                _lastServiceKey = LvsServiceKey.ForAddress(protocol, address, port ?? 0);
                _lastServiceOption = service.Option;
                _lastServiceText = text.ToString();
                return _lastServiceKey;
            }

            private LvsService ParseService(LvsServiceKey key)
            {
                var service = LvsService.Create(key);
                if (TryGet(Option.Scheduler, out var scheduler))
                    service.Scheduler = LvsValidation.KnownScheduler(Value(scheduler)) ?? ValueText(scheduler);
                if (TryGet(Option.Persistent, out var persistent))
                {
                    service.Persistent = true;
                    service.PersistenceTimeout = persistent.Value is null ? LvsService.DefaultPersistenceTimeout : ParseNumber(Value(persistent), "persistence timeout", 1, LvsService.MaxTimeout);
                }
                if (TryGet(Option.Netmask, out var mask))
                    service.PersistenceMask = ValueText(mask);
                if (TryGet(Option.PersistenceEngine, out var engine))
                    service.PersistenceEngine = ValueText(engine);
                service.OnePacket = Contains(Option.OnePacket);
                if (TryGet(Option.SchedulerFlags, out var flags))
                    service.SchedulerFlags = ValueText(flags).Split(',', StringSplitOptions.RemoveEmptyEntries);
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

            private LvsRealServer ParseRealServer(LvsServiceKey key, bool full)
            {
                if (!TryGet(Option.RealServer, out var endpoint))
                    throw new RuleProblem("no real server (-r)");
                var (address, port) = ParseEndpoint(Value(endpoint), "real server address", key.Protocol ?? LvsProtocol.Tcp);
                var server = new LvsRealServer { Address = address, Port = port ?? key.Port, AddressFamily = Addresses.FamilyOf(address) };
                server.SetServiceKey(key);
                if (!full)
                    return server;
                int methods = Find(ForwardingOptions, out var method, out var secondMethod);
                if (methods > 1)
                    throw new RuleProblem($"two forwarding methods, '{Name(method)}' and '{Name(secondMethod)}'");
                server.ForwardingMethod = methods == 0 ? LvsForwardingMethod.Route : method.Option switch
                {
                    Option.Masquerading => LvsForwardingMethod.Masquerade,
                    Option.Ipip => LvsForwardingMethod.Tunnel,
                    _ => LvsForwardingMethod.Route,
                };
                // Like ipvsadm: only masquerading translates ports; the others reach the service's port
                // (a firewall-mark service has none: its real servers keep theirs).
                if (server.ForwardingMethod != LvsForwardingMethod.Masquerade && !key.IsFirewallMark)
                    server.Port = key.Port;
                if (TryGet(Option.Weight, out var weight))
                    server.Weight = (int)ParseNumber(Value(weight), "weight", 0, LvsValidation.MaxWeight);
                if (TryGet(Option.UpperThreshold, out var upper))
                    server.UpperThreshold = ParseNumber(Value(upper), "upper threshold", 0, int.MaxValue);
                if (TryGet(Option.LowerThreshold, out var lower))
                    server.LowerThreshold = ParseNumber(Value(lower), "lower threshold", 0, int.MaxValue);
                if (TryGet(Option.TunnelType, out var type))
                {
                    server.TunnelType = Value(type) switch
                    {
                        "ipip" => LvsTunnelType.Ipip,
                        "gue" => LvsTunnelType.Gue,
                        "gre" => LvsTunnelType.Gre,
                        _ => throw new RuleProblem($"'{ValueText(type)}' is not a tunnel type (ipip, gue or gre)"),
                    };
                }
                if (TryGet(Option.TunnelPort, out var tunnelPort))
                    server.TunnelPort = (ushort)ParseNumber(Value(tunnelPort), "tunnel port", 1, ushort.MaxValue);
                int checksums = Find(ChecksumOptions, out var checksum, out var secondChecksum);
                if (checksums > 1)
                    throw new RuleProblem($"two tunnel checksum options, '{Name(checksum)}' and '{Name(secondChecksum)}'");
                if (checksums == 1)
                {
                    server.TunnelChecksum = checksum.Option switch
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

            private LvsSyncDaemon ParseDaemon(string state, bool start)
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
                daemon.Interface = TryGet(Option.McastInterface, out var name) ? ValueText(name) : LvsSyncDaemon.DefaultInterface;
                daemon.SyncId = TryGet(Option.SyncId, out var id) ? ParseNumber(Value(id), "sync id", 0, 255) : 0;
                if (TryGet(Option.SyncMaxLength, out var length))
                    daemon.MaxLength = (ushort)ParseNumber(Value(length), "sync maximum length", 1, LvsSyncDaemon.MaxMessageLength);
                if (TryGet(Option.McastGroup, out var group))
                {
                    if (!IPAddress.TryParse(Value(group), out var address))
                        throw new RuleProblem($"'{ValueText(group)}' is not a multicast group address");
                    daemon.Group = address;
                }
                if (TryGet(Option.McastPort, out var port))
                    daemon.Port = (ushort)ParseNumber(Value(port), "multicast port", 1, ushort.MaxValue);
                if (TryGet(Option.McastTtl, out var ttl))
                    daemon.Ttl = (byte)ParseNumber(Value(ttl), "multicast ttl", 1, 255);
                return daemon;
            }

            private (IPAddress Address, ushort? Port) ParseEndpoint(ReadOnlySpan<char> text, string what, LvsProtocol protocol)
            {
                var endpoint = text;
                ushort? namedPort = null;
                int colon = text.LastIndexOf(':');
                bool bracketed = text.StartsWith("[");
                if (colon > 0 && (bracketed ? text[colon - 1] == ']' : text.IndexOf(':') == colon))
                {
                    var portText = text.Slice(colon + 1);
                    if (portText.Length > 0 && !IsDigits(portText))
                    {
                        namedPort = _portNames.Lookup(portText.ToString(), protocol) ??
                            throw new RuleProblem($"'{portText.ToString()}' is not a port number or a {protocol.ToString().ToLowerInvariant()} service name in /etc/services");
                        endpoint = text.Slice(0, colon);
                    }
                }
                if (!Addresses.TryParseEndpoint(endpoint, out var address, out var port, out string error))
                    throw new RuleProblem($"{error.TrimEnd('.')} (in the {what}; rules need numeric addresses, as ipvsadm -S -n writes them)");
                return (address!, namedPort ?? port);
            }
        }

        private static bool IsDigits(ReadOnlySpan<char> text)
        {
            foreach (char c in text)
            {
                if (c < '0' || c > '9')
                    return false;
            }
            return true;
        }

        private static bool IsNegativeNumber(ReadOnlySpan<char> token) => token.Length > 1 && token[0] == '-' && IsDigits(token.Slice(1));

        private static bool IsListingOption(ReadOnlySpan<char> name) =>
            name is "-L" or "-l" or "--list" or "-S" or "--save" or "-R" or "--restore" or "-h" or "--help" or "-v" or "--version" or "-c" or "--connection";

        /// <summary>A mark from 1 to 4294967295; ipvsadm 1.31 writes marks from 2^31 up as negative numbers, read here as it meant them.</summary>
        private static uint ParseFirewallMark(ReadOnlySpan<char> text)
        {
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint mark) && mark != 0)
                return mark;
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int negative) && negative < 0)
                return unchecked((uint)negative);
            throw new RuleProblem($"'{text.ToString()}' is not a firewall mark (1 to 4294967295)");
        }

        private static LvsTimeout ParseTimeouts(string text)
        {
            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return new LvsTimeout
            {
                Tcp = ParseNumber(parts[0], "tcp timeout", 0, LvsService.MaxTimeout),
                TcpFin = ParseNumber(parts[1], "tcpfin timeout", 0, LvsService.MaxTimeout),
                Udp = ParseNumber(parts[2], "udp timeout", 0, LvsService.MaxTimeout),
            };
        }

        private static uint ParseNumber(ReadOnlySpan<char> text, string what, uint minimum, uint maximum)
        {
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) && value >= minimum && value <= maximum)
                return value;
            throw new RuleProblem($"'{text.ToString()}' is not a valid {what} ({minimum} to {maximum})");
        }
    }

    /// <summary>
    /// Port names as ipvsadm resolves them (getservbyname): a name stands for its port for the service's
    /// protocol only; a firewall-mark service looks names up as TCP, as ipvsadm does.
    /// </summary>
    public sealed class PortNames
    {
        private static PortNames? _system;
        private readonly Dictionary<(string Name, string Protocol), ushort> _ports = new Dictionary<(string, string), ushort>();

        private PortNames() { }

        /// <summary>The names of /etc/services (none when it is absent), read once.</summary>
        public static PortNames System => _system ??= File.Exists("/etc/services") ? Read(File.OpenText("/etc/services")) : new PortNames();

        /// <summary>Names in the format of services(5): 'name port/protocol aliases... # comment'.</summary>
        public static PortNames Read(TextReader services)
        {
            var names = new PortNames();
            using (services)
            {
                string? line;
                while ((line = services.ReadLine()) is not null)
                {
                    var words = line.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    if (words.Length < 2 || words[1].Split('/') is not [var number, var protocol] || !ushort.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port))
                        continue;
                    foreach (string name in words.Where((_, i) => i != 1))
                        names._ports.TryAdd((name, protocol.ToLowerInvariant()), port);
                }
            }
            return names;
        }

        public ushort? Lookup(string name, LvsProtocol protocol) =>
            _ports.TryGetValue((name, protocol.ToString().ToLowerInvariant()), out ushort port) ? port : null;
    }
}
