using System;

namespace LvsAdmin.Netlink
{
    /// <summary>A request the kernel answered with an error, or a socket call that failed.</summary>
    public class NetlinkException : Exception
    {
        public NetlinkException(int errno, string message, string? kernelMessage = null, string? action = null)
            : base(kernelMessage is null ? message : $"{message}: {kernelMessage}")
        {
            Errno = errno;
            KernelMessage = kernelMessage;
            Action = action;
        }

        /// <summary>What was asked of the kernel, such as 'add the virtual service TCP 10.0.0.1:80'.</summary>
        public string? Action { get; }

        /// <summary>The positive errno value (ENOENT is 2, EEXIST 17 ...).</summary>
        public int Errno { get; }

        /// <summary>The kernel's extended-ack text, when it sent one.</summary>
        public string? KernelMessage { get; }
    }

    /// <summary>Bytes from the kernel that are not a well-formed netlink message or attribute.</summary>
    public class NetlinkProtocolException : Exception
    {
        public NetlinkProtocolException(string message) : base(message) { }
    }

    /// <summary>The kernel did not answer within the socket's timeout.</summary>
    public class NetlinkTimeoutException : TimeoutException
    {
        public NetlinkTimeoutException(string message) : base(message) { }
    }
}
