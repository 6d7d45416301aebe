using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LvsAdmin.Rules
{
    /// <summary>
    /// Writes the table as ipvsadm -S -n does: the same options in the same order, services and real
    /// servers sorted as ipvsadm sorts them; and the thresholds (-x, -y) that ipvsadm's save loses.
    /// Firewall marks are written unsigned, not as ipvsadm 1.31's negative numbers.
    /// </summary>
    public static class RuleWriter
    {
        public static IEnumerable<string> Write(IEnumerable<LvsTableEntry> table)
        {
            var entries = new List<LvsTableEntry>(table);
            entries.Sort((x, y) => IpvsadmOrder.Compare(x.Service, y.Service));
            var line = new StringBuilder(128);
            foreach (var entry in entries)
            {
                yield return ServiceLine(entry.Service);
                var servers = new List<LvsRealServer>(entry.RealServers);
                servers.Sort(IpvsadmOrder.Compare);
                string key = KeyText(entry.Service.GetKey());
                foreach (var server in servers)
                    yield return AppendRealServer(line.Clear(), key, server).ToString();
            }
        }

        public static string ServiceLine(LvsService service)
        {
            var line = new StringBuilder("-A ", 128);
            line.Append(KeyText(service.GetKey()));
            line.Append(" -s ").Append(service.Scheduler);
            if (service.Persistent)
            {
                line.Append(" -p ").Append(service.PersistenceTimeout.ToString(CultureInfo.InvariantCulture));
                if (service.PersistenceMask != ServiceFlags.DefaultMask(service.AddressFamily))
                    line.Append(" -M ").Append(service.PersistenceMask);
            }
            if (!string.IsNullOrEmpty(service.PersistenceEngine))
                line.Append(" --pe ").Append(service.PersistenceEngine);
            if (service.OnePacket)
                line.Append(" -o");
            if (service.SchedulerFlags.Length > 0)
                line.Append(" -b ").Append(string.Join(",", service.SchedulerFlags));
            return line.ToString();
        }

        public static string RealServerLine(LvsServiceKey key, LvsRealServer server) =>
            AppendRealServer(new StringBuilder(128), KeyText(key), server).ToString();

        private static StringBuilder AppendRealServer(StringBuilder line, string key, LvsRealServer server)
        {
            line.Append("-a ").Append(key);
            line.Append(" -r ").Append(Addresses.FormatEndpoint(server.Address, server.Port));
            line.Append(server.ForwardingMethod switch
            {
                LvsForwardingMethod.Masquerade => " -m",
                LvsForwardingMethod.Tunnel => " -i",
                _ => " -g",
            });
            line.Append(" -w ").Append(server.Weight.ToString(CultureInfo.InvariantCulture));
            if (server.ForwardingMethod == LvsForwardingMethod.Tunnel)
            {
                var type = server.TunnelType ?? LvsTunnelType.Ipip;
                line.Append(" --tun-type ").Append(type.ToString().ToLowerInvariant());
                if (type == LvsTunnelType.Gue)
                    line.Append(" --tun-port ").Append(server.TunnelPort.ToString(CultureInfo.InvariantCulture));
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
                line.Append(" -x ").Append(server.UpperThreshold.ToString(CultureInfo.InvariantCulture));
            if (server.LowerThreshold != 0)
                line.Append(" -y ").Append(server.LowerThreshold.ToString(CultureInfo.InvariantCulture));
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
            return option + Addresses.FormatEndpoint(key.Address!, key.Port);
        }
    }
}
