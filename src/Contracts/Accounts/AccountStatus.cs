namespace Orleans.VNeID.Accounts;

/// <summary>The states of the design card. Numeric values are stored; never renumber them.</summary>
public enum AccountStatus
{
    Declared = 0,
    PendingActivation = 1,
    Level1 = 2,
    Level2 = 3,
    Locked = 4,
    /// <summary>
    /// A level-1 account whose biometrics matched at an office: still used at level 1 (logins, recovery) until the level-2
    /// code sent to the phone on record confirms the upgrade.
    /// </summary>
    PendingUpgrade = 5,
}

/// <summary>Identification level an account has or is being activated to (Decree 59/2022/ND-CP).</summary>
public enum AccountLevel
{
    None = 0,
    Level1 = 1,
    Level2 = 2,
}

/// <summary>Everything that can move an account's lifecycle. Numeric values are stored; never renumber them.</summary>
public enum AccountTrigger
{
    /// <summary>Declared data (ID, name, birth date, gender) matched the population registry: a level-1 activation begins.</summary>
    MatchRegistry = 0,
    /// <summary>Portrait or fingerprints matched at a police office: a level-2 activation begins.</summary>
    MatchBiometrics = 1,
    /// <summary>A new activation code is sent; the state does not change.</summary>
    ResendOtp = 2,
    /// <summary>A valid activation code and a new password complete the activation.</summary>
    Activate = 3,
    /// <summary>A password check on an active account; the state does not change.</summary>
    LogIn = 4,
    /// <summary>The owner, an officer or an operator locks the account.</summary>
    Lock = 5,
    /// <summary>An officer or operator returns a locked account to where it was.</summary>
    Unlock = 6,
    /// <summary>The level-2 code confirms the upgrade of a level-1 account; the password stays as it is.</summary>
    ConfirmUpgrade = 7,
}

/// <summary>Who acts on an account.</summary>
public enum ActorRole
{
    Citizen = 0,
    Officer = 1,
    Operator = 2,
    System = 3,
}

/// <summary>Where notifications for an account go.</summary>
public enum NotificationChannel
{
    Sms = 0,
    Email = 1,
    /// <summary>The in-app notice list of the account (<c>GET /api/v1/accounts/{id}/notices</c>); never carries a code.</summary>
    App = 2,
}
