using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Tests.Grains;

namespace Orleans.VNeID.Tests.OfficeDesk;

/// <summary>
/// Recovery at the office without the gateway: only the office's own officers, in office hours; the captures must match
/// the templates on record; a new phone moves the codes only once a second officer of the office confirms it.
/// </summary>
[Collection(ClusterCollection.Name)]
public class OfficeRecoveryGrainTests(ClusterFixture fixture)
{
    // Officers of their own: a failed match counts against the officer's budget, which other tests' officers keep whole.
    private static readonly Actor Officer = new(ActorRole.Officer, "officer-hn-recovery-1");
    private static readonly Actor SecondOfficer = new(ActorRole.Officer, "officer-hn-recovery-2");

    private IOfficeRecoveryGrain Desk(string office = "CAP-HG") => fixture.Client.GetGrain<IOfficeRecoveryGrain>(office);

    /// <summary>A recovery for <paramref name="idNumber"/>: captures of <paramref name="whose"/> templates, signed by CAP-HG's device.</summary>
    private OfficeRecovery Recovery(string idNumber, string whose, string? newPhone = null)
    {
        var portrait = BiometricTemplates.Capture(fixture.Registry.Template(whose, Modality.Portrait), 0.1, 11);
        var fingerprint = BiometricTemplates.Capture(fixture.Registry.Template(whose, Modality.Fingerprint), 0.1, 11);
        var (device, at, signature) = fixture.SignCapture("CAP-HG", idNumber, Convert.ToBase64String(portrait), Convert.ToBase64String(fingerprint));
        return new OfficeRecovery(idNumber, portrait, fingerprint, newPhone, new CaptureSignature(device, at, Convert.FromBase64String(signature)));
    }

    [Fact]
    public async Task Only_the_office_s_officers_recover_and_only_with_captures_of_the_account_s_owner()
    {
        fixture.AdvanceToOfficeHours();
        var citizen = await fixture.ActiveCitizenAsync("Nhoquan@123");
        var stranger = fixture.NewCitizen();

        Assert.Equal("cross_office", (await Desk().RecoverAsync(Officer, "CAP-BN", Recovery(citizen.IdNumber, citizen.IdNumber))).Error!.Code);
        Assert.Equal("office_not_found", (await Desk("CAP-XX").RecoverAsync(Officer, "CAP-XX", Recovery(citizen.IdNumber, citizen.IdNumber))).Error!.Code);
        Assert.Equal("biometrics_mismatch", (await Desk().RecoverAsync(Officer, "CAP-HG", Recovery(citizen.IdNumber, stranger.IdNumber))).Error!.Code);

        var receipt = (await Desk().RecoverAsync(Officer, "CAP-HG", Recovery(citizen.IdNumber, citizen.IdNumber))).Value!;
        Assert.False(receipt.AwaitingSecondOfficer);
        Assert.EndsWith(citizen.Phone![^3..], receipt.CodeSentTo);
        Assert.DoesNotContain(citizen.Phone, receipt.CodeSentTo);
    }

    [Fact]
    public async Task A_new_phone_takes_the_code_only_once_a_second_officer_of_the_office_confirms_it()
    {
        fixture.AdvanceToOfficeHours();
        var citizen = await fixture.ActiveCitizenAsync("Nhoquan@123");
        const string newPhone = "0988777666";

        var recorded = (await Desk().RecoverAsync(Officer, "CAP-HG", Recovery(citizen.IdNumber, citizen.IdNumber, newPhone))).Value!;
        Assert.True(recorded.AwaitingSecondOfficer);
        Assert.Null(recorded.CodeSentTo);

        Assert.Equal("second_person_required", (await Desk().ConfirmNewPhoneAsync(Officer, "CAP-HG", citizen.IdNumber)).Error!.Code);
        Assert.Equal("cross_office", (await Desk().ConfirmNewPhoneAsync(new Actor(ActorRole.Officer, "officer-bn-01"), "CAP-BN", citizen.IdNumber)).Error!.Code);
        var confirmed = (await Desk().ConfirmNewPhoneAsync(SecondOfficer, "CAP-HG", citizen.IdNumber)).Value!;
        Assert.EndsWith("666", confirmed.CodeSentTo);
        Assert.Equal("nothing_to_confirm", (await Desk().ConfirmNewPhoneAsync(SecondOfficer, "CAP-HG", citizen.IdNumber)).Error!.Code);
    }
}
