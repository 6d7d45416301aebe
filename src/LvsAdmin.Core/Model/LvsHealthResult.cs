using System;
using System.Net;

namespace LvsAdmin
{
    /// <summary>The kind of probe a health result comes from.</summary>
    public enum LvsHealthCheck
    {
        Tcp,
        Http,
        Https,
        Udp,
        Dns,
        Script,
    }

    /// <summary>The record types a DNS probe asks for (their numbers on the wire).</summary>
    public enum LvsDnsRecordType
    {
        A = 1,
        NS = 2,
        CNAME = 5,
        SOA = 6,
        PTR = 12,
        MX = 15,
        TXT = 16,
        AAAA = 28,
        SRV = 33,
    }

    /// <summary>
    /// What a probe of one real server found. Service, Address and Port are the real server's, so that a
    /// result binds into Set-LvsRealServer and Remove-LvsRealServer by property name.
    /// </summary>
    public sealed class LvsHealthResult
    {
        /// <summary>The virtual service's key text, such as 'TCP 10.0.0.1:80'.</summary>
        public string Service { get; set; } = "";
        public IPAddress Address { get; set; } = IPAddress.None;
        public ushort Port { get; set; }
        public LvsHealthCheck Check { get; set; }
        public bool Healthy { get; set; }

        /// <summary>Until the connection was made (Tcp), the response's status line (Http, Https) or the reply (Udp, Dns) arrived; null when it failed or no reply was needed.</summary>
        public TimeSpan? Latency { get; set; }

        /// <summary>The weight a script check asked for (keepalived's misc_dynamic); null: the server's own.</summary>
        public int? Weight { get; set; }

        /// <summary>The HTTP status the server answered with; null for Tcp and when no answer came.</summary>
        public int? StatusCode { get; set; }

        /// <summary>What was probed and what came of it, such as the reason a server is unhealthy.</summary>
        public string Message { get; set; } = "";

        public override string ToString() => $"{Service} -> {Addresses.FormatEndpoint(Address, Port)}: {(Healthy ? "healthy" : "unhealthy")} ({Message})";
    }
}
