using System;
using System.Net.Sockets;
using System.Text;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// sd_notify for a watch run as a systemd service (Type=notify): READY=1 once it watches, WATCHDOG=1 after
    /// every round and within every watchdog period, so that a checker that froze is restarted. Null outside
    /// systemd (no NOTIFY_SOCKET).
    /// </summary>
    internal sealed class SystemdNotifier : IDisposable
    {
        private readonly Socket _socket;
        private readonly UnixDomainSocketEndPoint _endpoint;

        private SystemdNotifier(string path, TimeSpan? watchdogPeriod)
        {
            // An abstract socket's name starts with '@', which stands for the leading NUL byte.
            _endpoint = new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path.Substring(1) : path);
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            WatchdogPeriod = watchdogPeriod;
        }

        /// <summary>Half the watchdog's time-out (WATCHDOG_USEC): how often to say the watch is alive; null without a watchdog.</summary>
        public TimeSpan? WatchdogPeriod { get; }

        public static SystemdNotifier? FromEnvironment()
        {
            string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
            if (string.IsNullOrEmpty(path))
                return null;
            TimeSpan? period = long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long microseconds) && microseconds > 0
                ? TimeSpan.FromTicks(microseconds * 10 / 2)
                : null;
            return new SystemdNotifier(path, period);
        }

        /// <summary>Sends one notification (lines of KEY=VALUE); a lost one is not an error: systemd may be gone.</summary>
        public void Send(string state)
        {
            try
            {
                _socket.SendTo(Encoding.UTF8.GetBytes(state), _endpoint);
            }
            catch (SocketException)
            {
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
