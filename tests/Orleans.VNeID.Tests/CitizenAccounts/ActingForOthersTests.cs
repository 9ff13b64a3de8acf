using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using OpenIddict.Abstractions;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Gateway.IdentityProvider;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Organisations;
using Orleans.VNeID.Grains.Organisations;
using Orleans.VNeID.Tests.Gateway;
using Orleans.VNeID.Tests.Grains;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Orleans.VNeID.Tests.CitizenAccounts;

/// <summary>
/// Issue 31's rules in the grains and over the gateway's HTTP: an organisation's account registered, activated, locked
/// by its representative on record, people authorised and withdrawn, the register's change of representative taking the
/// organisation from the old one at once; a level-2 parent acting for a child under 14 and no longer at 14; the claims a
/// relying party receives for a child (the child the subject, the parent in act, none of the parent's contact data).
/// </summary>
[Collection(ClusterCollection.Name)]
public class ActingForOthersTests(ClusterFixture fixture)
{
    private const string Password = "Nhoquan@123";
    private const string Level2Password = "Muc2@Matkhau";
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    /// <summary>A level-2 citizen signed in (the session of a fresh login) and one with a code proven on it.</summary>
    private async Task<(Orleans.VNeID.Grains.Registry.CitizenRecord Citizen, string Session)> Level2Async(HttpClient http, string? fatherId = null)
    {
        var citizen = await fixture.ActiveCitizenAsync(Password);
        await _gateway.Level2AtTheDeskAsync(http, citizen, Level2Password);
        return (citizen, (await fixture.Account(citizen).LogInAsync(Level2Password)).Value!.SessionId);
    }

