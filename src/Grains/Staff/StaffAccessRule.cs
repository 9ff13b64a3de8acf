using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Staff;

namespace Orleans.VNeID.Grains.Staff;

/// <summary>What a staff member's read of a citizen's personal data is.</summary>
public enum StaffAccessVerdict
{
    /// <summary>An officer, at their office, in its hours: the desk's ordinary work (audited as a read).</summary>
    Allowed,

    /// <summary>Outside that, with a stated reason: allowed as an exception, audited with the reason and reported.</summary>
    Exception,

    /// <summary>Outside that, without a reason: refused.</summary>
    ReasonRequired,
}

/// <summary>
/// Who may read a citizen's personal data, apart from any grain. An officer's office receives citizens in its hours
/// (docs/domain.md, "The procedures"): reading a citizen's data then is the desk's work. Anything else (an officer after hours, an operator,
/// whose role is the platform and not the citizens) is an exception: it needs a stated reason, which goes into the
/// citizen's audit trail, and operators are alerted.
/// </summary>
public static class StaffAccessRule
{
    public static StaffAccessVerdict Decide(ActorRole role, bool officeOpen, string? reason) =>
        role == ActorRole.Officer && officeOpen ? StaffAccessVerdict.Allowed
        : !string.IsNullOrWhiteSpace(reason) ? StaffAccessVerdict.Exception
        : StaffAccessVerdict.ReasonRequired;
}
