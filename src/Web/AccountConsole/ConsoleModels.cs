namespace Orleans.VNeID.Web.AccountConsole;

/// <summary>The console's sections, in the order of its navigation.</summary>
public enum ConsoleSection { Overview, Wallet, Notices, Sessions, Services, Security, Passkeys, History }

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
