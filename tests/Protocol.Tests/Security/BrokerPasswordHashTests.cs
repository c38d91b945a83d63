using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

/// <summary>The stored password form is Mosquitto's own, so a generated password file works in Debian's Mosquitto.</summary>
public sealed class BrokerPasswordHashTests
{
    // Written by Debian 12's `mosquitto_passwd -b -c pw u secret` (Mosquitto 2.0.11).
    private const string FromMosquittoPasswd =
        "$7$101$sUpRdI+Iy4ITsGXL$/VeqVo81fOoEXCJ2vYZAdVqalffEd/ubqz4PgxWO9a9Vsm2eA9EOCX3OV6fqST0NhkXSgBzAKIZMeAawOcUuWw==";

    [Fact]
    public void A_hash_written_by_mosquitto_passwd_verifies_its_password_and_nothing_else()
    {
        Assert.True(BrokerPasswordHash.Verify("secret", FromMosquittoPasswd));
        Assert.False(BrokerPasswordHash.Verify("Secret", FromMosquittoPasswd));
        Assert.False(BrokerPasswordHash.Verify(string.Empty, FromMosquittoPasswd));
    }

    [Fact]
    public void A_created_hash_is_in_mosquittos_form_salted_afresh_each_time()
    {
        var password = BrokerPasswordHash.NewPassword();
        var first = BrokerPasswordHash.Create(password);
        var second = BrokerPasswordHash.Create(password);

        Assert.StartsWith("$7$101$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.True(BrokerPasswordHash.Verify(password, first));
        Assert.True(BrokerPasswordHash.Verify(password, second));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("secret")]
    [InlineData("$6$101$sUpRdI+Iy4ITsGXL$AAAA")]
    [InlineData("$7$99$sUpRdI+Iy4ITsGXL$/VeqVo81fOoEXCJ2vYZAdVqalffEd/ubqz4PgxWO9a9Vsm2eA9EOCX3OV6fqST0NhkXSgBzAKIZMeAawOcUuWw==")]
    [InlineData("$7$100001$sUpRdI+Iy4ITsGXL$/VeqVo81fOoEXCJ2vYZAdVqalffEd/ubqz4PgxWO9a9Vsm2eA9EOCX3OV6fqST0NhkXSgBzAKIZMeAawOcUuWw==")]
    [InlineData("$7$101$not base64$/VeqVo81fOoEXCJ2vYZAdVqalffEd/ubqz4PgxWO9a9Vsm2eA9EOCX3OV6fqST0NhkXSgBzAKIZMeAawOcUuWw==")]
    [InlineData("$7$101$sUpRdI+Iy4ITsGXL$AAAA")]
    public void A_malformed_or_too_cheap_or_too_costly_hash_is_refused(string? stored)
    {
        Assert.False(BrokerPasswordHash.IsWellFormed(stored));
        Assert.False(BrokerPasswordHash.Verify("secret", stored));
    }
}
