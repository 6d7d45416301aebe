using System;
using System.Management.Automation;
using System.Net;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Accepts an IPAddress, its text, or a deserialized IPAddress (from remoting or Export-Clixml),
    /// and names a bad address in the error.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class AddressTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            if (value is null || value is IPAddress)
                return value;
            if (value is object[] array)
            {
                var addresses = new IPAddress[array.Length];
                for (int i = 0; i < array.Length; i++)
                    addresses[i] = (IPAddress)Transform(engineIntrinsics, array[i])!;
                return addresses;
            }
            string text = (inputData is PSObject bag ? bag.ToString() : value.ToString()) ?? "";
            if (Addresses.TryParseEndpoint(text, out var address, out var port, out _) && port is null)
                return address;
            throw new ArgumentTransformationMetadataException($"'{text}' is not an IPv4 or IPv6 address.");
        }
    }
}
