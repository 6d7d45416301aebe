using System;
using System.IO;
using System.Text;
using static Tmds.Linux.LibC;

namespace LvsAdmin.Netlink
{
    /// <summary>
    /// Runs code with the calling thread inside another network namespace and then returns the thread
    /// to its own. Sockets created inside stay bound to that namespace after the thread leaves.
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

        /// <summary>Runs action inside the namespace at path (or where the thread is, when path is null).</summary>
        public static T Run<T>(string? path, Func<T> action)
        {
            if (path is null)
                return action();
            int target = Open(path);
            int own = -1;
            try
            {
                own = Open("/proc/thread-self/ns/net");
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
                try
                {
                    return action();
                }
                finally
                {
                    if (setns(own, CLONE_NEWNET) != 0)
                    {
                        // A thread left in a foreign namespace would silently act on the wrong table.
                        Environment.FailFast($"LvsAdmin could not return a thread to its own network namespace: {Errno.Describe(errno)}");
                    }
                }
            }
            finally
            {
                close(target);
                if (own >= 0)
                    close(own);
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
