using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Grains.OfficeDesk;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Tests.Dossiers;

/// <summary>The dossier's rules alone: who may open one (<see cref="DossierEligibility"/>) and how it moves (<see cref="DossierLifecycle"/>).</summary>
public class DossierRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 9);
    private static readonly RegistrationOptions Registration = new();

    private static CitizenRecord Citizen(string id = "048088012348", int age = 38, string? card = "048088012348", DateOnly? expires = null) =>
        new(id, "Lê Văn Cường", Today.AddYears(-age).AddDays(-30), Gender.Male, "048", card, card is null ? null : new DateOnly(2021, 9, 20), "0905123456",
            null, null, expires);

    private static OpenDossier Dossier(string id = "048088012348", bool consent = true, bool hasCard = true, string[]? dependents = null, bool templates = true,
        string? cardNumber = null) =>
        new("s1", id, hasCard, "0905123456", null, [], dependents ?? [], consent, templates ? [1] : [], templates ? [2] : [], cardNumber);

    private static DossierRefusal? Refusal(OpenDossier dossier, CitizenRecord? person, Dictionary<string, CitizenRecord?>? dependents = null) =>
        DossierEligibility.Refusal(dossier, person, dependents ?? [], Today, Registration);

    [Fact]
    public void An_eligible_citizen_with_consent_and_templates_is_not_refused()
    {
        Assert.Null(Refusal(Dossier(), Citizen()));
    }

    [Fact]
    public void Consent_the_registry_the_age_and_the_templates_each_refuse_with_words_for_the_officer_and_the_citizen()
    {
        Assert.Contains("consent", Refusal(Dossier(consent: false), Citizen())!.Detail);
        Assert.Contains("National Population Database", Refusal(Dossier(), null)!.Detail);
        Assert.Contains("Immigration", Refusal(Dossier(id: "FRA-18AB12345"), null)!.Detail);
        var young = Refusal(Dossier(), Citizen(age: 13));
        Assert.Contains("from the age of 14", young!.Detail);
        Assert.Equal("công dân chưa đủ 14 tuổi", young.Plain);
        Assert.Contains("biometrics", Refusal(Dossier(templates: false), Citizen())!.Detail);
    }

    [Fact]
    public void A_dependent_must_be_the_citizen_s_child_under_14_and_a_foreigner_declares_none()
    {
        var child = new CitizenRecord("048216012353", "Lê Minh Phúc", Today.AddYears(-10), Gender.Male, "048", null, null, null, "048088012348", null);
        var grown = child with { IdNumber = "048208012354", DateOfBirth = Today.AddYears(-18) };
        var other = child with { IdNumber = "048216012355", FatherId = "001090012345" };
        Assert.Null(Refusal(Dossier(dependents: [child.IdNumber]), Citizen(), new() { [child.IdNumber] = child }));
        Assert.Contains("not recorded as this citizen's child", Refusal(Dossier(dependents: [other.IdNumber]), Citizen(), new() { [other.IdNumber] = other })!.Detail);
        Assert.Contains("not recorded as this citizen's child", Refusal(Dossier(dependents: ["048216099999"]), Citizen(), new() { ["048216099999"] = null })!.Detail);
        Assert.Contains("registers an account of their own", Refusal(Dossier(dependents: [grown.IdNumber]), Citizen(), new() { [grown.IdNumber] = grown })!.Detail);
        var foreigner = new CitizenRecord("FRA-18AB12345", "Marie Dubois", new DateOnly(1988, 3, 21), Gender.Female, "", "18AB12345", new DateOnly(2019, 5, 10),
            "0906111222", null, null, new DateOnly(2029, 5, 9), null, "FRA");
        Assert.Contains("foreigner's children", Refusal(Dossier(id: foreigner.IdNumber, dependents: [child.IdNumber]), foreigner)!.Detail);
    }

    [Fact]
    public void The_card_decides_the_path_a_foreigner_s_bad_passport_refuses()
    {
        Assert.Equal(DossierEligibility.Path.CardApplication, DossierEligibility.CardPath(Dossier(hasCard: false), Citizen(), Today).Path);
        Assert.Equal(DossierEligibility.Path.CompareNow, DossierEligibility.CardPath(Dossier(), Citizen(), Today).Path);
        var expired = DossierEligibility.CardPath(Dossier(), Citizen(expires: Today.AddDays(-1)), Today);
        Assert.Equal(DossierEligibility.Path.CardApplicationAfterProblem, expired.Path);
        Assert.NotNull(expired.Problem);
        var foreigner = new CitizenRecord("USA-A87654321", "John Smith", new DateOnly(1975, 10, 2), Gender.Male, "", "A87654321", new DateOnly(2015, 7, 1),
            "0906555666", null, null, new DateOnly(2025, 6, 30), null, "USA");
        Assert.Equal(DossierEligibility.Path.Refused, DossierEligibility.CardPath(Dossier(id: foreigner.IdNumber, hasCard: false), foreigner, Today).Path);
    }

    [Fact]
    public void A_received_dossier_is_decided_once_and_one_waiting_for_its_card_only_by_the_card()
    {
        var received = new DossierLifecycle(DossierStage.Received);
        Assert.True(received.CanDecide(DossierStatus.AwaitingCard));
        Assert.Equal(DossierStatus.AwaitingCard, received.Decide(DossierStatus.AwaitingCard));
        Assert.False(received.CanDecide(DossierStatus.AwaitingCard));
        Assert.Equal(DossierStatus.Approved, received.Decide(DossierStatus.Approved));
        Assert.Equal(DossierStage.Approved, received.Stage);
        Assert.Throws<InvalidOperationException>(() => received.Decide(DossierStatus.Rejected));
        var rejected = new DossierLifecycle(DossierLifecycle.StageOf(DossierStatus.Rejected));
        Assert.False(rejected.CanDecide(DossierStatus.Approved));
        Assert.Throws<InvalidOperationException>(() => rejected.Decide(DossierStatus.Approved));
    }

    [Fact]
    public void The_dossier_state_diagram_document_is_current()
    {
        var path = Path.Combine(Path.GetDirectoryName(Orleans.VNeID.ServiceDefaults.ConfigDirectory.Locate())!, DossierStateDiagram.RelativePath);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == DossierStateDiagram.Markdown(),
            $"{DossierStateDiagram.RelativePath} is stale: run dotnet run --project src/Silo -- state-diagram");
    }
}
