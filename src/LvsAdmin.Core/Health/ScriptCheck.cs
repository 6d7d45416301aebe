using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using LvsAdmin.Netlink;

namespace LvsAdmin.Health
{
    /// <summary>What a script check said of a server: healthy or not, and the weight it asks for, if any.</summary>
    public readonly record struct ScriptVerdict(bool Healthy, int? Weight, string Message)
    {
        /// <summary>
        /// keepalived's MISC_CHECK with misc_dynamic: 0 healthy, 1 unhealthy, 2 to 255 healthy with the weight
        /// code - 2. What the program wrote (its first line, standard error first) goes with it.
        /// </summary>
        public static ScriptVerdict FromExitCode(int code, string said)
        {
            string tail = said.Length > 0 ? $": {said}" : "";
            return code switch
            {
                0 => new ScriptVerdict(true, null, $"exit 0{tail}"),
                >= 2 and <= 255 => new ScriptVerdict(true, code - 2, $"exit {code} (weight {code - 2}){tail}"),
                _ => new ScriptVerdict(false, null, $"exit {code}{tail}"),
            };
        }
    }

    /// <summary>
    /// A check that a program or a script decides, given the service's key text, the endpoint to check, and the
    /// path of the network namespace to run in (the caller's when null).
    /// </summary>
    public delegate Task<ScriptVerdict> ScriptCheck(string service, IPEndPoint target, string? namespacePath, CancellationToken cancellation);

    /// <summary>Runs a program as a check, in the director's network namespace.</summary>
    public static class ProgramCheck
    {
        /// <summary>
        /// A check that runs the program with the server's address, port and service as its arguments (and in
        /// LVS_ADDRESS, LVS_PORT and LVS_SERVICE), in the check's network namespace, and reads its exit code (<see cref="ScriptVerdict.FromExitCode"/>). A program that cannot start is
        /// an error, not a verdict; one that outlives the check's time is killed with its children.
        /// </summary>
        public static ScriptCheck For(string path) => async (service, target, namespacePath, cancellation) =>
        {
            var start = new ProcessStartInfo(path)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            string port = target.Port.ToString(CultureInfo.InvariantCulture);
            foreach (string argument in new[] { target.Address.ToString(), port, service })
                start.ArgumentList.Add(argument);
            start.Environment["LVS_ADDRESS"] = target.Address.ToString();
            start.Environment["LVS_PORT"] = port;
            start.Environment["LVS_SERVICE"] = service;
            // A child is made by the thread that starts it, in that thread's network namespace.
            using var process = NetworkNamespace.Run(namespacePath, () => Process.Start(start)!);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            string said = FirstLine(await errors.ConfigureAwait(false)) ?? FirstLine(await output.ConfigureAwait(false)) ?? "";
            return ScriptVerdict.FromExitCode(process.ExitCode, said);
        };

        private static string? FirstLine(string text) =>
            text.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0);
    }
}
