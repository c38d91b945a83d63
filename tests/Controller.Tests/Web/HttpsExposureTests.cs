using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Controller.Web.Exposure;

namespace SmartLoudspeaker.Controller.Tests.Web;

/// <summary>
/// HTTPS on an address beyond loopback, in a real Kestrel: the certificate generated in the data folder (issued by the
/// broker CA, naming this machine's addresses) or the commune's own PEM, HSTS on its answers, and plain HTTP there
/// redirected or refused. The address is this machine's first non-loopback IPv4 address; a machine without one runs
/// the same checks on 127.0.0.1 (then the plain-HTTP one checks that loopback stays HTTP).
/// </summary>
public sealed class HttpsExposureTests
{
    private static readonly IPAddress Address = NonLoopbackAddress();

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task A_non_loopback_https_address_serves_the_generated_certificate_with_hsts()
    {
        using var data = new TemporaryDirectory();
        using var host = StartKestrel(data.Path);
        var (https, _) = Ports(host);

        X509Certificate2? presented = null;
        using var client = Client(certificate => presented = certificate);
        using var response = await client.GetAsync(new Uri($"https://{Address}:{https}/signin"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        HostFilteringAndHeadersTests.AssertSecurityHeaders(response, https: true);
        Assert.NotNull(presented);

        // Issued by the broker CA of the data folder, for this address, with its key readable by the owner only.
        using var authority = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(data.Path, "broker-ca.pem"));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(presented), string.Join(", ", chain.ChainStatus.Select(status => status.StatusInformation)));
        Assert.True(presented.MatchesHostname(Address.ToString()));
        Assert.True(presented.MatchesHostname("localhost"));
        Assert.Equal(File.ReadAllText(Path.Combine(data.Path, WebServerCertificate.CertificateFile)).Trim(), presented.ExportCertificatePem().Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data.Path, WebServerCertificate.KeyFile)));
    }

    [Fact]
    public async Task Plain_http_beyond_loopback_is_redirected_for_pages_and_refused_for_writes()
    {
        using var data = new TemporaryDirectory();
        using var host = StartKestrel(data.Path);
        var (https, plain) = Ports(host);
        using var client = Client(_ => { });

        using var page = await client.GetAsync(new Uri($"http://{Address}:{plain}/signin?lang=vi"));
        using var write = await client.PostAsync(new Uri($"http://{Address}:{plain}/signin"), new FormUrlEncodedContent([new("name", "a"), new("password", "b")]));

        if (IPAddress.IsLoopback(Address))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.PermanentRedirect, page.StatusCode);
        Assert.Equal(new Uri($"https://{Address}:{https}/signin?lang=vi"), page.Headers.Location);
        Assert.Equal(HttpStatusCode.BadRequest, write.StatusCode);
        HostFilteringAndHeadersTests.AssertSecurityHeaders(write);
    }

    [Fact]
    public async Task A_configured_pem_certificate_is_presented_instead_of_a_generated_one()
    {
        using var data = new TemporaryDirectory();
        using var own = OwnCertificate(data.Path, out var certificateFile, out var keyFile);
        using var host = StartKestrel(data.Path, new Dictionary<string, string?>
        {
            ["Exposure:Https:CertificateFile"] = certificateFile,
            ["Exposure:Https:KeyFile"] = keyFile,
        });
        var (https, _) = Ports(host);

        X509Certificate2? presented = null;
        using var client = Client(certificate => presented = certificate);
        using var response = await client.GetAsync(new Uri($"https://{Address}:{https}/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(own.Thumbprint, presented?.Thumbprint);
        Assert.False(File.Exists(Path.Combine(data.Path, WebServerCertificate.CertificateFile)));
    }

    [Fact]
    public void An_unreadable_certificate_fails_the_start_with_one_line_naming_it()
    {
        using var data = new TemporaryDirectory();
        var missing = Path.Combine(data.Path, "no-such.pem");
        using var host = ControllerHost.Create(data.Path, settings: new Dictionary<string, string?>
        {
            ["Exposure:Https:CertificateFile"] = missing,
            ["Exposure:Https:KeyFile"] = missing + ".key",
        });

        var exception = Assert.ThrowsAny<OptionsValidationException>(host.StartServer);
        Assert.Equal(
            $"Invalid setting Exposure:Https:CertificateFile = \"{missing}\": must be a readable PEM certificate whose private key is in Exposure:Https:KeyFile ({missing}.key).",
            Assert.Single(exception.Failures));
    }

    [Fact]
    public void Plain_http_beyond_loopback_without_https_or_a_proxy_fails_the_start()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Create(data.Path, settings: new Dictionary<string, string?> { ["Urls"] = "http://0.0.0.0:5080" });

        var exception = Assert.ThrowsAny<OptionsValidationException>(host.StartServer);
        Assert.StartsWith("Invalid setting Urls = \"http://0.0.0.0:5080\": listens beyond this machine with plain HTTP", Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Urls", "http://127.0.0.1:5080", true)]
    [InlineData("Urls", "http://localhost:5080", true)]
    [InlineData("Urls", "http://[::1]:5080", true)]
    [InlineData("Urls", "http://0.0.0.0:80;https://0.0.0.0:443", true)]
    [InlineData("Urls", "https://192.0.2.2:5443", true)]
    [InlineData("Urls", "http://0.0.0.0:5080", false)]
    [InlineData("Urls", "http://*:5080", false)]
    [InlineData("Urls", "http://[::]:5080", false)]
    [InlineData("Urls", "http://192.0.2.2:5080", false)]
    [InlineData("Urls", "http://127.0.0.1:5080;http://loa.example:5080", false)]
    [InlineData("Kestrel:Endpoints:Lan:Url", "http://0.0.0.0:5080", false)]
    [InlineData("HTTP_PORTS", "8080", false)]
    public void Plain_http_is_allowed_on_loopback_only_unless_https_is_beside_it(string key, string value, bool valid)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var result = new ExposureOptionsValidator(configuration).Validate(null, new ExposureOptions());
        Assert.True(valid == result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Behind_a_reverse_proxy_plain_http_beyond_loopback_is_allowed()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Urls"] = "http://0.0.0.0:5080" }).Build();
        var options = new ExposureOptions();
        Assert.False(new ExposureOptionsValidator(configuration).Validate(null, options).Succeeded);

        options.ReverseProxy.Enabled = true;
        options.ReverseProxy.KnownProxies.Add("10.0.0.2");
        options.ReverseProxy.KnownNetworks.Add("10.0.0.0/24");
        Assert.True(new ExposureOptionsValidator(configuration).Validate(null, options).Succeeded);

        options.ReverseProxy.KnownProxies.Add("nginx");
        options.AllowedHosts.Add("https://loa.example");
        var failures = new ExposureOptionsValidator(configuration).Validate(null, options).Failures!.ToList();
        Assert.Contains("Invalid setting Exposure:ReverseProxy:KnownProxies:1 = \"nginx\": must be an IP address.", failures);
        Assert.Contains(failures, failure => failure.StartsWith("Invalid setting Exposure:AllowedHosts:0 = \"https://loa.example\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Behind_a_reverse_proxy_its_forwarded_scheme_counts_and_no_one_elses()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Create(data.Path, settings: new Dictionary<string, string?> { ["Exposure:ReverseProxy:Enabled"] = "true" });
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        var (_, plain) = Ports(host, https: false);
        using var client = Client(_ => { });

        // The proxy on this machine (a known proxy by default) says the browser came over HTTPS: HSTS and Secure cookies.
        using var proxied = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{plain}/language?culture=en-GB&returnUrl=/"));
        proxied.Headers.Add("X-Forwarded-Proto", "https");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var viaProxy = await client.SendAsync(proxied);
        HostFilteringAndHeadersTests.AssertSecurityHeaders(viaProxy, https: true);
        Assert.Contains("secure", Assert.Single(viaProxy.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);

        // Without the header it is plain HTTP on loopback: no HSTS, no Secure cookie.
        using var direct = await client.GetAsync(new Uri($"http://127.0.0.1:{plain}/language?culture=en-GB&returnUrl=/"));
        HostFilteringAndHeadersTests.AssertSecurityHeaders(direct);
        Assert.DoesNotContain("secure", Assert.Single(direct.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The Controller in a real Kestrel on <see cref="Address"/>: one HTTPS endpoint (the HTTPS defaults: no certificate given here) and one plain.</summary>
    private static ControllerHost StartKestrel(string dataDirectory, IDictionary<string, string?>? settings = null)
    {
        var host = ControllerHost.Create(dataDirectory, settings: settings);
        host.UseKestrel(kestrel =>
        {
            kestrel.Listen(Address, 0, listen => listen.UseHttps());
            kestrel.Listen(Address, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        host.StartServer();
        return host;
    }

    private static (int Https, int Plain) Ports(ControllerHost host, bool https = true)
    {
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        int PortOf(string scheme) => new Uri(addresses.First(address => address.StartsWith(scheme + "://", StringComparison.Ordinal))).Port;
        return (https ? PortOf("https") : 0, PortOf("http"));
    }

    /// <summary>A client that accepts whatever certificate the server presents (the test checks it), follows no redirects and leaves Set-Cookie to the test.</summary>
    private static HttpClient Client(Action<X509Certificate2> presented) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                // Each test checks the presented certificate itself (its issuer, its names, its thumbprint).
                if (certificate is null)
                {
                    return false;
                }

                presented(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                return certificate.Subject.Length > 0;
            },
        },
    })
    { Timeout = ControllerHost.Timeout };

    private static X509Certificate2 OwnCertificate(string folder, out string certificateFile, out string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=loa.xa-an-binh.example", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("loa.xa-an-binh.example");
        names.AddIpAddress(Address);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90));
        certificateFile = Path.Combine(folder, "own.pem");
        keyFile = Path.Combine(folder, "own.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(network => network.OperationalStatus == OperationalStatus.Up)
            .SelectMany(network => network.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
        ?? IPAddress.Loopback;
}
