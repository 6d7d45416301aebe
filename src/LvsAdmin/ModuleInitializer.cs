using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Tmds.LibC is built per architecture (its structs follow each one's ABI): the module carries the
    /// build of every architecture it supports under runtimes/RID/, and loads the one of this machine.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer
    {
        private const string LibC = "Tmds.LibC";

        public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveLibC;

        private static Assembly? ResolveLibC(AssemblyLoadContext context, AssemblyName name)
        {
            if (name.Name != LibC)
                return null;
            string rid = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "linux-x64",
                Architecture.Arm64 => "linux-arm64",
                var other => throw new PlatformNotSupportedException($"LvsAdmin runs on Linux x64 and arm64, not on {other}."),
            };
            string folder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
            string path = Path.Combine(folder, "runtimes", rid, LibC + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        }
    }
}
