using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using OpenIddict.Abstractions;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Identity;
using Orleans.VNeID.IdentityProvider;
using Orleans.VNeID.Organisations;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// Signing in for someone else (issue 31). A citizen who represents or is authorised for organisations, at a relying
/// party that asks for the <c>organization</c> scope, chooses "for myself" or one of them; a level-2 parent, at a relying
/// party registered to accept delegation, may also choose a child under 14 (the population database links them). The
/// choice travels in the authorization request as <see cref="Parameter"/>, protected and bound to the provider's sign-in
/// (a relying party cannot make it up), and is checked again at every step: issuing the code, refreshing, userinfo.
/// </summary>
public static class ActingFor
{
    public const string Parameter = "vneid_for";
    /// <summary>Kept in the code and refresh token only: whom the tokens act for (<c>child:ID</c> or <c>organization:ID</c>).</summary>
    public const string ActingClaim = "vneid_acting";
    public const string ActClaim = "act";
    public const string OrganizationClaim = "organization";

    private const string Purpose = "vneid.acting-for.v1";
    private static readonly TimeSpan ChoiceLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Whom a sign-in acts for: a child or an organisation (null: the citizen themself).</summary>
    public sealed record Acting(ChildView? Child, OrganisationRoleView? Organisation)
    {
        public string Value => Child is not null ? $"child:{Child.IdNumber}" : $"organization:{Organisation!.Identifier}";
    }

    /// <summary>What the citizen may choose at this relying party for this request.</summary>
    public sealed record Options(IReadOnlyList<ChildView> Children, IReadOnlyList<OrganisationRoleView> Organisations)
    {
        public bool Any => Children.Count > 0 || Organisations.Count > 0;

        /// <summary>The option a choice names, or null (for myself, or a choice no longer open).</summary>
        public Acting? Find(string choice) =>
            choice.StartsWith("child:", StringComparison.Ordinal) && Children.FirstOrDefault(c => c.IdNumber == choice[6..]) is { } child
                ? new Acting(child, null)
                : choice.StartsWith("organization:", StringComparison.Ordinal) && Organisations.FirstOrDefault(o => o.Identifier == choice[13..]) is { } organisation
                    ? new Acting(null, organisation)
                    : null;
    }

    public static async Task<Options> OptionsAsync(IClusterClient cluster, OpenIddictApplicationDescriptor client, ProviderClaims.Release release, AccountView view)
    {
        var citizen = IdentityNumber.Parse(view.IdNumber).IsCitizen;
        IReadOnlyList<ChildView> children = citizen && view.Level == AccountLevel.Level2 && RelyingParties.AcceptsDelegation(client)
            ? (await cluster.Account(view.IdNumber).GetChildrenAsync()).Value ?? []
            : [];
        IReadOnlyList<OrganisationRoleView> organisations = release.Organization
            ? await cluster.GetGrain<IOrganisationRolesGrain>(view.IdNumber).ListAsync()
            : [];
        return new Options(children, organisations);
    }

    /// <summary>Whom <paramref name="value"/> (an <see cref="Acting.Value"/>) names for the account, if it still may: the check at refresh and userinfo.</summary>
    public static async Task<Acting?> ResolveAsync(IClusterClient cluster, string accountId, string value)
    {
        if (value.StartsWith("child:", StringComparison.Ordinal))
            return (await cluster.Account(accountId).GetChildrenAsync()).Value?.FirstOrDefault(c => c.IdNumber == value[6..]) is { } child
                ? new Acting(child, null)
                : null;
        if (value.StartsWith("organization:", StringComparison.Ordinal) && OrganisationId.TryParse(value[13..], out _))
            return await cluster.GetGrain<IOrganisationGrain>(value[13..]).RoleOfAsync(accountId) is { } role ? new Acting(null, role) : null;
        return null;
    }

    /// <summary>The choice as the authorization request carries it: protected, bound to the provider's sign-in, 10 minutes.</summary>
    public static string Protect(IDataProtectionProvider protection, string sessionId, string choice) =>
        protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Protect($"{sessionId}\n{choice}", ChoiceLifetime);

