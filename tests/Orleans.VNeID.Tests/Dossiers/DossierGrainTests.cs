using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.OfficeDesk;
using Orleans.VNeID.Grains.OfficeDesk;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.Dossiers;

/// <summary>
/// The office desk and the dossier grains without the gateway: who may submit where and when, a repeated submission, the
/// look-up by security code, and the card path's second person.
/// </summary>
[Collection(ClusterCollection.Name)]
public class DossierGrainTests(ClusterFixture fixture)
{
    private static readonly Actor Officer = new(ActorRole.Officer, "officer-hn-01");
    private static readonly Actor SecondOfficer = new(ActorRole.Officer, "officer-hn-02");

    /// <summary>A dossier for <paramref name="citizen"/> with a capture signed by CAP-HG's simulated device, now.</summary>
    private OpenDossier Dossier(Orleans.VNeID.Grains.Registry.CitizenRecord citizen, bool hasChipCard = true, string? submission = null)
    {
        var portrait = BiometricTemplates.Capture(fixture.Registry.Template(citizen.IdNumber, Modality.Portrait), 0.1, 7);
        var fingerprint = BiometricTemplates.Capture(fixture.Registry.Template(citizen.IdNumber, Modality.Fingerprint), 0.1, 7);
        var (device, at, signature) = fixture.SignCapture("CAP-HG", citizen.IdNumber, Convert.ToBase64String(portrait), Convert.ToBase64String(fingerprint));
        return new OpenDossier(submission ?? Guid.NewGuid().ToString("N"), citizen.IdNumber, hasChipCard, citizen.Phone, null, [], [], true,
            portrait, fingerprint, hasChipCard ? citizen.CardNumber : null, new CaptureSignature(device, at, Convert.FromBase64String(signature)));
    }

    private IOfficeDeskGrain Desk(string office = "CAP-HG") => fixture.Client.GetGrain<IOfficeDeskGrain>(office);

    [Fact]
    public async Task A_desk_takes_dossiers_only_from_its_own_officers_in_office_hours_and_a_repeated_submission_is_the_same_dossier()
    {
        fixture.AdvanceToOfficeHours();
        var citizen = await fixture.ActiveCitizenAsync("Nhoquan@123");
        var dossier = Dossier(citizen);
        Assert.Equal("cross_office", (await Desk().SubmitAsync(Officer, "CAP-BN", dossier)).Error!.Code);
        Assert.Equal("cross_office", (await Desk().SubmitAsync(new Actor(ActorRole.Operator, "operator-01"), "CAP-HG", dossier)).Error!.Code);
        Assert.Equal("office_not_found", (await Desk("CAP-XX").SubmitAsync(Officer, "CAP-XX", dossier)).Error!.Code);

        var first = (await Desk().SubmitAsync(Officer, "CAP-HG", dossier)).Value!;
        Assert.Equal(DossierStatus.Approved, first.Status);
        var again = (await Desk().SubmitAsync(Officer, "CAP-HG", dossier)).Value!;
        Assert.Equal(first.DossierCode, again.DossierCode);
        Assert.Equal(first.SecurityCode, again.SecurityCode);

        // The look-up: the right security code only, and it tells the status and the appointment, nothing else.
        var grain = fixture.Client.GetGrain<IDossierGrain>(first.DossierCode);
        Assert.Null(await grain.LookUpAsync("WRONG123"));
        var seen = await grain.LookUpAsync(first.SecurityCode.ToLowerInvariant());
        Assert.Equal(DossierStatus.Approved, seen!.Status);
        Assert.Equal(first.AppointmentDate, seen.AppointmentDate);
        // A decided dossier does not move: a card confirmation changes nothing.
        Assert.Equal(DossierStatus.Approved, (await grain.CardIssuedAsync(SecondOfficer, "CAP-HG")).Value!.Status);

        // Closed: after hours nothing is received.
        fixture.Clock.Advance(TimeSpan.FromHours(14));
        while (new Orleans.VNeID.Grains.Offices.WorkingCalendar(new Orleans.VNeID.Grains.Offices.CalendarOptions()).IsOpen(fixture.Clock.GetUtcNow()))
            fixture.Clock.Advance(TimeSpan.FromHours(1));
        var closed = await Desk().SubmitAsync(Officer, "CAP-HG", Dossier(await fixture.ActiveCitizenAsync("Nhoquan@123")));
        Assert.Equal("office_closed", closed.Error!.Code);
    }

    [Fact]
    public async Task A_dossier_with_a_card_application_waits_for_the_card_and_a_second_person_confirms_it()
    {
        fixture.AdvanceToOfficeHours();
        var citizen = fixture.NewCitizen(chipCard: false);
        var receipt = (await Desk().SubmitAsync(Officer, "CAP-HG", Dossier(citizen, hasChipCard: false))).Value!;
        Assert.Equal(DossierStatus.AwaitingCard, receipt.Status);
        Assert.Contains(await Desk().ListOpenAsync(), d => d.DossierCode == receipt.DossierCode);
        var grain = fixture.Client.GetGrain<IDossierGrain>(receipt.DossierCode);

        Assert.Equal("second_person_required", (await grain.CardIssuedAsync(Officer, "CAP-HG")).Error!.Code);
        Assert.Equal("cross_office", (await grain.CardIssuedAsync(new Actor(ActorRole.Officer, "officer-bn-01"), "CAP-BN")).Error!.Code);
        Assert.Equal("card_not_issued", (await grain.CardIssuedAsync(SecondOfficer, "CAP-HG")).Error!.Code);

        // The ID-card production centre issues the card: its templates are the person's, so the sealed capture matches.
        fixture.Registry.IssueCard(citizen.IdNumber);
        var confirmed = (await grain.CardIssuedAsync(SecondOfficer, "CAP-HG")).Value!;
        Assert.Equal(DossierStatus.Approved, confirmed.Status);
        Assert.Equal(AccountStatus.PendingActivation, (await fixture.Account(citizen).GetAsync())!.Status);
    }
}
