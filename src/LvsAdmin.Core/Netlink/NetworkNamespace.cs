using System;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading;
using static Tmds.Linux.LibC;

namespace LvsAdmin.Netlink
{
    /// <summary>
    /// Runs code inside another network namespace. Sockets created there stay bound to that namespace
    /// after the thread that created them has ended.
    /// </summary>
    public static unsafe class NetworkNamespace
    {
        public const string NamedNamespaceFolder = "/run/netns";

        /// <summary>The path of a namespace given by name (as `ip netns` makes) or by path.</summary>
        public static string ResolvePath(string nameOrPath)
        {
            if (string.IsNullOrWhiteSpace(nameOrPath))
                throw new ArgumentException("A network namespace name or path cannot be empty.", nameof(nameOrPath));
            string path = nameOrPath.Contains('/') ? nameOrPath : Path.Combine(NamedNamespaceFolder, nameOrPath);
            if (!File.Exists(path))
            {
                throw new NetworkNamespaceException(nameOrPath.Contains('/')
                    ? $"The network namespace path '{nameOrPath}' does not exist."
                    : $"There is no network namespace named '{nameOrPath}' ({path} does not exist; `ip netns list` shows the names).");
            }
            return path;
        }

        /// <summary>
        /// Runs action inside the namespace at path (where the caller is, when path is null). It runs on a
        /// short-lived thread of its own that enters the namespace and then ends, so that no thread of the
        /// caller's (the PowerShell pipeline's, a pool's) is ever left in a foreign namespace.
        /// </summary>
        public static T Run<T>(string? path, Func<T> action)
        {
            if (path is null)
                return action();
            T result = default!;
            ExceptionDispatchInfo? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    Enter(path);
                    result = action();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
            }, maxStackSize: 256 * 1024)
            { Name = "LvsAdmin netns", IsBackground = true };
            thread.Start();
            thread.Join();
            failure?.Throw();
            return result;
        }

        private static void Enter(string path)
        {
            int target = Open(path);
            try
            {
                if (setns(target, CLONE_NEWNET) != 0)
                {
                    int error = errno;
                    throw new NetworkNamespaceException(error switch
                    {
                        Errno.EINVAL => $"'{path}' is not a network namespace.",
                        Errno.EPERM => $"Entering the network namespace '{path}' needs CAP_SYS_ADMIN: run as root.",
                        _ => $"Could not enter the network namespace '{path}': {Errno.Describe(error)}.",
                    });
                }
            }
            finally
            {
                close(target);
            }
        }

        private static int Open(string path)
        {
            byte[] name = Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* pathname = name)
            {
                int fd = open(pathname, O_RDONLY | O_CLOEXEC, 0);
                if (fd < 0)
                {
                    int error = errno;
                    throw new NetworkNamespaceException($"Could not open the network namespace '{path}': {Errno.Describe(error)}.");
                }
                return fd;
            }
        }
    }

    /// <summary>A network namespace that does not exist, is not one, or cannot be entered.</summary>
    public class NetworkNamespaceException : Exception
    {
        public NetworkNamespaceException(string message) : base(message) { }
    }
}
