using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using LvsAdmin.Core.Tests;

namespace LvsAdmin.Fuzz
{
    /// <summary>
    /// The fuzzing harness that build.ps1 Fuzz runs under AFL++:
    ///   LvsAdmin.Fuzz run TARGET          one target, reading each input from standard input (afl-fuzz's child)
    ///   LvsAdmin.Fuzz seeds DIRECTORY     writes the netlink seeds: the kernel's replies in the golden captures
    ///   LvsAdmin.Fuzz replay TARGET FILE... runs the target on files; exit status 1 when any breaks an invariant
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            switch (args.FirstOrDefault())
            {
                case "run" when args.Length == 2 && FuzzTargets.Names.Contains(args[1]):
                    SharpFuzz.Fuzzer.OutOfProcess.Run(stream => FuzzTargets.Run(args[1], ReadAll(stream)));
                    return 0;
                case "seeds" when args.Length == 2:
                    WriteNetlinkSeeds(args[1]);
                    return 0;
                case "replay" when args.Length >= 2 && FuzzTargets.Names.Contains(args[1]):
                    return Replay(args[1], args.Skip(2));
                default:
                    Console.Error.WriteLine($"Usage: LvsAdmin.Fuzz run|replay TARGET [FILE...] | seeds DIRECTORY; targets: {string.Join(", ", FuzzTargets.Names)}");
                    return 2;
            }
        }

        private static byte[] ReadAll(Stream stream)
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }

        private static int Replay(string target, IEnumerable<string> files)
        {
            int broken = 0;
            foreach (string file in files)
            {
                try
                {
                    FuzzTargets.Run(target, File.ReadAllBytes(file));
                }
                catch (Exception error)
                {
                    broken++;
                    Console.WriteLine($"{file}: {error}");
                }
            }
            return broken == 0 ? 0 : 1;
        }

        /// <summary>Each reply message alone, and each capture's replies together as one datagram.</summary>
        private static void WriteNetlinkSeeds(string directory)
        {
            Directory.CreateDirectory(directory);
            var golden = Path.Combine(AppContext.BaseDirectory, "Golden");
            foreach (string capture in Directory.GetFiles(golden, "*.strace").Select(path => Path.GetFileNameWithoutExtension(path)).Order(StringComparer.Ordinal))
            {
                var replies = StraceCapture.Read(capture).Where(message => !message.Sent).Select(message => message.Bytes).ToList();
                foreach (var reply in replies)
                    WriteSeed(directory, reply);
                WriteSeed(directory, replies.SelectMany(reply => reply.Concat(new byte[Padding(reply.Length)])).ToArray());
            }
        }

        private static int Padding(int length) => (4 - length % 4) % 4;

        private static void WriteSeed(string directory, byte[] bytes) =>
            File.WriteAllBytes(Path.Combine(directory, Convert.ToHexString(SHA256.HashData(bytes)).Substring(0, 16)), bytes);
    }
}