    /// <summary>The choice carried by the request for this sign-in ("self", or an option's value), or null.</summary>
    public static string? Unprotect(IDataProtectionProvider protection, string? carried, string sessionId)
    {
        if (string.IsNullOrEmpty(carried) || carried.Length > 2048) return null;
        try
        {
            var text = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Unprotect(carried);
            var separator = text.IndexOf('\n');
            return separator > 0 && CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(text[..separator]), System.Text.Encoding.UTF8.GetBytes(sessionId))
                ? text[(separator + 1)..]
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// The <c>act</c> claim (RFC 8693 §4.1): the acting parent as this relying party knows them, their name when the
    /// profile is released, and the relationship with its evidence (the population database's record of parenthood).
    /// </summary>
    public static JsonElement Actor(string parentSubject, string? parentName, ChildView child, DateOnly today)
    {
        var actor = new Dictionary<string, object?> { ["sub"] = parentSubject };
        if (parentName is not null) actor["name"] = parentName;
        actor["relationship"] = child.Relationship;
        actor["relationship_evidence"] = PopulationRecord(today);
        return JsonSerializer.SerializeToElement(actor);
    }

    /// <summary>The child's verified claims: the population database's record, read at this sign-in.</summary>
    public static JsonElement ChildVerified(IReadOnlyList<string> names, ChildView child, DateOnly today)
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = child.FullName, ["birthdate"] = ProviderClaims.Day(child.DateOfBirth), ["gender"] = ProviderClaims.Gender(child.Gender),
        };
        return JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["verification"] = new Dictionary<string, object>
            {
                ["trust_framework"] = ProviderClaims.TrustFramework, ["time"] = ProviderClaims.Day(today), ["evidence"] = new[] { PopulationRecord(today) },
            },
            ["claims"] = names.Where(values.ContainsKey).ToDictionary(n => n, n => values[n]),
        });
    }

    /// <summary>
    /// The <c>organization</c> claim: the organisation as the business register records it, the person's role and
    /// authorisation, and its own <c>verified_claims</c> (the register read at this sign-in).
    /// </summary>
    public static JsonElement Organisation(OrganisationRoleView role)
    {
        var roleName = role.Role == OrganisationRole.LegalRepresentative ? "legal_representative" : "authorised";
        var claim = new Dictionary<string, object?>
        {
            ["id"] = role.Identifier, ["name"] = role.Name, ["name_en"] = role.EnglishName, ["kind"] = role.Kind, ["head_office"] = role.HeadOffice,
            ["role"] = roleName, ["scopes"] = role.Scopes,
        };
        if (role.ExpiresOn is { } until) claim["authorised_until"] = ProviderClaims.Day(until);
        claim["verified_claims"] = new Dictionary<string, object>
        {
            ["verification"] = new Dictionary<string, object>
            {
                ["trust_framework"] = ProviderClaims.TrustFramework, ["time"] = ProviderClaims.Day(role.CheckedOn),
                ["evidence"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["type"] = "electronic_record",
                        ["check_details"] = new[] { new Dictionary<string, object?> { ["check_method"] = "data" } },
                        ["time"] = ProviderClaims.Day(role.CheckedOn),
                        ["record"] = new Dictionary<string, object?>
                        {
                            ["type"] = "business_register",
                            ["source"] = new Dictionary<string, object?> { ["name"] = "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp", ["country_code"] = "VNM" },
                        },
                    },
                },
            },
            ["claims"] = new Dictionary<string, object?> { ["id"] = role.Identifier, ["name"] = role.Name, ["role"] = roleName },
        };
        return JsonSerializer.SerializeToElement(claim);
    }

    private static Dictionary<string, object?> PopulationRecord(DateOnly today) => new()
    {
        ["type"] = "electronic_record",
        ["check_details"] = new[] { new Dictionary<string, object?> { ["check_method"] = "data" } },
        ["time"] = ProviderClaims.Day(today),
        ["record"] = new Dictionary<string, object?>
        {
            ["type"] = "population_register",
            ["source"] = new Dictionary<string, object?> { ["name"] = "Cơ sở dữ liệu quốc gia về dân cư", ["country_code"] = "VNM" },
        },
    };

    /// <summary>
    /// The relying party received a child's sign-in from this parent: when the child turns 14 the delegation ends, and a
    /// relying party registered for security events is told then (<see cref="DelegationEnds"/>).
    /// </summary>
    public static async Task RecordDelegationAsync(NpgsqlDataSource database, string clientId, ChildView child, string parentId, string subject, bool tells)
    {
        await using var command = database.CreateCommand(
            "insert into oidc.delegations (client_id, child_id, parent_id, subject, ends_on, tells) values ($1, $2, $3, $4, $5, $6) " +
            "on conflict (client_id, child_id, parent_id) do update set subject = excluded.subject, ends_on = excluded.ends_on, tells = excluded.tells, ended_at = null");
        command.Parameters.AddWithValue(clientId);
        command.Parameters.AddWithValue(child.IdNumber);
        command.Parameters.AddWithValue(parentId);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(child.DateOfBirth.AddYears(14));
        command.Parameters.AddWithValue(tells);
        await command.ExecuteNonQueryAsync();
    }
}
