using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsAdmin.Connections;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;
using LvsAdmin.Rules;

namespace LvsAdmin.Fuzz
{
    /// <summary>An input that broke an invariant without throwing: a wrong object.</summary>
    public sealed class FuzzInvariantException : Exception
    {
        public FuzzInvariantException(string message) : base(message) { }
    }

    /// <summary>
    /// The fuzzed entry points. Each may throw only its documented exception type, which it catches;
    /// anything else (or a FuzzInvariantException) escapes and is what the fuzzer reports as a crash.
    /// </summary>
    public static class FuzzTargets
    {
        public static readonly string[] Names = { "netlink", "rules", "connections" };

        private const ushort IpvsFamily = 0x1c;
        private const ushort MessageError = 2;

        // Made on first use, not when the class is: instrumented code must not run before the fuzzer's map exists.
        private static LvsServiceKey? _realServerKey;
        private static PortNames? _ports;
        private static LvsServiceKey RealServerKey => _realServerKey ??= LvsServiceKey.Parse("TCP 10.0.0.1:80");
        private static PortNames Ports => _ports ??= PortNames.Read(new StringReader("http 80/tcp\nhttps 443/tcp\ndomain 53/udp\n"));

        public static void Run(string target, byte[] input)
        {
            switch (target)
            {
                case "netlink": Netlink(input); break;
                case "rules": Rules(Encoding.UTF8.GetString(input)); break;
                case "connections": Connections(Encoding.UTF8.GetString(input)); break;
                default: throw new ArgumentException($"There is no fuzz target '{target}'; there are {string.Join(", ", Names)}.", nameof(target));
            }
        }

        /// <summary>
        /// A received datagram: every message decoded by every decoder, each of which may refuse it with a
        /// NetlinkProtocolException; what decodes, encoded again the way requests are, decodes to the same rule.
        /// </summary>
        public static void Netlink(ReadOnlySpan<byte> datagram)
        {
            try
            {
                foreach (var message in new NetlinkMessageEnumerator(datagram))
                    DecodeEveryWay(message);
            }
            catch (NetlinkProtocolException)
            {
            }
        }

        private static void DecodeEveryWay(NetlinkMessage message)
        {
            if (message.Type == MessageError)
            {
                try { GenericNetlinkConnection.ReadError(message, "fuzz"); } catch (NetlinkProtocolException) { }
                return;
            }
            try { ServiceRoundTrip(IpvsCodec.DecodeService(message)); } catch (NetlinkProtocolException) { }
            try { RealServerRoundTrip(IpvsCodec.DecodeRealServer(message, RealServerKey)); } catch (NetlinkProtocolException) { }
            try { IpvsCodec.DecodeInfo(message); } catch (NetlinkProtocolException) { }
            try { IpvsCodec.DecodeTimeout(message); } catch (NetlinkProtocolException) { }
            try { IpvsCodec.DecodeDaemon(message); } catch (NetlinkProtocolException) { }
        }

        private static void ServiceRoundTrip(LvsService service)
        {
            var writer = new NetlinkMessageWriter();
            writer.BeginGenericMessage(IpvsFamily, 1, 1, 0, 0);
            IpvsCodec.WriteService(writer, service);
            writer.EndMessage();
            var again = IpvsCodec.DecodeService(OnlyMessage(writer));
            Same("service", RuleWriter.ServiceLine(service), RuleWriter.ServiceLine(again));
        }

        private static void RealServerRoundTrip(LvsRealServer server)
        {
            var writer = new NetlinkMessageWriter();
            writer.BeginGenericMessage(IpvsFamily, 5, 1, 0, 0);
            IpvsCodec.WriteRealServer(writer, server, keyOnly: false);
            writer.EndMessage();
            var again = IpvsCodec.DecodeRealServer(OnlyMessage(writer), RealServerKey);
            Same("real server", RuleWriter.RealServerLine(RealServerKey, server), RuleWriter.RealServerLine(RealServerKey, again));
        }

