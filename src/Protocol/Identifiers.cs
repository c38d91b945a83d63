namespace SmartLoudspeaker.Protocol;

/// <summary>
/// Shape of node and zone ids. They appear as MQTT topic levels, so they must never contain
/// wildcards or separators; lower-case ASCII keeps them the same in every tool and file system.
/// </summary>
public static class Identifiers
{
    /// <summary>Longest node or zone id.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="id"/> is 1–64 characters of a–z, 0–9 and '-', not starting with '-'.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || id[0] == '-')
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(c is >= 'a' and <= 'z' || c is >= '0' and <= '9' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
