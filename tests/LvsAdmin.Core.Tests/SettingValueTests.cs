using System.Collections.Generic;
using LvsAdmin.Settings;
using Xunit;

namespace LvsAdmin.Core.Tests
{
    /// <summary>The checks Set-LvsSetting makes before writing a sysctl, and the text it writes.</summary>
    public class SettingValueTests
    {
        public static TheoryData<string, object, string> Accepted => new()
        {
            { "expire_nodest_conn", 1, "1" },
            { "expire_nodest_conn", true, "1" },
            { "expire_nodest_conn", false, "0" },
            { "expire_nodest_conn", "1", "1" },
            { "expire_nodest_conn", 1L, "1" },
            { "expire_nodest_conn", 1.0, "1" },
            { "conn_reuse_mode", 3, "3" },
            { "est_nice", -20, "-20" },
            { "sync_ports", 8, "8" },
            { "sync_threshold", new object[] { 3, 50 }, "3 50" },
            { "sync_threshold", "3\t50", "3 50" },
            { "sync_threshold", "3,50", "3 50" },
            { "sync_threshold", new[] { 7, 0 }, "7 0" },
            { "sync_qlen_max", 9_000_000_000L, "9000000000" },
            { "est_cpulist", " 0-3,8 ", "0-3,8" },
            { "a_setting_of_a_newer_kernel", "anything", "anything" },
        };

        public static TheoryData<string, object> Refused => new()
        {
            { "expire_nodest_conn", 2 },
            { "expire_nodest_conn", -1 },
            { "expire_nodest_conn", "yes" },
            { "expire_nodest_conn", 1.5 },
            { "expire_nodest_conn", new[] { 1, 1 } },
            { "conn_reuse_mode", 4 },
            { "drop_entry", 4 },
            { "sync_retries", 4 },
            { "est_nice", 20 },
            { "sync_ports", 0 },
            { "sync_ports", 6 },
            { "sync_threshold", 3 },
            { "sync_threshold", new[] { 50, 3 } },
            { "sync_threshold", new[] { 3, 3 } },
            { "sync_threshold", new[] { -1, 50 } },
            { "sync_threshold", "3 fifty" },
            { "amemthresh", 3_000_000_000L },
            { "sync_qlen_max", 0 },
        };

        [Theory]
        [MemberData(nameof(Accepted))]
        public void Writes_a_valid_value_as_sysctl_reads_it(string name, object value, string text) =>
            Assert.Equal(text, IpvsSettings.ToKernelText(name, value));

        [Theory]
        [MemberData(nameof(Refused))]
        public void Refuses_a_value_out_of_type_or_range_naming_the_setting(string name, object value)
        {
            var refused = Assert.Throws<LvsArgumentException>(() => IpvsSettings.ToKernelText(name, value));
            Assert.Equal("InvalidSettingValue", refused.Reason);
            Assert.Contains(name, refused.Message);
        }

        [Fact]
        public void Refuses_no_value() =>
            Assert.Equal("InvalidSettingValue", Assert.Throws<LvsArgumentException>(() => IpvsSettings.ToKernelText("conntrack", null)).Reason);

        [Fact]
        public void Formats_values_as_sysctl_shows_them()
        {
            Assert.Equal("3 50", IpvsSettings.FormatValue(new[] { 3, 50 }));
            Assert.Equal("23872", IpvsSettings.FormatValue(23872L));
            Assert.Equal("0-3", IpvsSettings.FormatValue("0-3"));
            Assert.Equal("", IpvsSettings.FormatValue(null));
        }
    }
}
