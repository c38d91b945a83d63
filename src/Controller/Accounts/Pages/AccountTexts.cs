using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Accounts.Pages;

/// <summary>The account pages' words for a refusal and for a role, in the person's language.</summary>
internal static class AccountTexts
{
    /// <summary>Why a change was refused (<c>Accounts.Problem.{reason}</c>), with the password minimum and the longest token life filled in.</summary>
    public static string Problem(UiText text, AccountRefusal reason, int minimumPasswordLength, int maxTokenDays = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Format("Accounts.Problem." + reason, minimumPasswordLength, maxTokenDays);
    }

    /// <summary>A role's name (<c>Accounts.Role.{role}</c>).</summary>
    public static string Role(UiText text, string role)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text["Accounts.Role." + role];
    }

    /// <summary>Several roles' names, or the words for none.</summary>
    public static string Roles(UiText text, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(roles);
        return roles.Count == 0 ? text["Accounts.NoRole"] : string.Join(", ", roles.Select(role => Role(text, role)));
    }
}
