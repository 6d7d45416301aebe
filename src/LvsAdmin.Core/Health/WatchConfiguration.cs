using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace LvsAdmin.Health
{
    /// <summary>How one service's real servers are watched: the check, and what the watch does.</summary>
    public sealed class WatchedServiceConfiguration
    {
        public WatchedServiceConfiguration(LvsServiceKey service, HealthProbeOptions probe, ushort? probePort, RealServerWatchOptions watch)
        {
            Service = service;
            Probe = probe;
            ProbePort = probePort;
            Watch = watch;
        }

        public LvsServiceKey Service { get; }
        public HealthProbeOptions Probe { get; }

        /// <summary>The port to check instead of each server's own (firewall-mark services need one).</summary>
        public ushort? ProbePort { get; }

        public RealServerWatchOptions Watch { get; }
    }

    /// <summary>
    /// A health watch's configuration, as a PowerShell data file (.psd1) gives it (plain tables, lists, numbers,
    /// text and booleans, as Import-PowerShellDataFile reads them): settings for all services at
    /// the top (Interval and the defaults of the per-service ones), and Services, a list of one table each:
    /// <code>@{ Interval = 2; Fall = 3; Services = @( @{ Service = 'TCP 10.0.0.1:80'; Check = 'Http'; Path = '/health' } ) }</code>
    /// Every key is checked: a misspelt one is an error naming it, not a setting silently left at its default.
    /// </summary>
    public sealed class WatchConfiguration
    {
        private static readonly string[] Shared = { "Fall", "Rise", "OnFailure", "SlowStart", "InitialState", "Timeout", "Check", "Path", "StatusCode", "HostHeader", "SkipCertificateCheck", "Expect", "Payload", "QueryName", "QueryType", "ScriptPath", "Quorum", "Hysteresis" };
        private static readonly string[] PerService = Shared.Concat(new[] { "Service", "Port", "SorryServer" }).ToArray();
        private static readonly string[] TopLevel = Shared.Concat(new[] { "Interval", "Services" }).ToArray();

        private WatchConfiguration(double interval, List<WatchedServiceConfiguration> services)
        {
            Interval = interval;
            Services = services;
        }

        /// <summary>Seconds from the start of one round of checks to the start of the next.</summary>
        public double Interval { get; }

        public IReadOnlyList<WatchedServiceConfiguration> Services { get; }

        /// <summary>Reads the data; what it leaves out comes from the defaults (the cmdlet's parameters). Throws <see cref="FormatException"/> naming the key at fault.</summary>
        public static WatchConfiguration Read(IDictionary data, double defaultInterval, HealthProbeOptions defaultProbe, RealServerWatchOptions defaultWatch)
        {
            CheckKeys(data, TopLevel, "the configuration");
            var top = new Settings(data, "the configuration");
            double interval = top.Number("Interval", 0.1, 86400) ?? defaultInterval;
            if (!data.Contains("Services"))
                throw new FormatException("The configuration has no Services: a list of tables, one per service, such as @{ Service = 'TCP 10.0.0.1:80'; Check = 'Http' }.");
            var services = new List<WatchedServiceConfiguration>();
            foreach (var item in AsList(data["Services"]))
            {
                string where = $"Services[{services.Count}]";
                if (item is not IDictionary entry)
                    throw new FormatException($"{where} is not a table (@{{ Service = ... }}).");
                CheckKeys(entry, PerService, where);
                var own = new Settings(entry, where);
                var key = LvsServiceKey.Parse(own.Text("Service") ?? throw new FormatException($"{where} names no Service (such as 'TCP 10.0.0.1:80')."));
                string Pick(string name) => own.Has(name) ? where : "the configuration";
                Settings For(string name) => own.Has(name) ? own : top;
                var check = For("Check").Enum<LvsHealthCheck>("Check") ?? defaultProbe.Check;
                var probe = new HealthProbeOptions
                {
                    Check = check,
                    Path = For("Path").Text("Path") ?? defaultProbe.Path,
                    StatusCodes = For("StatusCode").Integers("StatusCode", 100, 599) ?? defaultProbe.StatusCodes,
                    HostHeader = For("HostHeader").Text("HostHeader") ?? defaultProbe.HostHeader,
                    SkipCertificateCheck = For("SkipCertificateCheck").Switch("SkipCertificateCheck") ?? defaultProbe.SkipCertificateCheck,
                    Expect = For("Expect").Text("Expect") ?? defaultProbe.Expect,
                    Payload = For("Payload").Text("Payload") ?? defaultProbe.Payload,
                    QueryName = For("QueryName").Text("QueryName") ?? defaultProbe.QueryName,
                    QueryType = For("QueryType").Enum<LvsDnsRecordType>("QueryType") ?? defaultProbe.QueryType,
                    Script = For("ScriptPath").Text("ScriptPath") is string program
                        ? System.IO.File.Exists(program) ? ProgramCheck.For(program) : throw new FormatException($"{Pick("ScriptPath")}: there is no file '{program}' to run as the check.")
                        : defaultProbe.Script,
                    Timeout = For("Timeout").Number("Timeout", 0.001, 3600) is double seconds ? TimeSpan.FromSeconds(seconds) : defaultProbe.Timeout,
                };
                if (check == LvsHealthCheck.Script && probe.Script is null)
                    throw new FormatException($"{where}: Check Script runs the program that ScriptPath names (a full path); give ScriptPath.");
                if (probe.Expect is not null && HealthProbe.PatternError(probe.Expect) is string patternError)
                    throw new FormatException($"{Pick("Expect")}: Expect '{probe.Expect}' is not a regular expression: {patternError}");
                if (DnsQuery.Validate(probe.QueryName) is string nameError)
                    throw new FormatException($"{Pick("QueryName")}: {nameError}.");
                var sorry = own.Text("SorryServer");
                (System.Net.IPAddress, ushort)? sorryServer = null;
                if (sorry is not null)
                {
                    if (!Addresses.TryParseEndpoint(sorry, out var address, out var port, out string error) || port is null)
                        throw new FormatException($"{where}: SorryServer '{sorry}' is not an address:port ([v6]:port for IPv6){(error.Length > 0 ? $": {error}" : "")}.");
                    sorryServer = (address!, port.Value);
                }
                int quorum = For("Quorum").Integer("Quorum", 1, int.MaxValue) ?? defaultWatch.Quorum;
                if ((quorum > 0) != sorryServer.HasValue)
                    throw new FormatException($"{where}: Quorum and SorryServer go together: the sorry server is what takes the traffic when the quorum is lost.");
                var watch = new RealServerWatchOptions
                {
                    Fall = For("Fall").Integer("Fall", 1, 1000) ?? defaultWatch.Fall,
                    Rise = For("Rise").Integer("Rise", 1, 1000) ?? defaultWatch.Rise,
                    OnFailure = For("OnFailure").Enum<LvsFailureAction>("OnFailure") ?? defaultWatch.OnFailure,
                    SlowStart = For("SlowStart").Number("SlowStart", 0, 86400) is double ramp ? TimeSpan.FromSeconds(ramp) : defaultWatch.SlowStart,
                    InitialState = For("InitialState").Enum<LvsHealthState>("InitialState") is { } state
                        ? state == LvsHealthState.Unknown ? throw new FormatException($"{Pick("InitialState")}: InitialState is Up or Down.") : state
                        : defaultWatch.InitialState,
                    Check = check,
                    Quorum = quorum,
                    Hysteresis = For("Hysteresis").Integer("Hysteresis", 0, int.MaxValue) ?? defaultWatch.Hysteresis,
                    SorryServer = sorryServer,
                };
                services.Add(new WatchedServiceConfiguration(key, probe, (ushort?)own.Integer("Port", 1, 65535), watch));
            }
            if (services.Count == 0)
                throw new FormatException("The configuration's Services list is empty: name at least one service.");
            var twice = services.GroupBy(s => s.Service).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
                throw new FormatException($"The configuration names the service {twice.Key} twice: one entry per service.");
            return new WatchConfiguration(interval, services);
        }

        private static void CheckKeys(IDictionary data, string[] known, string where)
        {
            foreach (var key in data.Keys)
            {
                string name = key?.ToString() ?? "";
                if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
                    throw new FormatException($"{where} has '{name}', which is not a setting; it takes {string.Join(", ", known)}.");
            }
        }

        private static IEnumerable<object?> AsList(object? value) => value switch
        {
            IDictionary single => new object?[] { single },
            IEnumerable list and not string => list.Cast<object?>(),
            var other => new[] { other },
        };

        /// <summary>Typed reads of one table's settings, each error naming the table and the key.</summary>
        private sealed class Settings
        {
            private readonly Dictionary<string, object?> _values;
            private readonly string _where;

            public Settings(IDictionary data, string where)
            {
                _values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in data)
                    _values[entry.Key.ToString()!] = entry.Value;
                _where = where;
            }

            public bool Has(string name) => _values.ContainsKey(name);

            public string? Text(string name) => _values.TryGetValue(name, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

            public double? Number(string name, double minimum, double maximum)
            {
                if (!_values.TryGetValue(name, out var value))
                    return null;
                if (!double.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || number < minimum || number > maximum)
                    throw new FormatException($"{_where}: {name} is '{value}'; it takes a number from {minimum} to {maximum}.");
                return number;
            }

            public int? Integer(string name, int minimum, int maximum)
            {
                if (!_values.TryGetValue(name, out var value))
                    return null;
                if (!int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) || number < minimum || number > maximum)
                    throw new FormatException($"{_where}: {name} is '{value}'; it takes a whole number from {minimum} to {maximum}.");
                return number;
            }

            public int[]? Integers(string name, int minimum, int maximum)
            {
                if (!_values.TryGetValue(name, out var value))
                    return null;
                var items = value is IEnumerable list and not string ? list.Cast<object?>() : new[] { value };
                return items.Select(item => new Settings(new Hashtable { [name] = item }, _where).Integer(name, minimum, maximum)!.Value).ToArray();
            }

            public bool? Switch(string name)
            {
                if (!_values.TryGetValue(name, out var value))
                    return null;
                return value is bool flag ? flag : throw new FormatException($"{_where}: {name} is '{value}'; it takes $true or $false.");
            }

            public T? Enum<T>(string name) where T : struct, System.Enum
            {
                if (!_values.TryGetValue(name, out var value))
                    return null;
                return System.Enum.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), ignoreCase: true, out T parsed) && System.Enum.IsDefined(parsed)
                    ? parsed
                    : throw new FormatException($"{_where}: {name} is '{value}'; it takes {string.Join(", ", System.Enum.GetNames<T>())}.");
            }
        }
    }
}
