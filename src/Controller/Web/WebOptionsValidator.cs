using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>Refuses a time zone this machine does not know, at start, rather than on the first page view.</summary>
internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone ?? string.Empty, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(InvalidSetting.Describe(
                "Web:TimeZone", options.TimeZone, "must be a time zone known to this machine, e.g. Asia/Ho_Chi_Minh (is tzdata installed?)"));
}
