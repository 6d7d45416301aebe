using System;
using System.Net;

namespace LvsAdmin
{
    /// <summary>What a watch holds a real server to be.</summary>
    public enum LvsHealthState
    {
        Up,
        Down,
        /// <summary>Not known: before the first verdict, or when a check could not run.</summary>
        Unknown,
    }

    /// <summary>What a watch does with a real server that went down.</summary>
    public enum LvsFailureAction
    {
        /// <summary>Weight 0: no new connections, and the ones it has go on.</summary>
        Inhibit,
        /// <summary>Deleted from the table, and added back with its own settings once up.</summary>
        Remove,
    }

    /// <summary>
    /// A change a watch saw or made: of a real server's state, or of its weight (a ramp after it came back).
    /// Service, Address and Port are the real server's, so that an event binds into the real-server cmdlets.
    /// </summary>
    public sealed class LvsHealthEvent
    {
        public DateTime Time { get; set; }
        public string Service { get; set; } = "";
        public IPAddress Address { get; set; } = IPAddress.None;
        public ushort Port { get; set; }
        public LvsHealthState State { get; set; }
        public LvsHealthState PreviousState { get; set; }

        /// <summary>The weight the table has now (after what the watch did); null when the server is not in it.</summary>
        public int? Weight { get; set; }

        /// <summary>The weight the server has when up: the table's when the watch began, or what it was set to since.</summary>
        public int ConfiguredWeight { get; set; }

        public LvsHealthCheck Check { get; set; }

        /// <summary>The latency of the check that decided; null when it failed.</summary>
        public TimeSpan? Latency { get; set; }

        public string Message { get; set; } = "";

        public override string ToString() =>
            $"{Time:HH:mm:ss} {Service} -> {Addresses.FormatEndpoint(Address, Port)}: {PreviousState} -> {State}, weight {(Weight is int w ? w.ToString() : "none")} ({Message})";
    }
}
