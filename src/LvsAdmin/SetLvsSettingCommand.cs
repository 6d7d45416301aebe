using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using LvsAdmin.Settings;

namespace LvsAdmin.Commands
{
    /// <summary>Changes an IPVS setting of the network namespace (a net.ipv4.vs.* sysctl), after checking the value.</summary>
    [Cmdlet(VerbsCommon.Set, "LvsSetting", SupportsShouldProcess = true)]
    [OutputType(typeof(LvsSetting))]
    public sealed class SetLvsSettingCommand : LvsCmdlet
    {
        private List<LvsSetting>? _settings;

        /// <summary>The name as under /proc/sys/net/ipv4/vs, such as expire_nodest_conn.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = "";

        /// <summary>A number (or $true/$false for the 0-or-1 settings), two numbers for sync_threshold, text for est_cpulist.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        public object Value { get; set; } = null!;

        /// <summary>Writes the setting as the kernel then has it.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal static string NoSuchSetting(string name, string? networkNamespace) =>
            $"The kernel has no IPVS setting '{name}'{(networkNamespace is null ? "" : $" in the network namespace '{networkNamespace}'")}"
            + (IpvsSettings.Since(name) is string since ? $": it came with kernel {since}, and this one is {System.IO.File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}." : ": Get-LvsSetting lists those it has.");

        protected override void ProcessRecord()
        {
            _settings ??= ReadSettings();
            int index = _settings.FindIndex(setting => setting.Name.Equals(Name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                WriteNotFound("Setting", NoSuchSetting(Name, NetworkNamespace), Name);
                return;
            }
            var current = _settings[index];
            if (current.ReadOnly)
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"The IPVS setting {current.Name} is read-only{(NetworkNamespace is null ? "" : $" in the network namespace '{NetworkNamespace}'")}."),
                    "SettingReadOnly", ErrorCategory.PermissionDenied, current.Name));
                return;
            }
            if (!TryKernel(() => IpvsSettings.ToKernelText(current.Name, Unwrapped(Value)), "Setting", current.Name, out string text))
                return;
            if (text == IpvsSettings.FormatValue(current.Value))
            {
                if (PassThru)
                    WriteObject(current);
                return;
            }
            string where = NetworkNamespace is null ? "" : $" in {NetworkNamespace}";
            if (!ShouldProcess($"IPVS setting {current.Name}{where}", $"Set to {text} (now {IpvsSettings.FormatValue(current.Value)})"))
                return;
            if (!TryKernel(() => IpvsSettings.Write(NetworkNamespace, current.Name, text), "Setting", current.Name, out var written))
                return;
            _settings[index] = written;
            if (PassThru)
                WriteObject(written);
        }

        /// <summary>The value without PowerShell's wrappers, a list's items included (3, 50 for sync_threshold).</summary>
        private static object? Unwrapped(object? value) => value switch
        {
            PSObject wrapped => Unwrapped(wrapped.BaseObject),
            string => value,
            IEnumerable list => list.Cast<object?>().Select(Unwrapped).ToArray(),
            _ => value,
        };
    }
}
