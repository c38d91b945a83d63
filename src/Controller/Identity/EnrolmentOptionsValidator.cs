using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>Checks the "Enrolment" settings at start.</summary>
internal sealed class EnrolmentOptionsValidator : IValidateOptions<EnrolmentOptions>
{
    public ValidateOptionsResult Validate(string? name, EnrolmentOptions options)
    {
        var errors = new List<string>();
        if (options.MaxPendingRequests is < 1 or > 100_000)
        {
            errors.Add(InvalidSetting.Describe("Enrolment:MaxPendingRequests", options.MaxPendingRequests, "must be 1–100000"));
        }

        if (options.MaxRequestsPerMinute is < 1 or > 100_000)
        {
            errors.Add(InvalidSetting.Describe("Enrolment:MaxRequestsPerMinute", options.MaxRequestsPerMinute, "must be 1–100000"));
        }

        if (options.RotationTimeout < TimeSpan.FromMinutes(1) || options.RotationTimeout > TimeSpan.FromDays(7))
        {
            errors.Add(InvalidSetting.Describe("Enrolment:RotationTimeout", options.RotationTimeout, "must be 00:01:00–7.00:00:00 (one minute to seven days)"));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < options.BootstrapTokens.Count; index++)
        {
            var token = options.BootstrapTokens[index];
            var prefix = $"Enrolment:BootstrapTokens:{index}:";
            if (!EnrolmentTokenProof.TryParseToken(token.Token, out var tokenId, out _))
            {
                // The token is a secret: its value is not repeated in the message.
                errors.Add(InvalidSetting.Describe(prefix + "Token", "(hidden)", "must be {tokenId}.{secret}: a valid id, a dot and at least 16 bytes of base64url"));
            }
            else if (!ids.Add(tokenId))
            {
                errors.Add(InvalidSetting.Describe(prefix + "Token", tokenId, "names a token id already configured"));
            }

            if (token.Zones.Count is 0 or > EnrolmentRequest.MaxZones || token.Zones.Any(zone => !Identifiers.IsValid(zone)))
            {
                errors.Add(InvalidSetting.Describe(prefix + "Zones", string.Join(",", token.Zones), "must hold 1–16 valid zone ids"));
            }

            if (token.Expires is null)
            {
                errors.Add(InvalidSetting.Describe(prefix + "Expires", null, "is required: an ISO 8601 instant such as 2026-12-31T00:00:00+07:00"));
            }

            if (token.MaxUses is < 1 or > 100_000)
            {
                errors.Add(InvalidSetting.Describe(prefix + "MaxUses", token.MaxUses, "must be 1–100000"));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
