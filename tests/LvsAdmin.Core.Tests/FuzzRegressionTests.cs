using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LvsAdmin.Fuzz;
using LvsAdmin.Rules;

namespace LvsAdmin.Core.Tests
{
    /// <summary>
    /// Every input the fuzzer found breaking an invariant (tests/LvsAdmin.Fuzz/Regressions/TARGET) and every
    /// seed it starts from keeps to the fuzz targets' invariants: only the documented exceptions, no wrong object.
    /// </summary>
    public class FuzzRegressionTests
    {
        private static string FuzzFolder => Path.Combine(AppContext.BaseDirectory, "Fuzz");

        public static IEnumerable<object[]> Inputs() =>
            Directory.GetFiles(FuzzFolder, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(FuzzFolder, path))
                .Order(StringComparer.Ordinal)
                .Select(relative => new object[] { relative });

        [Theory]
        [MemberData(nameof(Inputs))]
        public void A_fuzz_input_keeps_to_its_targets_invariants(string relativePath)
        {
            string target = relativePath.Split(Path.DirectorySeparatorChar)[0];
            Assert.Contains(target, FuzzTargets.Names);
            FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(FuzzFolder, relativePath)));
        }

        [Fact]
        public void The_netlink_regressions_and_seeds_are_there() =>
            Assert.True(Directory.GetFiles(Path.Combine(FuzzFolder, "netlink")).Length >= 3);

        [Fact]
        public void The_rule_seeds_are_rules_that_parse()
        {
            var seeds = Directory.GetFiles(Path.Combine(FuzzFolder, "rules"));
            Assert.NotEmpty(seeds);
            foreach (string seed in seeds)
                Assert.NotEmpty(RuleParser.Parse(File.ReadAllLines(seed), PortNames.Read(new StringReader("http 80/tcp\n"))));
        }

        [Fact]
        public void The_connection_seeds_are_rows_that_parse()
        {
            var seeds = Directory.GetFiles(Path.Combine(FuzzFolder, "connections"));
            Assert.NotEmpty(seeds);
            foreach (string seed in seeds)
                Assert.NotEmpty(Connections.ConnectionTable.Read(File.OpenText(seed)).ToList());
        }

        [Fact]
        public void Every_reply_in_the_golden_captures_decodes_and_encodes_back_to_the_same_rule()
        {
            foreach (string capture in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "*.strace"))
            {
                foreach (var reply in StraceCapture.Read(Path.GetFileNameWithoutExtension(capture)).Where(message => !message.Sent))
                    FuzzTargets.Netlink(reply.Bytes);
            }
        }
    }
}
