namespace LvsAdmin.Netlink
{
    /// <summary>One datagram of a dump: how many entries it carried, and its length in bytes.</summary>
    public readonly record struct DumpPart(int Entries, int Bytes);
}
