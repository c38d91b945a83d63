using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Accounts;

/// <summary>
/// Every endpoint and page of the running Controller, read from its own <see cref="EndpointDataSource"/> (no list kept
/// by hand): each one refuses a caller who is not signed in (401 for programs, the sign-in page for people) and a
/// caller without the right role (403), and admits one with it. Who may call what is stated once, as rules by path
/// (<see cref="Admitted"/>): an endpoint that no rule covers fails the test, so a new one needs a decision.
/// </summary>
public sealed partial class EndpointRoleMatrixTests : IDisposable
{
    private static readonly string[] Anonymous = [];
    private static readonly string[] AnyoneSignedIn = ["*"];
    private static readonly string[] Technicians = [AccountRoles.Technician];
    private static readonly string[] FleetReaders = [AccountRoles.Technician, AccountRoles.Viewer];
    private static readonly string[] Admins = [AccountRoles.Admin];

    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public EndpointRoleMatrixTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Every_endpoint_and_page_refuses_the_anonymous_and_the_wrong_role_and_admits_the_right_one()
    {
        var endpoints = RunningEndpoints();
        Assert.Contains(endpoints, endpoint => endpoint.Path == "/api/fleet/commands");
        Assert.Contains(endpoints, endpoint => endpoint.Path == "/zones" && endpoint.IsPage);
        Assert.Contains(endpoints, endpoint => endpoint.Path == "/settings" && endpoint.IsPage);
        Assert.Contains(endpoints, endpoint => endpoint.Path == "/api/settings" && endpoint.Method == "PUT");
        using var anonymous = _host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        var problems = new List<string>();
        try
        {
            foreach (var endpoint in endpoints)
            {
                var admitted = Admitted(endpoint.Method, endpoint.Pattern, endpoint.IsPage);
                if (admitted is null)
                {
                    problems.Add($"{endpoint}: no rule says who may call it (add one to {nameof(Admitted)} and a policy to the endpoint)");
                    continue;
                }

                using var asAnonymous = await SendAsync(anonymous, endpoint);
                if (admitted.Length == 0)
                {
                    Expect(problems, endpoint, "anonymous", asAnonymous, admittedExpected: true);
                    continue;
                }

                Expect(problems, endpoint, "anonymous", asAnonymous, admittedExpected: false, unauthenticated: true);
                var right = admitted == AnyoneSignedIn ? [AccountRoles.Viewer] : admitted;
                using var asRight = await SendAsync(Client(clients, right), endpoint);
                Expect(problems, endpoint, string.Join("+", right), asRight, admittedExpected: true);

                var wrong = admitted == AnyoneSignedIn ? [] : AccountRoles.All.Except(admitted).ToArray();
                if (wrong.Length > 0)
                {
                    using var asWrong = await SendAsync(Client(clients, wrong), endpoint);
                    Expect(problems, endpoint, string.Join("+", wrong), asWrong, admittedExpected: false);
                }
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// Who may call an endpoint: nobody needs an account for operations, the sign-in and error pages and the language
    /// switch; everyone signed in has their own account; admins the others' accounts and the audit log; technicians and viewers read the
    /// fleet overview; technicians everything else of theirs. Null: no rule (a new job's endpoints need theirs).
    /// </summary>
    private static string[]? Admitted(string method, string pattern, bool isPage) => pattern switch
    {
        "/healthz" or "/metrics" or "/openapi/{documentName}.json" or "/language" => Anonymous,
        "/signin" or "/error/{code:int?}" when isPage => Anonymous,
        "/signout" or "/account" when isPage => AnyoneSignedIn,
        "/users" when isPage => Admins,
        _ when pattern.StartsWith("/api/account", StringComparison.Ordinal) => AnyoneSignedIn,
        _ when pattern.StartsWith("/api/users", StringComparison.Ordinal) => Admins,
        "/api/audit" or "/api/audit.csv" => Admins,
        "/audit" when isPage => Admins,
        _ when pattern.StartsWith("/api/settings", StringComparison.Ordinal) => Admins,
        "/settings" when isPage => Admins,
        "/api/nodes" or "/api/nodes/{id}" or "/api/nodes/{id}/history" or "/api/nodes/{id}/events" when method == "GET" => FleetReaders,
        "/events/fleet" => FleetReaders,
        "/" when isPage => FleetReaders,
        "/nodes/{id}" or "/zones" or "/enrolment" or "/identities" or "/identities/{id}/{step}" or "/broker" when isPage => Technicians,
        _ when pattern.StartsWith("/api/", StringComparison.Ordinal)
            && (pattern.StartsWith("/api/nodes/", StringComparison.Ordinal) || pattern.StartsWith("/api/zones", StringComparison.Ordinal)
                || pattern.StartsWith("/api/fleet/", StringComparison.Ordinal) || pattern.StartsWith("/api/commands/", StringComparison.Ordinal)
                || pattern.StartsWith("/api/enrolment/", StringComparison.Ordinal) || pattern.StartsWith("/api/identities", StringComparison.Ordinal)
                || pattern.StartsWith("/api/broker/", StringComparison.Ordinal) || pattern.StartsWith("/api/security/", StringComparison.Ordinal)) => Technicians,
        _ => null,
    };

    private static void Expect(List<string> problems, MappedEndpoint endpoint, string who, HttpResponseMessage response, bool admittedExpected, bool unauthenticated = false)
    {
        var status = response.StatusCode;
        var toSignIn = status == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.StartsWith("/signin?returnUrl=", StringComparison.Ordinal) == true;
        var refused = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || toSignIn;
        if (admittedExpected)
        {
            if (refused)
            {
                problems.Add($"{endpoint}: {who} was refused ({(int)status})");
            }

            return;
        }

        var expected = !unauthenticated ? status == HttpStatusCode.Forbidden
            : endpoint.IsPage ? toSignIn
            : status == HttpStatusCode.Unauthorized;
        if (!expected)
        {
            problems.Add($"{endpoint}: {who} got {(int)status} {response.Headers.Location}, expected {(!unauthenticated ? "403" : endpoint.IsPage ? "the sign-in page" : "401")}");
        }
    }

    private HttpClient Client(Dictionary<string, HttpClient> clients, string[] roles)
    {
        var key = string.Join("+", roles);
        if (!clients.TryGetValue(key, out var client))
        {
            client = _host.ClientAs("matrix-" + key.Replace('+', '-'), roles, followRedirects: false);
            clients[key] = client;
        }

        return client;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, MappedEndpoint endpoint)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        // Headers are enough, and the live stream would never end its body.
        using var timeout = new CancellationTokenSource(ControllerHost.Timeout);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    private List<MappedEndpoint> RunningEndpoints()
    {
        var found = new List<MappedEndpoint>();
        foreach (var endpoint in _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');
            var isPage = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null
                || endpoint.Metadata.OfType<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>().Any();
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
            {
                found.Add(new MappedEndpoint(method, pattern, Fill(pattern), isPage));
            }
        }

        return found;
    }

    /// <summary>A URL for a route pattern: route values that name nothing that exists ("404" for numbers).</summary>
    private static string Fill(string pattern) => Parameter().Replace(pattern, match => match.Value.Contains(":int", StringComparison.Ordinal) ? "404" : "nothing-here");

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    private sealed record MappedEndpoint(string Method, string Pattern, string Path, bool IsPage)
    {
        public override string ToString() => $"{Method} {Pattern}{(IsPage ? " (page)" : string.Empty)}";
    }
}
