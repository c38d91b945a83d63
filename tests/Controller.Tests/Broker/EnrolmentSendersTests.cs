using System.Collections;
using System.Net;
using SmartLoudspeaker.Controller.Infrastructure.Broker;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>Where each enrolment request came from, from the broker's publish until ingest takes it; bounded.</summary>
public sealed class EnrolmentSendersTests
{
    [Fact]
    public void The_address_of_a_sessions_publish_is_taken_once_without_its_port()
    {
        var senders = new EnrolmentSenders();
        var session = new Hashtable();
        BrokerSessionEndpoint.Set(session, new IPEndPoint(IPAddress.Parse("::ffff:192.168.1.20"), 50123));

        senders.Published("loa-1", session);

        Assert.Equal("192.168.1.20", senders.Take("loa-1"));
        Assert.Null(senders.Take("loa-1"));
        Assert.Null(senders.Take("never-sent"));
    }

    [Fact]
    public void A_flood_that_outruns_ingest_cannot_grow_it_beyond_its_capacity()
    {
        var senders = new EnrolmentSenders();
        var session = new Hashtable();
        BrokerSessionEndpoint.Set(session, new IPEndPoint(IPAddress.Loopback, 1));

        for (var i = 0; i <= EnrolmentSenders.Capacity; i++)
        {
            senders.Published("made-up-" + i, session);
        }

        // The one beyond the capacity emptied it: the earlier ones are forgotten (their refusals count without an address).
        Assert.Null(senders.Take("made-up-0"));
        Assert.Equal("127.0.0.1", senders.Take("made-up-" + EnrolmentSenders.Capacity));
    }

    [Fact]
    public void A_session_without_an_address_leaves_nothing()
    {
        var senders = new EnrolmentSenders();

        senders.Published("loa-1", new Hashtable());

        Assert.Null(senders.Take("loa-1"));
    }
}