    private async Task ProveCodeAsync(Orleans.VNeID.Grains.Registry.CitizenRecord citizen, string session)
    {
        var before = fixture.Sender.To(citizen.Phone!).Count;
        Assert.True((await fixture.Account(citizen).RequestSignInCodeAsync(session)).Succeeded);
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, before + 1))[^1]);
        Assert.True((await fixture.Account(citizen).ConfirmSignInCodeAsync(session, code!)).Succeeded);
    }

    [Fact]
    public async Task A_representative_registers_activates_and_authorises_and_the_register_s_change_of_representative_ends_their_access_at_once()
    {
        var http = _gateway.CreateClient();
        var (representative, session) = await Level2Async(http);
        var organisation = fixture.Organisations.Add(representative.IdNumber);
        var grain = fixture.Client.GetGrain<IOrganisationGrain>(organisation.Identifier);

        // Only the representative on record, only at level 2, only an organisation in the register.
        var stranger = await fixture.ActiveCitizenAsync(Password);
        var strangerSession = (await fixture.Account(stranger).LogInAsync(Password)).Value!.SessionId;
        Assert.Equal("not_the_representative", (await grain.RegisterAsync(stranger.IdNumber, strangerSession)).Error!.Code);
        var levelOne = await fixture.ActiveCitizenAsync(Password);
        var levelOneOrganisation = fixture.Organisations.Add(levelOne.IdNumber);
        Assert.Equal("level2_required", (await fixture.Client.GetGrain<IOrganisationGrain>(levelOneOrganisation.Identifier)
            .RegisterAsync(levelOne.IdNumber, (await fixture.Account(levelOne).LogInAsync(Password)).Value!.SessionId)).Error!.Code);
        Assert.Equal("organisation_not_found", (await fixture.Client.GetGrain<IOrganisationGrain>("0999999999").RegisterAsync(representative.IdNumber, session)).Error!.Code);
        Assert.Equal("token_revoked", (await grain.RegisterAsync(representative.IdNumber, "not-a-session")).Error!.Code);

        var registered = await grain.RegisterAsync(representative.IdNumber, session);
        Assert.Equal(OrganisationStatus.PendingActivation, registered.Value!.Status);
        Assert.Equal("organisation_exists", (await grain.RegisterAsync(representative.IdNumber, session)).Error!.Code);
        Assert.Null(await grain.RoleOfAsync(representative.IdNumber));
        // Activation needs a code to the representative's phone, proven on this session.
        Assert.Equal("fresh_code_required", (await grain.ActivateAsync(representative.IdNumber, session)).Error!.Code);
        await ProveCodeAsync(representative, session);
        Assert.Equal(OrganisationStatus.Active, (await grain.ActivateAsync(representative.IdNumber, session)).Value!.Status);
        Assert.Equal(OrganisationRole.LegalRepresentative, (await grain.RoleOfAsync(representative.IdNumber))!.Role);
        Assert.Equal("registration_certificate", registered.Value.Papers[0].Kind);

        // An authorisation: within scopes, to a day; the employee acts, sees only their own grant; withdrawn at once.
        var employee = await fixture.ActiveCitizenAsync(Password);
        var employeeSession = (await fixture.Account(employee).LogInAsync(Password)).Value!.SessionId;
        var today = VietnamTime.Today(fixture.Clock);
        Assert.Equal("validation_failed", (await grain.AuthoriseAsync(representative.IdNumber, session, employee.IdNumber, ["everything"], today.AddDays(30))).Error!.Code);
        Assert.Equal("validation_failed", (await grain.AuthoriseAsync(representative.IdNumber, session, employee.IdNumber, [OrganisationScopes.Tax], today.AddDays(-1))).Error!.Code);
        Assert.Equal("not_the_representative", (await grain.AuthoriseAsync(employee.IdNumber, employeeSession, stranger.IdNumber, [OrganisationScopes.Tax], today.AddDays(3))).Error!.Code);
        var granted = await grain.AuthoriseAsync(representative.IdNumber, session, employee.IdNumber, [OrganisationScopes.Tax, OrganisationScopes.PublicServices], today.AddDays(30));
        var grant = granted.Value!.Grants.Single(g => g.IdNumber == employee.IdNumber);
        var role = await grain.RoleOfAsync(employee.IdNumber);
        Assert.Equal(OrganisationRole.Authorised, role!.Role);
        Assert.Equal([OrganisationScopes.PublicServices, OrganisationScopes.Tax], role.Scopes);
        Assert.Equal(today.AddDays(30), role.ExpiresOn);
        Assert.Contains(await fixture.Client.GetGrain<IOrganisationRolesGrain>(employee.IdNumber).ListAsync(), r => r.Identifier == organisation.Identifier);
        var seenByEmployee = (await grain.GetAsync(employee.IdNumber, employeeSession)).Value!;
        Assert.Single(seenByEmployee.Grants);
        Assert.Empty(seenByEmployee.Trail);
        Assert.Equal("organisation_not_found", (await grain.GetAsync(stranger.IdNumber, strangerSession)).Error!.Code);
        await grain.RecordUseAsync(employee.IdNumber, "Cổng dịch vụ công");
        Assert.True((await grain.WithdrawAsync(representative.IdNumber, session, grant.GrantId)).Succeeded);
        Assert.Null(await grain.RoleOfAsync(employee.IdNumber));
        Assert.DoesNotContain(await fixture.Client.GetGrain<IOrganisationRolesGrain>(employee.IdNumber).ListAsync(), r => r.Identifier == organisation.Identifier);

        // Locked: nobody acts for it until unlocked.
        Assert.Equal(OrganisationStatus.Locked, (await grain.LockAsync(representative.IdNumber, session)).Value!.Status);
        Assert.Null(await grain.RoleOfAsync(representative.IdNumber));
        Assert.Equal(OrganisationStatus.Active, (await grain.UnlockAsync(representative.IdNumber, session)).Value!.Status);

        // The register names another representative: the old one loses the organisation at once, the new one holds it.
        var successor = await fixture.ActiveCitizenAsync(Password);
        fixture.Organisations.Change(organisation.Identifier, o => o with { RepresentativeId = successor.IdNumber });
        Assert.Null(await grain.RoleOfAsync(representative.IdNumber));
        Assert.Equal("organisation_not_found", (await grain.GetAsync(representative.IdNumber, session)).Error!.Code);
        Assert.Equal("not_the_representative", (await grain.LockAsync(representative.IdNumber, session)).Error!.Code);
        Assert.Equal(OrganisationRole.LegalRepresentative, (await grain.RoleOfAsync(successor.IdNumber))!.Role);
        var trail = (await grain.GetAsync(successor.IdNumber, (await fixture.Account(successor).LogInAsync(Password)).Value!.SessionId)).Value!.Trail;
        Assert.Contains(trail, t => t.Actor == "register" && t.What.Contains($"{representative.IdNumber}'s access ended"));
        Assert.Contains(trail, t => t.What.Contains("signed in for the organisation at Cổng dịch vụ công"));
        Assert.Contains(trail, t => t.What.Contains($"authorised {employee.IdNumber}"));
        Assert.Contains(trail, t => t.What.Contains("withdrew the authorisation"));
        // A dissolved organisation is nobody's to act for.
        fixture.Organisations.Change(organisation.Identifier, o => o with { Status = "dissolved" });
        Assert.Null(await grain.RoleOfAsync(successor.IdNumber));
    }

    [Fact]
    public async Task The_organisations_api_answers_with_problem_details_and_the_representative_s_view()
    {
        var http = _gateway.CreateClient();
        var (representative, _) = await Level2Async(http);
        var organisation = fixture.Organisations.Add(representative.IdNumber);
        var token = await _gateway.CitizenTokenAsync(http, representative.IdNumber, Level2Password);
        var bad = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/organisations", token, new { identifier = "12ab" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        var anonymous = await http.PostAsJsonAsync("/api/v1/organisations", new { identifier = organisation.Identifier });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var registered = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, "/api/v1/organisations", token, new { identifier = organisation.Identifier }));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal("pendingActivation", (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var activation = await http.SendAsync(GatewayFactory.With(HttpMethod.Post, $"/api/v1/organisations/{organisation.Identifier}/activation", token));
        Assert.Equal(HttpStatusCode.Forbidden, activation.StatusCode);
        Assert.Equal("fresh_code_required", (await activation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var mine = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/organisations", token));
        Assert.Contains(organisation.Identifier, await mine.Content.ReadAsStringAsync());
        var unknown = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, "/api/v1/organisations/0999999998", token));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_level_two_parent_acts_for_a_child_under_14_until_the_child_turns_14()
    {
        var http = _gateway.CreateClient();
        var (parent, session) = await Level2Async(http);
        var today = VietnamTime.Today(fixture.Clock);
        // Fourteen in two days' time.
        var child = fixture.NewCitizen(age: 13, fullName: "Trần Minh Khôi", chipCard: false, fatherId: parent.IdNumber, hasPhone: false);
        fixture.Registry.Add(child = child with { DateOfBirth = today.AddYears(-14).AddDays(2) });
        var stranger = fixture.NewCitizen(age: 9, fullName: "Lê Thu Hà", chipCard: false, hasPhone: false);
        var account = fixture.Account(parent);

        var acted = await account.ActForChildAsync(session, child.IdNumber, "Cổng dịch vụ công (mẫu)");
        Assert.Equal("Trần Minh Khôi", acted.Value!.FullName);
        Assert.Equal("father", acted.Value.Relationship);
        Assert.Equal("not_a_dependent", (await account.ActForChildAsync(session, stranger.IdNumber, "Cổng")).Error!.Code);
        Assert.Equal("token_revoked", (await account.ActForChildAsync("no-session", child.IdNumber, "Cổng")).Error!.Code);

        // The claims: the child the subject (pairwise), the parent in act with the relationship, no parent's contact data.
        var options = new OidcOptions { PairwiseKey = Convert.ToBase64String(new byte[32]), Issuer = "http://localhost:8080" };
        var client = new OpenIddictApplicationDescriptor { ClientId = "portal" };
        var view = (await account.GetForSessionAsync(session))!;
        var release = new ProviderClaims.Release(true, ["name"], Phone: true, Email: true, Level: true);
        var identity = ProviderClaims.Identity([Scopes.OpenId], release, "urn:vneid:level2", view, null, null,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ProviderClaims.SessionClaim, session)])), client, options,
            new ActingFor.Acting(acted.Value, null), today);
        Assert.Equal(ProviderClaims.Subject(options, client, child.IdNumber), identity.GetClaim(Claims.Subject));
        Assert.Equal("Trần Minh Khôi", identity.GetClaim(Claims.Name));
        Assert.Null(identity.GetClaim(Claims.PhoneNumber));
        Assert.Null(identity.GetClaim(ProviderClaims.LevelClaim));
        var act = JsonDocument.Parse(identity.GetClaim(ActingFor.ActClaim)!).RootElement;
        Assert.Equal(ProviderClaims.Subject(options, client, parent.IdNumber), act.GetProperty("sub").GetString());
        Assert.Equal("father", act.GetProperty("relationship").GetString());
        Assert.Equal("population_register", act.GetProperty("relationship_evidence").GetProperty("record").GetProperty("type").GetString());
        Assert.Empty(identity.FindAll(ActingFor.ActingClaim).Single().GetDestinations());

        // The fourteenth birthday: the child is no longer the parent's to act for.
        fixture.Clock.Advance(TimeSpan.FromDays((child.DateOfBirth.AddYears(14).DayNumber - today.DayNumber) + 1));
        session = (await account.LogInAsync(Level2Password)).Value!.SessionId;
        Assert.DoesNotContain((await account.GetChildrenAsync()).Value!, c => c.IdNumber == child.IdNumber);
        Assert.Equal("not_a_dependent", (await account.ActForChildAsync(session, child.IdNumber, "Cổng")).Error!.Code);
    }

    [Fact]
    public async Task A_foreigner_whose_passport_was_renewed_keeps_one_account_found_by_either_passport()
    {
        var http = _gateway.CreateClient();
        var first = await fixture.ActivateAsync(fixture.NewForeigner(fullName: "Jean Martin", gender: Gender.Male), Password);
        var account = fixture.Account(first);

        // The immigration database renews the passport: a new number, the same person.
        var today = VietnamTime.Today(fixture.Clock);
        var renewed = first with
        {
            IdNumber = $"FRA-R{first.CardNumber![1..]}", CardNumber = $"R{first.CardNumber[1..]}", CardIssuedOn = today, CardExpiresOn = today.AddYears(10),
            PersonId = first.IdNumber,
        };
        fixture.Registry.Add(renewed);
        var keys = fixture.Client.GetGrain<IAccountKeysGrain>(0);
        Assert.Equal(first.IdNumber, await keys.AccountKeyAsync(renewed.IdNumber));
        Assert.Equal(first.IdNumber, await keys.AccountKeyAsync(first.IdNumber));
        Assert.Equal(renewed.IdNumber, (await account.GetAsync())!.TravelDocument);
        var profile = (await account.GetProfileAsync())!;
        Assert.Equal(renewed.CardNumber, profile.Fields.Single(f => f.Name == "passportNumber").Value);

        // Declaring again with the new passport opens no second account; signing in with it opens the one account.
        Assert.True((await fixture.Account(renewed).DeclareAsync(ClusterFixture.DeclarationOf(renewed))).Succeeded);
        Assert.Null(await fixture.Account(renewed).GetAsync());
        var token = await _gateway.CitizenTokenAsync(http, renewed.IdNumber, Password);
        var read = await http.SendAsync(GatewayFactory.With(HttpMethod.Get, $"/api/v1/accounts/{renewed.IdNumber}/profile", token));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.IdNumber, body.GetProperty("idNumber").GetString());
        Assert.Contains(renewed.CardNumber, body.ToString());
    }
}
