using System.Reflection;
using System.Xml.Linq;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>Every UI string exists in both languages (the pages themselves are checked in both cultures by FleetPagesTests).</summary>
public sealed class TranslationTests
{
    /// <summary>What the API calls a command's outcome for one node (CommandOutcomeView.Status).</summary>
    private static readonly string[] CommandStatuses = ["pending", "done", "refused", "failed", "unanswered"];

    private static readonly string Resources = Path.Combine(RepositoryPaths.Root, "src", "Controller", "Web", "Resources");

    private static Dictionary<string, string> Load(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!
            .Elements("data")
            .ToDictionary(data => (string)data.Attribute("name")!, data => (string?)data.Element("value") ?? string.Empty, StringComparer.Ordinal);

    [Fact]
    public void Vietnamese_and_English_have_the_same_keys_and_no_empty_string()
    {
        var vietnamese = Load("Ui.resx");
        var english = Load("Ui.en.resx");

        Assert.Empty(vietnamese.Keys.Except(english.Keys));
        Assert.Empty(english.Keys.Except(vietnamese.Keys));
        Assert.DoesNotContain(vietnamese, entry => string.IsNullOrWhiteSpace(entry.Value));
        Assert.DoesNotContain(english, entry => string.IsNullOrWhiteSpace(entry.Value));
    }

    [Fact]
    public void Format_strings_take_the_same_arguments_in_both_languages()
    {
        var vietnamese = Load("Ui.resx");
        var english = Load("Ui.en.resx");
        foreach (var (key, value) in vietnamese)
        {
            Assert.True(
                Placeholders(value).SetEquals(Placeholders(english[key])),
                $"{key}: \"{value}\" and \"{english[key]}\" use different placeholders.");
        }
    }

    [Fact]
    public void Every_fault_code_and_event_severity_has_a_name_in_both_languages()
    {
        var codes = typeof(FaultCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => "Fault." + (string)field.GetRawConstantValue()!);
        var severities = Enum.GetNames<EventSeverity>().Select(name => "Severity." + name);
        foreach (var file in new[] { "Ui.resx", "Ui.en.resx" })
        {
            var strings = Load(file);
            foreach (var key in codes.Concat(severities))
            {
                Assert.True(strings.ContainsKey(key), $"{file} lacks {key}.");
            }
        }
    }

    private static HashSet<string> Placeholders(string format) =>
        System.Text.RegularExpressions.Regex.Matches(format, @"\{(\d+)").Select(match => match.Groups[1].Value).ToHashSet();

    [Fact]
    public void Every_refusal_reason_command_type_and_command_status_has_a_name_in_both_languages()
    {
        var reasons = typeof(RefusalReasons).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => "Refusal." + (string)field.GetRawConstantValue()!)
            .ToArray();
        Assert.True(reasons.Length >= 15, "RefusalReasons was not enumerated.");
        var types = CommandCatalog.Names.Select(name => "CommandType." + name);
        var statuses = CommandStatuses.Select(status => "CommandStatus." + status);
        foreach (var file in new[] { "Ui.resx", "Ui.en.resx" })
        {
            var strings = Load(file);
            foreach (var key in reasons.Concat(types).Concat(statuses))
            {
                Assert.True(strings.ContainsKey(key), $"{file} lacks {key}.");
            }
        }
    }

    [Fact]
    public void Every_account_refusal_and_role_has_words_in_both_languages()
    {
        var keys = Enum.GetNames<SmartLoudspeaker.Controller.Accounts.AccountRefusal>().Select(name => "Accounts.Problem." + name)
            .Concat(SmartLoudspeaker.Controller.Accounts.AccountRoles.All.Select(role => "Accounts.Role." + role));
        foreach (var file in new[] { "Ui.resx", "Ui.en.resx" })
        {
            var strings = Load(file);
            foreach (var key in keys)
            {
                Assert.True(strings.ContainsKey(key), $"{file} lacks {key}.");
            }
        }
    }
}
