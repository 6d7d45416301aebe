using System.Collections.Generic;
using System.IO;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace LvsAdmin.Rules
{
    /// <summary>Writes a rule file as a whole or not at all, as the file it replaces was.</summary>
    public static unsafe class RuleFile
    {
        /// <summary>
        /// Writes the lines beside the file and renames them over it, so that a failed read of the table
        /// leaves the old file as it was. A symbolic link is followed (the file it points to is replaced,
        /// the link stays), and a file that existed keeps its mode and owner.
        /// </summary>
        public static void Write(string path, IEnumerable<string> lines)
        {
            var file = new FileInfo(path);
            string target = file.LinkTarget is null ? file.FullName : file.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
            string partial = target + ".partial";
            try
            {
                File.WriteAllLines(partial, lines, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                if (File.Exists(target))
                    CopyModeAndOwner(target, partial);
                File.Move(partial, target, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
        }

        private static void CopyModeAndOwner(string from, string to)
        {
            stat status;
            byte[] fromName = Encoding.UTF8.GetBytes(from + "\0");
            byte[] toName = Encoding.UTF8.GetBytes(to + "\0");
            fixed (byte* source = fromName)
            fixed (byte* destination = toName)
            {
                if (stat(source, &status) != 0)
                    throw new IOException($"Could not read the owner of '{from}': {Netlink.Errno.Describe(errno)}.");
                if (chmod(destination, status.st_mode & 0xfff) != 0)
                    throw new IOException($"Could not give '{to}' the mode of '{from}': {Netlink.Errno.Describe(errno)}.");
                // Only root may give a file away; anyone else writes files they own, as the old one was.
                if (chown(destination, status.st_uid, status.st_gid) != 0 && errno != Netlink.Errno.EPERM)
                    throw new IOException($"Could not give '{to}' the owner of '{from}': {Netlink.Errno.Describe(errno)}.");
            }
        }
    }
}
