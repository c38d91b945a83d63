using System.Text;

namespace SmartLoudspeaker.Node.Control;

/// <summary>Text from the wire made safe for logs and events.</summary>
internal static class LogText
{
    /// <summary>Safe for one log line: control characters (a forged id may hold line feeds) replaced.</summary>
    public static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    /// <summary>At most 1 KiB, so an event stays small on a 4G link.</summary>
    public static string Limit(string text) => text.Length <= 1024 ? text : text[..1021] + "...";
}
