namespace LvsAdmin.Netlink
{
    /// <summary>The errno values the IPVS code paths give meaning to (Linux numbering on every architecture).</summary>
    public static class Errno
    {
        public const int EPERM = 1;
        public const int ENOENT = 2;
        public const int ESRCH = 3;
        public const int EINTR = 4;
        public const int EAGAIN = 11;
        public const int ENOMEM = 12;
        public const int EACCES = 13;
        public const int EBUSY = 16;
        public const int EEXIST = 17;
        public const int ENODEV = 19;
        public const int EINVAL = 22;
        public const int ERANGE = 34;
        public const int ENOPROTOOPT = 92;
        public const int EPROTONOSUPPORT = 93;
        public const int EAFNOSUPPORT = 97;
        public const int ENOBUFS = 105;
        public const int ETIMEDOUT = 110;

        public static string Describe(int errno) => errno switch
        {
            EPERM => "Operation not permitted",
            ENOENT => "No such file or directory",
            ESRCH => "No such process",
            EINTR => "Interrupted system call",
            EAGAIN => "Resource temporarily unavailable",
            ENOMEM => "Cannot allocate memory",
            EACCES => "Permission denied",
            EBUSY => "Device or resource busy",
            EEXIST => "File exists",
            ENODEV => "No such device",
            EINVAL => "Invalid argument",
            ERANGE => "Numerical result out of range",
            ENOPROTOOPT => "Protocol not available",
            EPROTONOSUPPORT => "Protocol not supported",
            EAFNOSUPPORT => "Address family not supported by protocol",
            ENOBUFS => "No buffer space available",
            ETIMEDOUT => "Connection timed out",
            _ => $"errno {errno}",
        };
    }
}
