using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// The account tests drive a Controller process as: the first admin (roles admin and technician), made with the
/// Controller's own command line (<c>accounts add-admin</c>, <c>accounts add-token</c>) in its store before it starts,
/// as a commune's technician does. One per store folder: a restarted Controller knows the same account.
/// </summary>
/// <param name="Name">The sign-in name.</param>
/// <param name="Password">The password <c>add-admin</c> printed.</param>
/// <param name="Token">The API token <c>add-token</c> printed (<c>Authorization: Bearer …</c>).</param>
public sealed partial record ControllerAccount(string Name, string Password, string Token)
{
    public const string TestAdmin = "test-admin";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<string, ControllerAccount> Made = new(StringComparer.Ordinal);

    /// <summary>The test admin of the store in <paramref name="dataDirectory"/>, made there (Controller stopped) the first time.</summary>
    public static async Task<ControllerAccount> ForStoreAsync(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var key = Path.GetFullPath(dataDirectory);
        if (Made.TryGetValue(key, out var known))
        {
            return known;
        }

        var store = $"--Store:DataDirectory={dataDirectory}";
        var admin = await RunAsync(["accounts", "add-admin", TestAdmin, store]);
        var token = await RunAsync(["accounts", "add-token", TestAdmin, "--roles", "admin,technician", "--days", "366", "--name", "tests", store]);
        var account = new ControllerAccount(TestAdmin, Printed(admin), Printed(token));
        Made[key] = account;
        return account;
    }

    /// <summary>Makes <paramref name="client"/> send this account's token.</summary>
    public void Authorize(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>A client of the Controller at <paramref name="baseAddress"/> that sends this account's token.</summary>
    public HttpClient Client(Uri baseAddress, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
        Authorize(client);
        return client;
    }

    private static async Task<ProgramRun> RunAsync(string[] arguments)
    {
        var run = await ProgramRun.RunToExitAsync(RepositoryPaths.ProgramAssembly("Controller", "SmartLoudspeaker.Controller"), arguments, null, CommandTimeout);
        return run.ExitCode == 0
            ? run
            : throw new InvalidOperationException($"'{string.Join(' ', arguments)}' exited with {run.ExitCode}: {run.StandardError}{run.StandardOutput}");
    }

    private static string Printed(ProgramRun run) =>
        Secret().Match(run.StandardOutput) is { Success: true } match
            ? match.Groups["secret"].Value
            : throw new InvalidOperationException($"No secret in the command's output: {run.StandardOutput}");

    [GeneratedRegex(@"\(shown this once[^)]*\): (?<secret>\S+)")]
    private static partial Regex Secret();
}