        private static NetlinkMessage OnlyMessage(NetlinkMessageWriter writer)
        {
            var messages = new NetlinkMessageEnumerator(writer.WrittenSpan);
            messages.MoveNext();
            return messages.Current;
        }

        /// <summary>
        /// Rule lines: parsed, or refused with a RuleParseException naming a line that exists; every service
        /// and real server parsed, written as a rule line, parses to the same line again.
        /// </summary>
        public static void Rules(string text)
        {
            var lines = text.Split('\n');
            System.Collections.Generic.List<Rule> rules;
            try
            {
                rules = RuleParser.Parse(lines, Ports);
            }
            catch (RuleParseException error)
            {
                if (error.LineNumber < 1 || error.LineNumber > lines.Length)
                    throw new FuzzInvariantException($"The parse error names line {error.LineNumber} of {lines.Length}.");
                return;
            }
            foreach (var rule in rules)
            {
                switch (rule.Command)
                {
                    case RuleCommand.AddService or RuleCommand.EditService:
                        string serviceLine = RuleWriter.ServiceLine(rule.Service!);
                        var service = Reparse(serviceLine, RuleCommand.AddService);
                        Same("service key", rule.ServiceKey!.ToString(), service.ServiceKey!.ToString());
                        Same("service line", serviceLine, RuleWriter.ServiceLine(service.Service!));
                        break;
                    case RuleCommand.AddRealServer or RuleCommand.EditRealServer:
                        string serverLine = RuleWriter.RealServerLine(rule.ServiceKey!, rule.RealServer!);
                        var server = Reparse(serverLine, RuleCommand.AddRealServer);
                        Same("real server line", serverLine, RuleWriter.RealServerLine(server.ServiceKey!, server.RealServer!));
                        break;
                }
            }
        }

        private static Rule Reparse(string line, RuleCommand command)
        {
            Rule? rule;
            try
            {
                rule = RuleParser.ParseLine(line, 1, Ports);
            }
            catch (RuleParseException error)
            {
                throw new FuzzInvariantException($"The line written for a parsed rule does not parse: {error.Message}");
            }
            if (rule is null || rule.Command != command)
                throw new FuzzInvariantException($"The line written for a parsed rule, '{line}', reads as {rule?.Command.ToString() ?? "nothing"}.");
            return rule;
        }

        /// <summary>
        /// /proc/net/ip_vs_conn text: every row read, or refused with a FormatException; a row read,
        /// written in the kernel's format again, reads to the same connection.
        /// </summary>
        public static void Connections(string text)
        {
            try
            {
                foreach (var connection in ConnectionTable.Read(new StringReader(text)))
                {
                    if (connection.Protocol.Length == 0 || connection.State.Length == 0 || connection.Protocol.Any(char.IsWhiteSpace) || connection.State.Any(char.IsWhiteSpace))
                        throw new FuzzInvariantException($"A connection has protocol '{connection.Protocol}' and state '{connection.State}'.");
                    string row = KernelRow(connection);
                    string again = KernelRow(ConnectionTable.ParseLine(row, 1));
                    Same("connection", row, again);
                }
            }
            catch (FormatException)
            {
            }
        }

        private static string KernelRow(LvsConnection c) => string.Join(" ",
            new[] { c.Protocol, Hex(c.ClientAddress), c.ClientPort.ToString("X4"), Hex(c.VirtualAddress), c.VirtualPort.ToString("X4"),
                Hex(c.RealServerAddress), c.RealServerPort.ToString("X4"), c.State, c.Expires.ToString(System.Globalization.CultureInfo.InvariantCulture),
                c.PersistenceEngine, c.PersistenceData }.Where(field => field is not null));

        private static string Hex(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
            ? Convert.ToHexString(address.GetAddressBytes())
            : address.ToString();

        private static void Same(string what, string expected, string actual)
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                throw new FuzzInvariantException($"The {what} changed on its way back: '{expected}' became '{actual}'.");
        }
    }
}
