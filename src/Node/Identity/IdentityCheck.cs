using SmartLoudspeaker.Node.Configuration;

namespace SmartLoudspeaker.Node.Identity;

/// <summary>
/// Reads (at first start: makes) the single node's key and broker password before the host starts, so that a damaged
/// file ends the program with one line naming it and <see cref="NodeExitCodes.IdentityUnreadable"/>, and prints the key
/// fingerprint on request. The fleet simulator's nodes each read their own when they are built.
/// </summary>
internal static class IdentityCheck
{
    /// <summary>0 when the identity is usable (printed on stdout when <paramref name="print"/>); otherwise the exit code.</summary>
    public static int Run(IConfiguration configuration, bool print)
    {
        var options = configuration.GetSection(NodeOptions.SectionName).Get<NodeOptions>() ?? new NodeOptions();
        if (options.Simulation.Enabled)
        {
            if (print)
            {
                Console.Error.WriteLine("The fleet simulator's nodes each have their own key: their fingerprints are in the log at start.");
                return NodeExitCodes.InvalidSetting;
            }

            return 0;
        }

        try
        {
            using var credentials = IdentityFiles.LoadOrCreate(options.DataDirectory, out _);
            if (print)
            {
                Console.WriteLine($"{options.NodeId} {credentials.Fingerprint}");
            }

            return 0;
        }
        catch (Exception exception) when (exception is InvalidDataException
            || (exception is IOException or UnauthorizedAccessException && IdentityFiles.KeyExists(options.DataDirectory)))
        {
            Console.Error.WriteLine($"Node identity unusable: {exception.Message}");
            return NodeExitCodes.IdentityUnreadable;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be written: the node starts with a key in memory and says so in its log.
            if (!print)
            {
                return 0;
            }

            Console.Error.WriteLine($"Cannot store the node's key in {options.DataDirectory}: {exception.Message}");
            return NodeExitCodes.IdentityUnreadable;
        }
    }
}
