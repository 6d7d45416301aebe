using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace LvsAdmin.Core.Tests
{
    /// <summary>One netlink message from a strace capture, rebuilt as the bytes that crossed the socket.</summary>
    public sealed record CapturedMessage(bool Sent, ushort Type, ushort Flags, byte[] Bytes)
    {
        /// <summary>For generic-netlink messages: the command byte.</summary>
        public byte Command => Bytes[16];

        public byte[] Payload => Bytes.AsSpan(16).ToArray();
    }

    /// <summary>Reads the golden captures written by tests/kernel/capture-golden.sh.</summary>
    public static class StraceCapture
    {
        public const ushort IpvsFamily = 0x1c;

        private static readonly Regex Header = new Regex(
            @"(?<prefix>msg=[\[{])?\{nlmsg_len=(?<len>\d+), nlmsg_type=(?<type>0x[0-9a-f]+|NLMSG_\w+)[^,]*, nlmsg_flags=(?<flags>[^,]+), nlmsg_seq=(?<seq>\d+), nlmsg_pid=(?<pid>-?\d+)\}, (?:""(?<hex>(?:\\x[0-9a-f]{2})*)""|\{error=(?<error>-?\w+))",
            RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private static readonly Dictionary<string, ushort> FlagNames = new Dictionary<string, ushort>
        {
            ["NLM_F_REQUEST"] = 0x1, ["NLM_F_MULTI"] = 0x2, ["NLM_F_ACK"] = 0x4, ["NLM_F_ECHO"] = 0x8,
            ["NLM_F_DUMP_INTR"] = 0x10, ["NLM_F_CAPPED"] = 0x100, ["NLM_F_ACK_TLVS"] = 0x200,
        };

        private static readonly Dictionary<string, int> ErrorNames = new Dictionary<string, int>
        {
            ["0"] = 0, ["-EEXIST"] = -17, ["-ESRCH"] = -3, ["-ENOENT"] = -2, ["-EINVAL"] = -22,
        };

        public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name + ".strace");

        public static List<CapturedMessage> Read(string name)
        {
            var messages = new List<CapturedMessage>();
            foreach (string line in File.ReadLines(PathOf(name)))
            {
                bool sent = line.StartsWith("sendmsg(", StringComparison.Ordinal);
                if (!sent && !line.StartsWith("recvmsg(", StringComparison.Ordinal))
                    continue;
                // libnl peeks at each datagram (MSG_PEEK) before it reads it: the same bytes come again.
                if (line.Contains("MSG_PEEK", StringComparison.Ordinal))
                    continue;
                foreach (Match match in Header.Matches(line))
                {
                    if (match.Groups["prefix"].Success)
                        continue; // the request an error message echoes: part of that error, not a message of its own
                    messages.Add(Rebuild(sent, match));
                }
            }
            return messages;
        }

        private static CapturedMessage Rebuild(bool sent, Match match)
        {
            string typeText = match.Groups["type"].Value;
            ushort type = typeText switch
            {
                "NLMSG_NOOP" => 1,
                "NLMSG_ERROR" => 2,
                "NLMSG_DONE" => 3,
                _ => ushort.Parse(typeText.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            };
            ushort flags = 0;
            foreach (string flag in match.Groups["flags"].Value.Split('|'))
            {
                flags |= flag.StartsWith("0x", StringComparison.Ordinal)
                    ? ushort.Parse(flag.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                    : flag == "0" ? (ushort)0 : FlagNames[flag];
            }
            byte[] payload;
            if (match.Groups["hex"].Success)
            {
                payload = Convert.FromHexString(match.Groups["hex"].Value.Replace("\\x", ""));
            }
            else
            {
                // An error or acknowledgement: the code, then the echoed request header (capped).
                payload = new byte[4 + 16];
                BinaryPrimitives.WriteInt32LittleEndian(payload, ErrorNames[match.Groups["error"].Value]);
            }
            var bytes = new byte[16 + payload.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), type);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), flags);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), uint.Parse(match.Groups["seq"].Value, CultureInfo.InvariantCulture));
            payload.CopyTo(bytes, 16);
            return new CapturedMessage(sent, type, flags, bytes);
        }

        public static IEnumerable<CapturedMessage> Ipvs(this IEnumerable<CapturedMessage> messages, bool sent, byte command) =>
            messages.Where(m => m.Sent == sent && m.Type == IpvsFamily && m.Command == command);
    }
}
