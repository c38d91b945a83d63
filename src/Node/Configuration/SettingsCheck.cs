using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>
/// Runs every start-up validation of the built host before it starts, so that an invalid setting ends the program
/// with one line per setting on stderr and <see cref="NodeExitCodes.InvalidSetting"/>, instead of an unhandled
/// <see cref="OptionsValidationException"/> and its stack trace.
/// The Controller and the node each carry this same file: they share only src/Protocol, which depends on the BCL
/// alone, and a shared hosting library is part of the reshaping in issue 9 (with DurableFile).
/// </summary>
internal static partial class SettingsCheck
{
    /// <summary>One line for each invalid setting (<see cref="InvalidSetting"/>); empty when every setting is valid.</summary>
    public static IReadOnlyList<string> FindInvalidSettings(IServiceProvider services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(inner => inner is OptionsValidationException))
        {
            return [.. exception.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures)];
        }
        catch (InvalidOperationException exception) when (DescribeBindingFailure(exception, configuration) is { } line)
        {
            return [line];
        }
    }

    /// <summary>
    /// A value the configuration binder could not convert ("abc" for a number) fails before any validator sees it;
    /// its message names the path and the target type, from which the line is made.
    /// </summary>
    private static string? DescribeBindingFailure(InvalidOperationException exception, IConfiguration configuration)
    {
        var match = BindingFailure().Match(exception.Message);
        if (!match.Success)
        {
            return null;
        }

        var path = match.Groups["path"].Value;
        var typeName = match.Groups["type"].Value;
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies().Select(assembly => assembly.GetType(typeName)).FirstOrDefault(found => found is not null);
        var allowed = type switch
        {
            { IsEnum: true } => "must be one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(int) || type == typeof(long) => "must be a whole number",
            _ when type == typeof(double) => "must be a number",
            _ when type == typeof(bool) => "must be true or false",
            _ when type == typeof(TimeSpan) => "must be a duration such as 00:00:30 (hh:mm:ss)",
            _ => "must be a valid " + (type?.Name ?? typeName),
        };
        return InvalidSetting.Describe(path, configuration[path], allowed);
    }

    [GeneratedRegex("at '(?<path>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BindingFailure();
}
