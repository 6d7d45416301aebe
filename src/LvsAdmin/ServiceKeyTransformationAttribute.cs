using System;
using System.Management.Automation;
using System.Net.Sockets;

namespace LvsAdmin.Commands
{
    /// <summary>
    /// Turns what names a virtual service into its key: a service or real-server object (also one
    /// that went through remoting or Export-Clixml), or key text such as 'TCP 10.0.0.1:80'.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ServiceKeyTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            if (inputData is object[] array)
            {
                var keys = new LvsServiceKey[array.Length];
                for (int i = 0; i < array.Length; i++)
                    keys[i] = ToKey(array[i]);
                return keys;
            }
            return ToKey(inputData);
        }

        public static LvsServiceKey ToKey(object? input)
        {
            object? value = input is PSObject wrapped ? wrapped.BaseObject : input;
            switch (value)
            {
                case LvsServiceKey key: return key;
                case LvsService service: return service.GetKey();
                case LvsRealServer server: return server.GetServiceKey();
                case string text: return Parse(text);
            }
            if (input is PSObject bag)
                return FromProperties(bag);
            throw new ArgumentTransformationMetadataException(
                $"Cannot use a {value?.GetType().Name ?? "null"} as a virtual service: give a service object, a real-server object, or text such as 'TCP 10.0.0.1:80'.");
        }

        private static LvsServiceKey Parse(string text) =>
            LvsServiceKey.TryParse(text, out var key, out var error) ? key! : throw new ArgumentTransformationMetadataException(error);

        /// <summary>A deserialized service or real server: read by property name, as it is no longer typed.</summary>
        private static LvsServiceKey FromProperties(PSObject bag)
        {
            string? Text(string name) => bag.Properties[name]?.Value?.ToString();
            if (Text("Service") is { } serviceText)
                return Parse(serviceText);
            if (uint.TryParse(Text("FirewallMark"), out uint mark) && mark != 0)
            {
                var family = Text("AddressFamily") == nameof(AddressFamily.InterNetworkV6) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
                return LvsServiceKey.ForFirewallMark(mark, family);
            }
            if (Text("Protocol") is { } protocol && Text("Address") is { } address && Text("Port") is { } port)
                return Parse($"{protocol} {(address.Contains(':') ? $"[{address}]" : address)}:{port}");
            throw new ArgumentTransformationMetadataException(
                "The object has neither a Service property nor Protocol, Address and Port (or FirewallMark): it does not name a virtual service.");
        }
    }
}
