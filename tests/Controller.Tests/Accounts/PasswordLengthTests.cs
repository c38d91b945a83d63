using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Accounts;

/// <summary><c>Accounts:MinimumPasswordLength</c>: validated at start, and what every password set anywhere must reach.</summary>
public sealed class PasswordLengthTests
{
    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(10, true)]
    [InlineData(20, true)]
    [InlineData(21, false)]
    public void The_minimum_is_between_8_and_the_20_characters_of_a_random_password(int length, bool valid)
    {
        var result = new AccountsOptionsValidator().Validate(null, new AccountsOptions { MinimumPasswordLength = length });
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Accounts:MinimumPasswordLength", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_configured_minimum_is_what_a_new_password_must_reach()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path, settings: new Dictionary<string, string?> { ["Accounts:MinimumPasswordLength"] = "12" });
        var accounts = host.Services.GetRequiredService<AccountDirectory>();
        var tooShort = await accounts.CreateUserAsync("lan", null, "mat-khau-11", [AccountRoles.Viewer]);
        Assert.Equal(AccountRefusal.PasswordTooShort, tooShort.Reason);
        Assert.NotNull((await accounts.CreateUserAsync("lan", null, "mat-khau-12c", [AccountRoles.Viewer])).Value);
        Assert.Equal(AccountRefusal.PasswordTooShort, (await accounts.SetPasswordAsync("lan", "mat-khau-11")).Reason);
        using var lan = host.ClientAs("lan", [AccountRoles.Viewer]);
        Assert.Contains("Ít nhất 12 ký tự.", await lan.GetStringAsync(new Uri("/account", UriKind.Relative)), StringComparison.Ordinal);
    }
}
