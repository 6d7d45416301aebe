using System.Linq;
using System.Management.Automation;

namespace LvsAdmin.Commands
{
    /// <summary>Gets the IPVS settings of the network namespace: the net.ipv4.vs.* sysctls, typed and described.</summary>
    [Cmdlet(VerbsCommon.Get, "LvsSetting")]
    [OutputType(typeof(LvsSetting))]
    public sealed class GetLvsSettingCommand : LvsCmdlet
    {
        /// <summary>Names as under /proc/sys/net/ipv4/vs (wildcards allowed); without it, every setting.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            var settings = ReadSettings();
            if (Name is null)
            {
                WriteObject(settings, enumerateCollection: true);
                return;
            }
            foreach (string name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = settings.Where(setting => pattern.IsMatch(setting.Name)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                    WriteNotFound("Setting", SetLvsSettingCommand.NoSuchSetting(name, NetworkNamespace), name);
                WriteObject(matches, enumerateCollection: true);
            }
        }
    }
}
