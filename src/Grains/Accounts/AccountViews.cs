using System.Globalization;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>What readers see of an account: the view (phone masked, no secret) and the profile with each field's source.</summary>
public static class AccountViews
{
    public static AccountView View(string accountId, AccountState state, AccountLevel level) => new(
        accountId,
        state.Lifecycle.Status,
        level,
        state.Lifecycle.ActivationTarget,
        state.FullName,
        state.DateOfBirth,
        state.Gender,
        MaskPhone(state.Phone),
        state.Email,
        state.DeclaredAt,
        state.ActivatedAt,
        state.Lock is { } l && state.Lifecycle.ReturnStatus is { } back ? new LockView(l.Reason, l.ActorRole, l.LockedAt, back) : null,
        state.Otp?.ExpiresAt,
        state.Passkeys?.Count ?? 0,
        state.TravelDocument);

    /// <summary>Registry fields are verified; a phone is verified only when it is the registry's; an e-mail is always self-declared.</summary>
    public static ProfileView Profile(string accountId, AccountState state, AccountLevel level)
    {
        var registryPhone = state.Phone is not null && state.Phone == state.RegistryPhone;
        var id = IdentityNumber.Parse(accountId);
        // A foreigner's passport is the one in force (a renewed passport replaces the account's first one).
        var passport = state.TravelDocument is { } renewed ? IdentityNumber.Parse(renewed) : id;
        // A citizen's birth registration place is read from the number; a foreigner's nationality and document from the
        // immigration database.
        ProfileField[] origin = id.IsCitizen
            ?
            [
                // Digits 1-3 name where the birth was registered (the seed: "nơi công dân đăng ký khai sinh"), not where it happened.
                new("birthRegistrationPlace", id.Citizen.BirthRegistrationPlace, FieldSource.VerifiedByRegistry),
            ]
            :
            [
                new("nationality", state.Nationality, FieldSource.VerifiedByRegistry),
                new("passportIssuingCountry", passport.IssuingCountry, FieldSource.VerifiedByRegistry),
                new("passportNumber", passport.DocumentNumber, FieldSource.VerifiedByRegistry),
            ];
        ProfileField[] fields =
        [
            new("idNumber", accountId, FieldSource.VerifiedByRegistry),
            new("identityKind", id.Kind.ToString(), FieldSource.VerifiedByRegistry),
            new("fullName", state.FullName, FieldSource.VerifiedByRegistry),
            new("dateOfBirth", state.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), FieldSource.VerifiedByRegistry),
            new("gender", state.Gender.ToString(), FieldSource.VerifiedByRegistry),
            .. origin,
            new("phone", state.Phone, registryPhone ? FieldSource.VerifiedByRegistry : FieldSource.SelfDeclared),
            new("email", state.Email, FieldSource.SelfDeclared),
        ];
        return new ProfileView(accountId, level, fields, state.Dependents.ToArray());
    }

    /// <summary>All but the last three digits hidden (all of a number of four or fewer).</summary>
    public static string? MaskPhone(string? phone) =>
        phone is null ? null : phone.Length <= 4 ? new string('*', phone.Length) : new string('*', phone.Length - 3) + phone[^3..];
}
