using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using LvsAdmin.Ipvs;

namespace LvsAdmin.Rules
{
    /// <summary>
    /// Writes the table as ipvsadm -S -n does: the same options in the same order, services and real
    /// servers sorted as ipvsadm sorts them; and the thresholds (-x, -y) that ipvsadm's save loses.
    /// Firewall marks are written unsigned, not as ipvsadm 1.31's negative numbers.
    /// </summary>
    public static class RuleWriter
    {
        /// <summary>The live table's lines, each service's written as its real servers are read.</summary>
        public static IEnumerable<string> Write(IpvsClient client)
        {
            var line = new StringBuilder(128);
            var servers = new List<LvsRealServer>();
            foreach (var entry in client.ReadTable(inIpvsadmOrder: true))
            {
                yield return AppendService(line.Clear(), entry.Service).ToString();
                servers.Clear();
                servers.AddRange(entry.RealServers);
                IpvsadmOrder.Sort(servers);
                string key = KeyText(entry.Service.GetKey());
                foreach (var server in servers)
                    yield return AppendRealServer(line.Clear(), key, server).ToString();
            }
        }

        public static string ServiceLine(LvsService service) => AppendService(new StringBuilder(128), service).ToString();

        private static StringBuilder AppendService(StringBuilder line, LvsService service)
        {
            line.Append("-A ").Append(KeyText(service.GetKey()));
            line.Append(" -s ").Append(service.Scheduler);
            if (service.Persistent)
            {
                line.Append(CultureInfo.InvariantCulture, $" -p {service.PersistenceTimeout}");
                if (service.PersistenceMask != ServiceFlags.DefaultMask(service.AddressFamily))
                    line.Append(" -M ").Append(service.PersistenceMask);
            }
            if (!string.IsNullOrEmpty(service.PersistenceEngine))
                line.Append(" --pe ").Append(service.PersistenceEngine);
            if (service.OnePacket)
                line.Append(" -o");
            if (service.SchedulerFlags.Length > 0)
                line.Append(" -b ").AppendJoin(',', service.SchedulerFlags);
            return line;
        }

        public static string RealServerLine(LvsServiceKey key, LvsRealServer server) =>
            AppendRealServer(new StringBuilder(128), KeyText(key), server).ToString();

        private static StringBuilder AppendRealServer(StringBuilder line, string key, LvsRealServer server)
        {
            line.Append("-a ").Append(key);
            line.Append(" -r ");
            AppendEndpoint(line, server.Address, server.Port);
            line.Append(server.ForwardingMethod switch
            {
                LvsForwardingMethod.Masquerade => " -m",
                LvsForwardingMethod.Tunnel => " -i",
                _ => " -g",
            });
            line.Append(CultureInfo.InvariantCulture, $" -w {server.Weight}");
            if (server.ForwardingMethod == LvsForwardingMethod.Tunnel)
            {
                var type = server.TunnelType ?? LvsTunnelType.Ipip;
                line.Append(" --tun-type ").Append(type.ToString().ToLowerInvariant());
                if (type == LvsTunnelType.Gue)
                    line.Append(CultureInfo.InvariantCulture, $" --tun-port {server.TunnelPort}");
                if (type != LvsTunnelType.Ipip)
                {
                    line.Append((server.TunnelChecksum ?? LvsTunnelChecksum.NoChecksum) switch
                    {
                        LvsTunnelChecksum.Checksum => " --tun-csum",
                        LvsTunnelChecksum.RemoteChecksum => " --tun-remcsum",
                        _ => " --tun-nocsum",
                    });
                }
            }
            if (server.UpperThreshold != 0)
                line.Append(CultureInfo.InvariantCulture, $" -x {server.UpperThreshold}");
            if (server.LowerThreshold != 0)
                line.Append(CultureInfo.InvariantCulture, $" -y {server.LowerThreshold}");
            return line;
        }

        /// <summary>The service options of a rule: '-t 10.0.0.1:80', '-f 5 -6' ...</summary>
        private static string KeyText(LvsServiceKey key)
        {
            if (key.IsFirewallMark)
                return key.AddressFamily == AddressFamily.InterNetworkV6 ? $"-f {key.FirewallMark} -6" : $"-f {key.FirewallMark}";
            string option = key.Protocol switch
            {
                LvsProtocol.Tcp => "-t ",
                LvsProtocol.Udp => "-u ",
                _ => "--sctp-service ",
            };
            return AppendEndpoint(new StringBuilder(option, 64), key.Address!, key.Port).ToString();
        }

        /// <summary>What <see cref="Addresses.FormatEndpoint"/> writes, written straight into the line.</summary>
        private static StringBuilder AppendEndpoint(StringBuilder line, System.Net.IPAddress address, ushort port) =>
            address.AddressFamily == AddressFamily.InterNetworkV6
                ? line.Append(CultureInfo.InvariantCulture, $"[{address}]:{port}")
                : line.Append(CultureInfo.InvariantCulture, $"{address}:{port}");
    }
}
