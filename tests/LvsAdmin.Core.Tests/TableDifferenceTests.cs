using System.Collections.Generic;
using System.Linq;
using LvsAdmin.Ipvs;
using LvsAdmin.Rules;

namespace LvsAdmin.Core.Tests
{
    public class TableDifferenceTests
    {
        private static List<LvsTableEntry> Live(params string[] lines)
        {
            var desired = DesiredTable.FromRules(RuleParser.Parse(lines), out var failures);
            Assert.Empty(failures);
            return desired.Services.Select(s => new LvsTableEntry(s.Service, s.RealServers.Select(r => r.RealServer).ToList())).ToList();
        }

        private static List<LvsRuleDifference> Compare(string[] live, params string[] desired) =>
            TableDifference.Compute(Live(live), DesiredTable.FromRules(RuleParser.Parse(desired), out _));

        [Fact]
        public void Servers_watches_hold_down_stay_held_and_take_the_rules_settings_for_later()
        {
            var live = Live("-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 0", "-a -t 10.0.0.1:80 -r 192.168.1.4:80 -m -w 6");
            var desired = DesiredTable.FromRules(RuleParser.Parse(new[] { "-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 7 -x 90",
                "-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 2", "-a -t 10.0.0.1:80 -r 192.168.1.4:80 -m -w 6", "-a -t 10.0.0.1:80 -r 192.168.1.5:80 -m -w 1" }), out _);
            var held = Live("-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 4", "-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 2",
                "-a -t 10.0.0.1:80 -r 192.168.1.4:80 -m -w 1", "-a -t 10.0.0.1:80 -r 192.168.1.5:80 -m -w 1").Single().RealServers
                .Select(s => new Health.WatchHold(s, Removed: s.Address.ToString() == "192.168.1.3")).ToList();
            var servers = live.Single().RealServers;
            var kept = desired.KeepHeld(held, hold => servers.FirstOrDefault(s => s.HasEndpointOf(hold)));
            // .2 inhibited: kept at 0 with the rules' thresholds; .3 removed by the watch: left out; .4 given a weight again and
            // .5 (held at 0) removed by another hand: no longer held.
            Assert.Equal(new[] { "192.168.1.2:7", "192.168.1.3:2" }, kept.Select(k => $"{k.Settings.Address}:{k.Settings.Weight}"));
            var differences = TableDifference.Compute(live, desired);
            Assert.Equal(2, differences.Count);
            Assert.Equal(new[] { nameof(LvsRealServer.UpperThreshold) }, differences.Single(d => d.Action == LvsDifferenceAction.Change).Properties);
            Assert.Equal("192.168.1.5:80", differences.Single(d => d.Action == LvsDifferenceAction.Add).RealServer);
        }

        [Fact]
        public void Equal_tables_have_no_difference()
        {
            string[] rules = { "-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 3" };
            Assert.Empty(Compare(rules, rules));
        }

        [Fact]
        public void Compares_masks_as_the_kernel_keeps_them_not_as_text()
        {
            Assert.Empty(Compare(new[] { "-A -t 10.0.0.1:80 -p 60 -M 255.255.255.0" }, "-A -t 10.0.0.1:80 -p 60 -M 255.255.255.000"));
            var different = Assert.Single(Compare(new[] { "-A -t 10.0.0.1:80 -p 60 -M 255.255.255.0" }, "-A -t 10.0.0.1:80 -p 60 -M 255.255.0.0"));
            Assert.Equal(new[] { nameof(LvsService.PersistenceMask) }, different.Properties);
        }

        [Fact]
        public void Finds_the_fewest_changes_removals_first()
        {
            var differences = Compare(
                new[] { "-A -t 10.0.0.1:80 -s rr", "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 3", "-a -t 10.0.0.1:80 -r 192.168.1.3:80 -m -w 3", "-A -u 10.0.0.9:53 -s rr" },
                "-A -t 10.0.0.1:80 -s wlc", "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 5", "-a -t 10.0.0.1:80 -r 192.168.1.4:80 -m -w 1", "-A -f 7 -s rr");
            Assert.Equal(new[]
            {
                "Remove service UDP 10.0.0.9:53",
                "Change service TCP 10.0.0.1:80: Scheduler",
                "Add service FWM 7",
                "Remove real server 192.168.1.3:80 of TCP 10.0.0.1:80",
                "Change real server 192.168.1.2:80 of TCP 10.0.0.1:80: Weight",
                "Add real server 192.168.1.4:80 of TCP 10.0.0.1:80",
            }, differences.Select(d => d.ToString()));
            Assert.Equal(new[] { IpvsChangeKind.Delete, IpvsChangeKind.Update, IpvsChangeKind.Add, IpvsChangeKind.Delete, IpvsChangeKind.Update, IpvsChangeKind.Add },
                differences.Select(d => d.GetChange().Kind));
            Assert.Equal(new int?[] { null, 1, 4, null, 2, 3 }, differences.Select(d => d.LineNumber));
        }

        [Fact]
        public void Matches_the_real_servers_of_a_large_service_as_of_a_small_one()
        {
            // Past a few real servers a service's are matched through a dictionary rather than a scan.
            var live = new List<string> { "-A -t 10.0.0.1:80 -s rr" };
            var desired = new List<string> { "-A -t 10.0.0.1:80 -s rr" };
            for (int i = 1; i <= 40; i++)
            {
                if (i != 7)
                    live.Add($"-a -t 10.0.0.1:80 -r 192.168.1.{i}:80 -m -w 1");
                if (i != 30)
                    desired.Add($"-a -t 10.0.0.1:80 -r 192.168.1.{i}:80 -m -w {(i == 12 ? 5 : 1)}");
            }
            var differences = Compare(live.ToArray(), desired.ToArray());
            Assert.Equal(new[]
            {
                "Remove real server 192.168.1.30:80 of TCP 10.0.0.1:80",
                "Add real server 192.168.1.7:80 of TCP 10.0.0.1:80",
                "Change real server 192.168.1.12:80 of TCP 10.0.0.1:80: Weight",
            }, differences.Select(d => d.ToString()));
        }

        [Fact]
        public void Plays_edits_and_deletions_before_comparing()
        {
            var differences = Compare(new[] { "-A -t 10.0.0.1:80 -s rr" },
                "-A -t 10.0.0.1:80 -s wlc", "-A -t 10.0.0.2:80", "-E -t 10.0.0.1:80 -s rr", "-D -t 10.0.0.2:80");
            Assert.Empty(differences);
        }

        [Fact]
        public void Reports_rules_the_table_would_refuse()
        {
            DesiredTable.FromRules(RuleParser.Parse(new[] { "-A -t 10.0.0.1:80", "-A -t 10.0.0.1:80", "-a -t 10.0.0.2:80 -r 1.2.3.4", "-d -t 10.0.0.1:80 -r 1.2.3.4" }), out var failures);
            Assert.Equal(new[] { ("ServiceExists", 2), ("ServiceNotFound", 3), ("RealServerNotFound", 4) }, failures.Select(f => (f.Reason, f.Rule.LineNumber)));
        }

        [Fact]
        public void Persistence_mask_counts_only_for_persistent_services()
        {
            var live = Live("-A -t 10.0.0.1:80 -s rr");
            live[0].Service.PersistenceMask = "255.255.0.0";
            Assert.Empty(TableDifference.Compute(live, DesiredTable.FromRules(RuleParser.Parse(new[] { "-A -t 10.0.0.1:80 -s rr" }), out _)));
        }
    }
}
