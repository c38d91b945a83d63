using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Accounts;

/// <summary>
/// <c>accounts add-admin</c> and <c>accounts add-token</c>: the first admin with a random password printed once, a
/// token printed once, both on the store itself, refused while a running Controller holds it.
/// </summary>
public sealed partial class AccountCommandLineTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Add_admin_and_reset_password_print_a_random_password_once_and_the_Controller_then_signs_that_admin_in()
    {
        var (code, output, error) = await RunAsync("accounts", "add-admin", "Quan-Tri", "--display", "Anh Quân", $"--Store:DataDirectory={_data.Path}");
        Assert.True(code == 0, error);
        var password = Printed().Match(output).Groups["secret"].Value;
        Assert.Equal(20, password.Length);

        var (again, _, refusal) = await RunAsync("accounts", "add-admin", "quan-tri", $"--Store:DataDirectory={_data.Path}");
        Assert.Equal(AccountCommandLine.Failure, again);
        Assert.Contains("exists already", refusal, StringComparison.Ordinal);

        var (tokenCode, tokenOutput, tokenError) = await RunAsync(
            "accounts", "add-token", "quan-tri", "--roles", "technician", "--days", "7", "--name", "demo", $"--Store:DataDirectory={_data.Path}");
        Assert.True(tokenCode == 0, tokenError);
        var token = Printed().Match(tokenOutput).Groups["secret"].Value;
        Assert.StartsWith("sl_", token, StringComparison.Ordinal);

        var (resetCode, resetOutput, resetError) = await RunAsync("accounts", "reset-password", "quan-tri", $"--Store:DataDirectory={_data.Path}");
        Assert.True(resetCode == 0, resetError);
        var newPassword = Printed().Match(resetOutput).Groups["secret"].Value;
        Assert.NotEqual(password, newPassword);

        using var host = ControllerHost.Start(_data.Path);
        var accounts = host.Services.GetRequiredService<AccountDirectory>();
        Assert.Equal(SignInOutcome.WrongNameOrPassword, (await accounts.SignInAsync("quan-tri", password, "127.0.0.1")).Outcome);
        password = newPassword;
        var admin = accounts.FindUser("quan-tri");
        Assert.NotNull(admin);
        Assert.Equal(["admin", "technician"], admin.Roles);
        Assert.Equal("Anh Quân", admin.DisplayName);
        Assert.Equal(SignInOutcome.SignedIn, (await accounts.SignInAsync("quan-tri", password, "127.0.0.1")).Outcome);
        Assert.NotNull(accounts.AuthenticateToken(token, "token", out _));

        // What was done on the machine is in the audit log too, by the machine's user, refusal included.
        var console = host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue)
            .Where(entry => entry.Source == "command line").Reverse().Select(entry => (entry.Action, entry.Outcome, entry.Target)).ToList();
        Assert.Equal(
            [
                (AuditActions.UserCreated, AuditOutcome.Succeeded, "quan-tri"),
                (AuditActions.UserCreated, AuditOutcome.Refused, "quan-tri"),
                (AuditActions.TokenCreated, AuditOutcome.Succeeded, accounts.TokensOf("quan-tri").Single().Id),
                (AuditActions.PasswordReset, AuditOutcome.Succeeded, "quan-tri"),
            ],
            console);
        Assert.All(host.Services.GetRequiredService<AuditTrail>().Between(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Where(entry => entry.Source == "command line"),
            entry => Assert.Equal("console:" + Environment.UserName, entry.Actor));
    }

    [Fact]
    public async Task It_refuses_with_a_clear_line_while_a_running_Controller_holds_the_store()
    {
        using var host = ControllerHost.Start(_data.Path);
        var (code, _, error) = await RunAsync("accounts", "add-admin", "lan", $"--Store:DataDirectory={_data.Path}");
        Assert.Equal(AccountCommandLine.Failure, code);
        Assert.Contains("in use by another Controller", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_needs_roles_its_owner_holds_and_a_role_must_exist()
    {
        Assert.Equal(0, (await RunAsync("accounts", "add-admin", "lan", "--roles", "viewer", $"--Store:DataDirectory={_data.Path}")).Code);
        var (code, _, error) = await RunAsync("accounts", "add-token", "lan", "--roles", "technician", "--days", "7", $"--Store:DataDirectory={_data.Path}");
        Assert.Equal(AccountCommandLine.Failure, code);
        Assert.Contains("does not hold the role 'technician'", error, StringComparison.Ordinal);
        Assert.Equal(AccountCommandLine.UsageError, (await RunAsync("accounts", "add-admin", "minh", "--roles", "root", $"--Store:DataDirectory={_data.Path}")).Code);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AccountCommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"\(shown this once[^)]*\): (?<secret>\S+)")]
    private static partial Regex Printed();
}
