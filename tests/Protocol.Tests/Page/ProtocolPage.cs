using System.Text.RegularExpressions;

namespace SmartLoudspeaker.Protocol.Tests.Page;

/// <summary>docs/protocol.md, read the way its first lines say: announced examples and the code tables.</summary>
internal sealed partial class ProtocolPage
{
    private ProtocolPage(string[] lines) => Lines = lines;

    /// <summary>The page's lines.</summary>
    public IReadOnlyList<string> Lines { get; }

    /// <summary>The page found by walking up from the test's folder to the repository root.</summary>
    public static ProtocolPage Load() => Parse(File.ReadAllText(FindPath()));

    /// <summary>A page from its text (tests of the reader itself, and of an older version of the page).</summary>
    public static ProtocolPage Parse(string text) => new(text.ReplaceLineEndings("\n").Split('\n'));

    /// <summary>Every fenced block, with the announcement on the nearest non-blank line before it (null when there is none).</summary>
    public IReadOnlyList<PageExample> Blocks()
    {
        var blocks = new List<PageExample>();
        for (var i = 0; i < Lines.Count; i++)
        {
            var fence = FenceOpening().Match(Lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            var close = i + 1;
            while (close < Lines.Count && Lines[close].Trim() != "```")
            {
                close++;
            }

            var previous = i - 1;
            while (previous >= 0 && string.IsNullOrWhiteSpace(Lines[previous]))
            {
                previous--;
            }

            var announcement = previous >= 0 ? Announcement().Match(Lines[previous].Trim()) : Match.Empty;
            blocks.Add(new PageExample(
                i + 1,
                fence.Groups["language"].Value,
                [.. Lines.Skip(i + 1).Take(close - i - 1)],
                announcement.Success ? announcement.Groups["what"].Value : null,
                announcement.Success && announcement.Groups["size"].Success ? int.Parse(announcement.Groups["size"].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
                announcement.Groups["root"].Success ? "root"
                : announcement.Groups["kid"].Success ? announcement.Groups["kid"].Value
                : announcement.Groups["self"].Success ? PageExample.SignedBySelf
                : announcement.Groups["node"].Success ? PageExample.SignedByNodePrefix + announcement.Groups["node"].Value
                : null));
            i = close;
        }

        return blocks;
    }

    /// <summary>
    /// The rows of the table whose header starts with <paramref name="header"/> (e.g. "| reason |"), each as its cells
    /// with the surrounding spaces trimmed; empty when there is no such table.
    /// </summary>
    public IReadOnlyList<string[]> Table(string header)
    {
        var start = Lines.ToList().FindIndex(line => line.Trim().StartsWith(header, StringComparison.Ordinal));
        if (start < 0)
        {
            return [];
        }

        return [.. Lines.Skip(start + 2)
            .Select(line => line.Trim())
            .TakeWhile(line => line.StartsWith('|'))
            .Select(line => line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray())];
    }

    /// <summary>The text inside the backticks of a cell such as <c>`identify`</c>; null when the cell is not one code span.</summary>
    public static string? Code(string cell)
    {
        var match = CodeSpan().Match(cell);
        return match.Success ? match.Groups["code"].Value : null;
    }

    private static string FindPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SmartLoudspeaker.sln")))
            {
                return Path.Combine(folder.FullName, "docs", "protocol.md");
            }
        }

        throw new InvalidOperationException("SmartLoudspeaker.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^```(?<language>[a-z]*)\\s*$")]
    private static partial Regex FenceOpening();

    [GeneratedRegex("^Example: (?:`(?<what>[A-Za-z]+)`(?:, signed by (?:the (?<root>root)|`(?<kid>[a-z0-9-]+)`|(?<self>the key it carries)|node `(?<node>[a-z0-9-]+)`))?, (?<size>[0-9]+) bytes|(?<what>root public key))$")]
    private static partial Regex Announcement();

    [GeneratedRegex("^`(?<code>[^`]+)`$")]
    private static partial Regex CodeSpan();
}
