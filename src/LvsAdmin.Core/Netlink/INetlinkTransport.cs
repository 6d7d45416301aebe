using System;

namespace LvsAdmin.Netlink
{
    /// <summary>
    /// Where netlink datagrams go and come from: the kernel's socket (<see cref="NetlinkSocket"/>), or in
    /// tests a script of the kernel's replies. <see cref="GenericNetlinkConnection"/> owns the protocol above it.
    /// </summary>
    public interface INetlinkTransport : IDisposable
    {
        /// <summary>The send buffer granted: one datagram must fit in it.</summary>
        int SendBufferBytes { get; }

        /// <summary>The receive buffer granted: replies that do not fit while unread are dropped (ENOBUFS).</summary>
        int ReceiveBufferBytes { get; }

        TimeSpan Timeout { get; }

        /// <summary>Sends one datagram. When it throws, the kernel did not take the datagram.</summary>
        void Send(ReadOnlySpan<byte> datagram);

        /// <summary>
        /// Receives up to <c>lengths.Length</c> datagrams: datagram i is written at i * (buffer.Length /
        /// lengths.Length), and lengths[i] is its full length (larger than that share when it was cut).
        /// With wait, waits for the first up to <see cref="Timeout"/> (then throws <see cref="NetlinkTimeoutException"/>);
        /// without, returns 0 when none is queued. Throws <see cref="NetlinkException"/> with ENOBUFS, once,
        /// when the kernel dropped replies because the receive buffer was full.
        /// </summary>
        int ReceiveMany(Span<byte> buffer, Span<int> lengths, bool wait = true);
    }
}
