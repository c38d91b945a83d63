using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>The names and addresses this machine is reached by: what the web UI answers to and its generated certificate names.</summary>
internal static class MachineNames
{
    /// <summary>localhost, 127.0.0.1, ::1, the host name and its mDNS (.local) name, and every address of an interface that is up.</summary>
    public static IReadOnlyList<string> All()
    {
        List<string> names = ["localhost", "127.0.0.1", "::1"];
        var machine = Dns.GetHostName().ToLowerInvariant();
        if (Uri.CheckHostName(machine) == UriHostNameType.Dns && machine != "localhost")
        {
            names.Add(machine);
            if (!machine.Contains('.', StringComparison.Ordinal))
            {
                // A Raspberry Pi OS or Debian machine with avahi answers to "name.local" on the village network.
                names.Add(machine + ".local");
            }
        }

        names.AddRange(Addresses().Select(address => address.ToString()));
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>How <paramref name="name"/> appears in a Host header: an IPv6 address in brackets.</summary>
    public static string AsHost(string name) =>
        IPAddress.TryParse(name, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : name;

    private static List<IPAddress> Addresses()
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            return [];
        }

        // Link-local IPv6 addresses need a zone (%eth0) that neither a Host header nor a certificate carries.
        return interfaces
            .Where(network => network.OperationalStatus == OperationalStatus.Up)
            .SelectMany(network => network.GetIPProperties().UnicastAddresses)
            .Select(unicast => unicast.Address)
            .Where(address => !IPAddress.IsLoopback(address) && !address.IsIPv6LinkLocal)
            .OrderBy(address => address.AddressFamily)
            .ToList();
    }
}
