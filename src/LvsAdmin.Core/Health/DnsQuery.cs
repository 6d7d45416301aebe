using System;
using System.Buffers.Binary;
using System.Text;

namespace LvsAdmin.Health
{
    /// <summary>The one DNS question a Dns probe sends (RFC 1035), and what it reads of the answer.</summary>
    public static class DnsQuery
    {
        private const int HeaderBytes = 12;
        private const ushort RecursionDesired = 0x0100;
        private const ushort Response = 0x8000;
        private const ushort ClassInternet = 1;

        /// <summary>Why a name cannot be asked for, or null: labels of 1 to 63 ASCII characters, 253 in all.</summary>
        public static string? Validate(string name)
        {
            string trimmed = name.TrimEnd('.');
            if (trimmed.Length > 253)
                return $"the DNS name '{name}' is longer than 253 characters";
            if (trimmed.Length == 0)
                return null;
            foreach (string label in trimmed.Split('.'))
            {
                if (label.Length is 0 or > 63)
                    return $"the DNS name '{name}' has a label of {label.Length} characters: each is 1 to 63";
                foreach (char c in label)
                {
                    if (c > 0x7e || c <= 0x20)
                        return $"the DNS name '{name}' has '{c}', not a character of a DNS label (write an internationalized name in its xn-- form)";
                }
            }
            return null;
        }

        public static byte[] Build(ushort id, string name, ushort type)
        {
            if (Validate(name) is string error)
                throw new ArgumentException(char.ToUpperInvariant(error[0]) + error.Substring(1) + ".", nameof(name));
            string trimmed = name.TrimEnd('.');
            string[] labels = trimmed.Length == 0 ? Array.Empty<string>() : trimmed.Split('.');
            int nameBytes = 1;
            foreach (string label in labels)
                nameBytes += 1 + label.Length;
            var query = new byte[HeaderBytes + nameBytes + 4];
            BinaryPrimitives.WriteUInt16BigEndian(query, id);
            BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(2), RecursionDesired);
            BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(4), 1);
            int at = HeaderBytes;
            foreach (string label in labels)
            {
                query[at++] = (byte)label.Length;
                at += Encoding.ASCII.GetBytes(label, query.AsSpan(at));
            }
            query[at++] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at), type);
            BinaryPrimitives.WriteUInt16BigEndian(query.AsSpan(at + 2), ClassInternet);
            return query;
        }

        /// <summary>Reads the response code and the number of answer records of a reply to the question with this id.</summary>
        public static bool TryReadAnswer(ReadOnlySpan<byte> reply, ushort id, out int responseCode, out int answers)
        {
            responseCode = answers = 0;
            if (reply.Length < HeaderBytes || BinaryPrimitives.ReadUInt16BigEndian(reply) != id)
                return false;
            ushort flags = BinaryPrimitives.ReadUInt16BigEndian(reply.Slice(2));
            if ((flags & Response) == 0)
                return false;
            responseCode = flags & 0x000f;
            answers = BinaryPrimitives.ReadUInt16BigEndian(reply.Slice(6));
            return true;
        }

        public static string Describe(int responseCode) => responseCode switch
        {
            0 => "NOERROR",
            1 => "FORMERR",
            2 => "SERVFAIL",
            3 => "NXDOMAIN",
            4 => "NOTIMP",
            5 => "REFUSED",
            _ => $"response code {responseCode}",
        };
    }
}
