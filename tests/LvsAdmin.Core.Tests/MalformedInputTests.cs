using System;
using System.Linq;
using LvsAdmin.Ipvs;
using LvsAdmin.Netlink;

namespace LvsAdmin.Core.Tests
{
    /// <summary>Truncated or garbage bytes give a NetlinkProtocolException: never a crash, a hang or a wrong object.</summary>
    public class MalformedInputTests
    {
        private static readonly LvsServiceKey Key = LvsServiceKey.Parse("TCP 10.0.0.1:80");

        private static void DecodeAll(byte[] datagram)
        {
            foreach (var message in new NetlinkMessageEnumerator(datagram))
            {
                if (message.Type != StraceCapture.IpvsFamily)
                    continue;
                switch (message.GenericCommand)
                {
                    case 1: IpvsCodec.DecodeService(message); break;
                    case 5: IpvsCodec.DecodeRealServer(message, Key); break;
                    default: IpvsCodec.DecodeInfo(message); break;
                }
            }
        }

        private static byte[][] Replies() => StraceCapture.Read("list-stats")
            .Where(m => !m.Sent && m.Type == StraceCapture.IpvsFamily).Select(m => m.Bytes).ToArray();

        [Fact]
        public void Every_truncation_of_a_reply_is_refused_cleanly()
        {
            foreach (var reply in Replies())
            {
                for (int length = 0; length < reply.Length; length++)
                {
                    var truncated = reply.AsSpan(0, length).ToArray();
                    var exception = Record.Exception(() => DecodeAll(truncated));
                    if (length == 0)
                        Assert.Null(exception);
                    else
                        Assert.IsType<NetlinkProtocolException>(exception);
                }
            }
        }

        [Fact]
        public void A_truncated_message_whose_header_still_claims_its_length_is_refused()
        {
            var reply = Replies()[0];
            var shortened = reply.AsSpan(0, reply.Length - 8).ToArray();
            Assert.Throws<NetlinkProtocolException>(() => DecodeAll(shortened));
        }

        [Fact]
        public void Random_bytes_are_refused_or_decoded_without_any_other_exception()
        {
            var random = new Random(20261125);
            var reply = Replies()[0];
            for (int round = 0; round < 5000; round++)
            {
                var corrupted = (byte[])reply.Clone();
                int flips = random.Next(1, 6);
                for (int i = 0; i < flips; i++)
                    corrupted[random.Next(16, corrupted.Length)] = (byte)random.Next(256);
                var exception = Record.Exception(() => DecodeAll(corrupted));
                if (exception is not null)
                    Assert.IsType<NetlinkProtocolException>(exception);
            }
        }

        [Fact]
        public void An_attribute_that_claims_more_bytes_than_there_are_is_refused()
        {
            var bytes = new byte[] { 8, 0, 1, 0, 1, 2, 3, 4, 200, 0, 2, 0, 0, 0, 0, 0 };
            Assert.Throws<NetlinkProtocolException>(() =>
            {
                foreach (var attribute in new NetlinkAttributeEnumerator(bytes)) { }
            });
        }

        [Fact]
        public void A_value_too_short_for_its_type_is_refused()
        {
            var bytes = new byte[] { 6, 0, 1, 0, 1, 2, 0, 0 };
            Assert.Throws<NetlinkProtocolException>(() =>
            {
                foreach (var attribute in new NetlinkAttributeEnumerator(bytes))
                    attribute.GetU32();
            });
        }

        [Fact]
        public void A_service_reply_without_a_key_is_refused()
        {
            var writer = new NetlinkMessageWriter();
            writer.BeginGenericMessage(StraceCapture.IpvsFamily, 1, 1, 0, 1);
            int nest = writer.BeginNested(1);
            writer.PutString(6, "rr");
            writer.EndNested(nest);
            writer.EndMessage();
            var error = Assert.Throws<NetlinkProtocolException>(() => DecodeAll(writer.WrittenSpan.ToArray()));
            Assert.Contains("address family", error.Message);
        }
    }
}
