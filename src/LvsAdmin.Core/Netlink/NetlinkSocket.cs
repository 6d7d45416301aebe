using System;
using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsAdmin.Netlink
{
    /// <summary>
    /// A bound AF_NETLINK socket with bounded send and receive waits. It belongs to the network
    /// namespace of the thread that created it.
    /// </summary>
    public sealed unsafe class NetlinkSocket : INetlinkTransport
    {
        public const int NetlinkGeneric = 16;
        private const int SolNetlink = 270;
        private const int NetlinkCapAck = 10;
        private const int NetlinkExtAck = 11;

        [StructLayout(LayoutKind.Sequential)]
        private struct SockaddrNl
        {
            public ushort Family;
            public ushort Pad;
            public uint PortId;
            public uint Groups;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timeval
        {
            public long Seconds;
            public long Microseconds;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct MultipleMessageHeader
        {
            public msghdr Header;
            public uint Length;
        }

        // Tmds.LibC declares struct mmsghdr but not the call.
        [DllImport("libc", SetLastError = true)]
        private static extern int recvmmsg(int fd, MultipleMessageHeader* headers, uint count, int flags, timespec* timeout);

        private int _fd;

        public NetlinkSocket(int protocol, TimeSpan timeout, int receiveBufferBytes = 4 * 1024 * 1024, int sendBufferBytes = 4 * 1024 * 1024)
        {
            _fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (_fd < 0)
                throw LastError("socket(AF_NETLINK)");
            try
            {
                var address = new SockaddrNl { Family = (ushort)AF_NETLINK };
                if (bind(_fd, (sockaddr*)&address, (uint)sizeof(SockaddrNl)) < 0)
                    throw LastError("bind(AF_NETLINK)");
                SetBufferSize(SO_RCVBUFFORCE, SO_RCVBUF, receiveBufferBytes);
                SetBufferSize(SO_SNDBUFFORCE, SO_SNDBUF, sendBufferBytes);
                // Both are optional refinements: older kernels without them still work.
                SetOption(SolNetlink, NetlinkExtAck, 1);
                SetOption(SolNetlink, NetlinkCapAck, 1);
                var wait = new Timeval { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
                setsockopt(_fd, SOL_SOCKET, SO_RCVTIMEO, &wait, (uint)sizeof(Timeval));
                setsockopt(_fd, SOL_SOCKET, SO_SNDTIMEO, &wait, (uint)sizeof(Timeval));
                SendBufferBytes = GetOption(SOL_SOCKET, SO_SNDBUF);
                ReceiveBufferBytes = GetOption(SOL_SOCKET, SO_RCVBUF);
                Timeout = timeout;
            }
            catch
            {
                close(_fd);
                throw;
            }
        }

        /// <inheritdoc/>
        public int SendBufferBytes { get; }

        /// <inheritdoc/>
        public int ReceiveBufferBytes { get; }

        public TimeSpan Timeout { get; }

        public void Send(ReadOnlySpan<byte> data)
        {
            ThrowIfDisposed();
            var destination = new SockaddrNl { Family = (ushort)AF_NETLINK };
            fixed (byte* buffer = data)
            {
                var vector = new iovec { iov_base = buffer, iov_len = (size_t)data.Length };
                var message = new msghdr
                {
                    msg_name = &destination,
                    msg_namelen = (uint)sizeof(SockaddrNl),
                    msg_iov = &vector,
                    msg_iovlen = 1,
                };
                while (true)
                {
                    long sent = sendmsg(_fd, &message, 0);
                    if (sent >= 0)
                        return;
                    int error = errno;
                    if (error == EINTR)
                        continue;
                    if (error == EAGAIN)
                        throw new NetlinkTimeoutException($"The kernel did not take a netlink request within {Timeout.TotalSeconds:0.#} s.");
                    throw new NetlinkException(error, $"sendmsg on the netlink socket failed: {Errno.Describe(error)}");
                }
            }
        }

        /// <inheritdoc/>
        /// <remarks>
        /// One recvmmsg waits for the first datagram and takes those already queued with it. That is the
        /// point: the kernel queues a dump's next part (or its end) while the previous part is being read,
        /// and a request's reply together with its acknowledgement, so one call usually brings everything a
        /// request caused.
        /// </remarks>
        public int ReceiveMany(Span<byte> buffer, Span<int> lengths, bool wait = true)
        {
            ThrowIfDisposed();
            int count = lengths.Length;
            int capacity = buffer.Length / count;
            var vectors = stackalloc iovec[count];
            var headers = stackalloc MultipleMessageHeader[count];
            fixed (byte* start = buffer)
            {
                for (int i = 0; i < count; i++)
                {
                    vectors[i] = new iovec { iov_base = start + i * capacity, iov_len = (size_t)capacity };
                    headers[i] = new MultipleMessageHeader { Header = new msghdr { msg_iov = &vectors[i], msg_iovlen = 1 } };
                }
                while (true)
                {
                    // MSG_TRUNC: netlink then reports each datagram's full length, even when it was cut.
                    int received = recvmmsg(_fd, headers, (uint)count, MSG_TRUNC | (wait ? MSG_WAITFORONE : MSG_DONTWAIT), null);
                    if (received > 0)
                    {
                        for (int i = 0; i < received; i++)
                            lengths[i] = (int)headers[i].Length;
                        return received;
                    }
                    int error = received == 0 ? EAGAIN : Marshal.GetLastPInvokeError();
                    if (error == EINTR)
                        continue;
                    if (error == EAGAIN && !wait)
                        return 0;
                    if (error == EAGAIN)
                        throw new NetlinkTimeoutException($"The kernel did not answer a netlink request within {Timeout.TotalSeconds:0.#} s.");
                    throw new NetlinkException(error, $"recvmmsg on the netlink socket failed: {Errno.Describe(error)}");
                }
            }
        }

        public void Dispose()
        {
            if (_fd >= 0)
            {
                close(_fd);
                _fd = -1;
            }
        }

        private void SetBufferSize(int forcedOption, int option, int bytes)
        {
            // The forced variant passes rmem_max/wmem_max and needs CAP_NET_ADMIN, which every IPVS call needs anyway.
            if (!SetOption(SOL_SOCKET, forcedOption, bytes))
                SetOption(SOL_SOCKET, option, bytes);
        }

        private bool SetOption(int level, int option, int value) =>
            setsockopt(_fd, level, option, &value, sizeof(int)) == 0;

        private int GetOption(int level, int option)
        {
            int value = 0;
            socklen_t length = sizeof(int);
            return getsockopt(_fd, level, option, &value, &length) == 0 ? value : 0;
        }

        private void ThrowIfDisposed()
        {
            if (_fd < 0)
                throw new ObjectDisposedException(nameof(NetlinkSocket));
        }

        private static NetlinkException LastError(string call)
        {
            int error = errno;
            return new NetlinkException(error, $"{call} failed: {Errno.Describe(error)}");
        }
    }
}
