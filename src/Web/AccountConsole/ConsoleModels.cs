namespace Orleans.VNeID.Web.AccountConsole;

/// <summary>The console's sections, in the order of its navigation.</summary>
public enum ConsoleSection { Overview, Wallet, Notices, Sessions, Services, Security, Passkeys, Organisations, History }

/// <summary>One field of the citizen's data: verified (and by what) or self-declared.</summary>
public sealed record FieldRow(string Label, string? Value, bool Verified, string Source);

/// <summary>A paper in the wallet, or a child's.</summary>
public sealed record DocumentRow(string Title, string Number, string Issuer, string? Validity, string VerifiedBy);

/// <summary>A child under 14 on a level-2 parent's account.</summary>
public sealed record ChildRow(string Name, string IdNumber, string BirthDate, bool Dependent, IReadOnlyList<DocumentRow> Documents);

public sealed record NoticeRow(string At, string Text);

public sealed record SessionRow(string Handle, string OpenedAt, string Device, bool Current);

public sealed record ServiceRow(string ClientId, string Name, string Since, IReadOnlyList<string> Receives);

public sealed record HistoryRow(string At, string What, string Who);

/// <summary>One of the account's passkeys: its handle (for the forms), name, when added and last used, and its kind.</summary>
public sealed record PasskeyRow(string Handle, string Name, string AddedAt, string LastUsed, string Kind);

/// <summary>An organisation the citizen acts for (or registered), as the list shows it.</summary>
public sealed record OrganisationRow(string Identifier, string Name, string Role, string Status);

/// <summary>One organisation opened: the register's facts, the account's status, and what its representative manages.</summary>
public sealed record OrganisationDetail(string Identifier, string Name, string EnglishName, string Kind, string HeadOffice, string Status,
    bool Representative, bool Pending, bool Active, bool Locked, IReadOnlyList<DocumentRow> Papers, IReadOnlyList<GrantRow> Grants,
    IReadOnlyList<HistoryRow> Trail);

/// <summary>An authorisation: to whom, for what, until when, and whether still in force.</summary>
public sealed record GrantRow(string GrantId, string IdNumber, string Scopes, string Until, bool InForce);

/// <summary>A scope an authorisation may give, with its words.</summary>
public sealed record ScopeChoice(string Value, string Label);
