using System;
using System.Collections.Generic;
using System.Linq;

namespace LvsAdmin.Netlink
{
    /// <summary>A request the kernel answered with an error, or a socket call that failed.</summary>
    public class NetlinkException : Exception
    {
        public NetlinkException(int errno, string message, string? kernelMessage = null, string? action = null, Exception? inner = null)
            : base(kernelMessage is null ? message : $"{message}: {kernelMessage}", inner)
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

    /// <summary>What became of one request of a batch.</summary>
    public enum BatchOutcome
    {
        /// <summary>The kernel took it.</summary>
        Accepted,
        /// <summary>The kernel refused it; its error is in <see cref="NetlinkBatchException.Results"/>.</summary>
        Refused,
        /// <summary>It was sent, but its reply was lost: the kernel may have taken it or not.</summary>
        Unknown,
        /// <summary>It was never sent: the kernel did not see it.</summary>
        NotSent,
    }

    /// <summary>
    /// A batch cut short by the transport (replies dropped for want of receive buffer, no answer in
    /// time, a send the kernel did not take): each request's outcome, as far as it is known.
    /// </summary>
    public class NetlinkBatchException : NetlinkException
    {
        public NetlinkBatchException(int errno, string message, Exception cause, IReadOnlyList<NetlinkException?> results, IReadOnlyList<BatchOutcome> outcomes)
            : base(errno, message, null, null, cause)
        {
            Results = results;
            Outcomes = outcomes;
        }

        /// <summary>Per request: the kernel's error for a refused one, else null.</summary>
        public IReadOnlyList<NetlinkException?> Results { get; }

        public IReadOnlyList<BatchOutcome> Outcomes { get; }

        public int Count(BatchOutcome outcome) => Outcomes.Count(o => o == outcome);

        /// <summary>
        /// The batch's outcomes when the transport failed: requests before firstUnknown are known (refused
        /// when results holds an error), those before firstNotSent were sent without a reply, the rest never went.
        /// </summary>
        public static NetlinkBatchException Interrupted(Exception cause, NetlinkException?[] results, int firstUnknown, int firstNotSent)
        {
            var outcomes = new BatchOutcome[results.Length];
            for (int i = 0; i < outcomes.Length; i++)
            {
                outcomes[i] = i >= firstNotSent ? BatchOutcome.NotSent
                    : i >= firstUnknown ? BatchOutcome.Unknown
                    : results[i] is null ? BatchOutcome.Accepted : BatchOutcome.Refused;
            }
            return WithOutcomes(cause, results, outcomes);
        }

        /// <summary>The same failure with outcomes learned since (by reading the table back).</summary>
        public NetlinkBatchException WithOutcomes(IReadOnlyList<NetlinkException?> results, IReadOnlyList<BatchOutcome> outcomes) =>
            WithOutcomes(InnerException!, results, outcomes);

        private static NetlinkBatchException WithOutcomes(Exception cause, IReadOnlyList<NetlinkException?> results, IReadOnlyList<BatchOutcome> outcomes)
        {
            int errno = cause is NetlinkException n ? n.Errno : LvsAdmin.Netlink.Errno.ETIMEDOUT;
            int Of(BatchOutcome outcome) => outcomes.Count(o => o == outcome);
            string message = $"A batch of {outcomes.Count} requests was cut short ({cause.Message}): {Of(BatchOutcome.Accepted)} applied, " +
                $"{Of(BatchOutcome.Refused)} refused, {Of(BatchOutcome.Unknown)} of unknown outcome, {Of(BatchOutcome.NotSent)} not sent.";
            return new NetlinkBatchException(errno, message, cause, results, outcomes);
        }
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
