namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// Why a change to accounts was refused, so the API picks its status and the pages their sentence (in the person's
/// language) from the reason rather than from the English text of <see cref="AccountChange{T}.Problem"/>.
/// </summary>
internal enum AccountRefusal
{
    /// <summary>Not refused.</summary>
    None,

    /// <summary>A user name outside the allowed letters or length.</summary>
    InvalidName,

    /// <summary>The user name is taken.</summary>
    NameTaken,

    /// <summary>A password shorter than <see cref="AccountsOptions.MinimumPasswordLength"/>.</summary>
    PasswordTooShort,

    /// <summary>A role that is not one of <see cref="AccountRoles.All"/>.</summary>
    UnknownRole,

    /// <summary>No such account (or, for a token, no active one).</summary>
    NoSuchUser,

    /// <summary>The change would leave no active account holding the admin role.</summary>
    LastAdmin,

    /// <summary>An admin may not disable their own account.</summary>
    OwnAccount,

    /// <summary>A token's life outside 1 day to <see cref="AccountsOptions.TokenMaxLifetime"/>.</summary>
    TokenLifetime,

    /// <summary>A token without any role.</summary>
    TokenWithoutRole,

    /// <summary>A token asked for a role its owner does not hold.</summary>
    RoleNotHeld,
}
