using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text.Json;
using LvsAdmin.Netlink;

namespace LvsAdmin.Health
{
    /// <summary>A real server a watch holds down: its settings when up, and whether the watch removed it (else it is at weight 0).</summary>
    public sealed record WatchHold(LvsRealServer Settings, bool Removed);

    /// <summary>
    /// The real servers that watches hold down in one network namespace, each with its settings when up, in a
    /// file under /run: a watch that was killed (or stopped) and starts again knows which servers it held and
    /// what they get back, instead of taking the weight 0 it left them at for their own.
    /// </summary>
    public sealed class WatchHolds
    {
        public const string Folder = "/run/lvsadmin/holds";
        private static readonly JsonSerializerOptions Indented = new JsonSerializerOptions { WriteIndented = true };

        public WatchHolds(string path) => Path = path;

        public string Path { get; }

        /// <summary>The holds of a namespace (the caller's when null), named by the namespace's inode: one file per namespace, whatever it is called.</summary>
        public static WatchHolds For(string? networkNamespace)
        {
            string? path = networkNamespace is null ? null : NetworkNamespace.ResolvePath(networkNamespace);
            string identity = NetworkNamespace.Run(path, () => new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "net");
            string inode = new string(identity.Where(char.IsDigit).ToArray());
            return new WatchHolds(System.IO.Path.Combine(Folder, $"net-{inode}.json"));
        }

        /// <summary>Every server held; none when there is no file.</summary>
        public List<WatchHold> Load()
        {
            if (!File.Exists(Path))
                return new List<WatchHold>();
            var held = JsonSerializer.Deserialize<List<HeldServer>>(File.ReadAllText(Path))
                ?? throw new InvalidDataException($"{Path} holds no list of servers.");
            return held.Select(h => h.ToHold()).ToList();
        }

        /// <summary>
        /// Records what one watch holds: its servers (watched) that are held down now replace whatever the file
        /// said of them; other watches' entries stay. Written whole and renamed, so a reader never sees half.
        /// </summary>
        public void Save(IEnumerable<LvsRealServer> watched, IEnumerable<WatchHold> held)
        {
            var mine = new HashSet<string>(watched.Select(server => server.ToString()));
            var entries = Load().Where(hold => !mine.Contains(hold.Settings.ToString())).Concat(held).Select(HeldServer.From).ToList();
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            string part = $"{Path}.{Environment.ProcessId}.part";
            File.WriteAllText(part, JsonSerializer.Serialize(entries, Indented));
            File.Move(part, Path, overwrite: true);
        }

        private sealed record HeldServer(string Service, string Address, ushort Port, LvsForwardingMethod ForwardingMethod, int Weight,
            uint UpperThreshold, uint LowerThreshold, LvsTunnelType? TunnelType, ushort TunnelPort, LvsTunnelChecksum? TunnelChecksum, bool Removed)
        {
            public static HeldServer From(WatchHold hold) => new HeldServer(hold.Settings.Service, hold.Settings.Address.ToString(), hold.Settings.Port,
                hold.Settings.ForwardingMethod, hold.Settings.Weight, hold.Settings.UpperThreshold, hold.Settings.LowerThreshold, hold.Settings.TunnelType,
                hold.Settings.TunnelPort, hold.Settings.TunnelChecksum, hold.Removed);

            public WatchHold ToHold()
            {
                var address = IPAddress.Parse(Address);
                var server = new LvsRealServer
                {
                    Address = address, Port = Port, AddressFamily = address.AddressFamily, ForwardingMethod = ForwardingMethod, Weight = Weight,
                    UpperThreshold = UpperThreshold, LowerThreshold = LowerThreshold, TunnelType = TunnelType, TunnelPort = TunnelPort, TunnelChecksum = TunnelChecksum,
                };
                server.SetServiceKey(LvsServiceKey.Parse(Service));
                return new WatchHold(server, Removed);
            }
        }
    }
}
