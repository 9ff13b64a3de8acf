using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orleans.VNeID.Grains.Chips;
using Orleans.VNeID.Tests.Chips;
using Orleans.VNeID.Tests.Grains;
using static Orleans.VNeID.Tests.Gateway.HttpJson;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>
/// Issue 14, NFC recovery (the seed: "Xác thực NFC bằng thẻ CCCD gắn chip", then a verification code), over HTTP: the app
/// sends what it read from the chip; the platform checks it by passive authentication and matches it to the registry.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NfcRecoveryHttpTests(ClusterFixture fixture)
{
    private readonly GatewayFactory _gateway = fixture.GatewayHost();

    /// <summary>The chip as the Development read-back gives it: the very body the NFC route takes.</summary>
    private async Task<Dictionary<string, object>> ReadChipAsync(HttpClient http, string idNumber)
    {
        var chip = await Json(await http.GetAsync($"/api/v1/dev/chip/{idNumber}"));
        return new()
        {
            ["securityObject"] = chip.GetProperty("securityObject").GetString()!,
            ["dataGroups"] = chip.GetProperty("dataGroups").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            ["challengeToken"] = chip.GetProperty("challengeToken").GetString()!,
            ["challengeSignature"] = chip.GetProperty("challengeSignature").GetString()!,
        };
    }

    /// <summary>The NFC body: the chip's files, and its answer to a fresh challenge of the platform's for <paramref name="idNumber"/>.</summary>
    private object Body(Orleans.VNeID.Accounts.ChipRead chip, string idNumber, SimulatedChipIssuer? issuer = null)
    {
        var (token, challenge, _) = _gateway.Services.GetRequiredService<Orleans.VNeID.Gateway.Recovery.NfcChallenges>().Issue(idNumber);
        var answered = (issuer ?? fixture.Chips.Issuer).Answer(chip, challenge);
        return new
        {
            securityObject = Convert.ToBase64String(chip.SecurityObject),
            dataGroups = chip.DataGroups.ToDictionary(d => d.Key.ToString(), d => Convert.ToBase64String(d.Value)),
            challengeToken = token,
            challengeSignature = Convert.ToBase64String(answered.ChallengeSignature!),
        };
    }

    [Fact]
    public async Task Rule_a_genuine_chip_recovers_the_account_without_a_card_issue_date()
    {
        var http = _gateway.CreateClient();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var sent = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        fixture.Clock.Advance(TimeSpan.FromSeconds(61)); // past the activation code's resend cooldown

        var read = await ReadChipAsync(http, citizen.IdNumber);
        var started = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/nfc", read);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        // The same read sent again proves no chip is at the phone: a chip's answer counts once.
        var replayed = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/nfc", read);
        Assert.Equal("chip_not_present", (await Json(replayed)).GetProperty("code").GetString());
        var code = RecordingSender.CodeIn((await fixture.Sender.WaitForAsync(citizen.Phone!, sent + 1))[^1]);
        var completed = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/password", new { otp = code, newPassword = "Chip#Reset2026" });
        Assert.Equal(HttpStatusCode.NoContent, completed.StatusCode);
        Assert.NotEmpty(await _gateway.CitizenTokenAsync(http, citizen.IdNumber, "Chip#Reset2026"));
    }

    [Fact]
    public async Task Rule_each_tampered_chip_fails_with_its_own_clear_error()
    {
        var http = _gateway.CreateClient();
        var citizen = await _gateway.ActiveCitizenAsync(http);
        var other = fixture.NewCitizen();
        var genuine = fixture.Chips.Issuer.Issue(citizen);

        var tamperedGroups = new Dictionary<int, byte[]>(genuine.DataGroups);
        var dg13 = (byte[])tamperedGroups[ChipHolder.NationalData].Clone();
        dg13[^3] ^= 0x02;
        tamperedGroups[ChipHolder.NationalData] = dg13;
        using var stranger = new TestChipAuthority("Forged CSCA");
        var token = _gateway.Services.GetRequiredService<Orleans.VNeID.Gateway.Recovery.NfcChallenges>().Issue(citizen.IdNumber).Token;
        // A copy of the card's files, with the answer the card once gave to another challenge (a recorded read).
        var copied = Body(genuine, citizen.IdNumber) is var fresh ? JsonSerializer.SerializeToNode(fresh)!.AsObject() : null;
        copied!["challengeSignature"] = Convert.ToBase64String(genuine.ChallengeSignature!);
        var cases = new (object Body, string Code)[]
        {
            (Body(genuine with { DataGroups = tamperedGroups }, citizen.IdNumber), "chip_tampered"),
            (Body(stranger.Issuer.Issue(citizen), citizen.IdNumber, stranger.Issuer), "chip_signer_unknown"),
            (Body(fixture.Chips.Issuer.Issue(other), citizen.IdNumber), "chip_other_person"),
            (copied, "chip_not_present"),
            (Body(genuine, other.IdNumber), "chip_not_present"),
            (new { securityObject = "AAAA", dataGroups = new Dictionary<string, string> { ["1"] = "AAAA", ["13"] = "AAAA" }, challengeToken = token, challengeSignature = "AAAA" }, "chip_unreadable"),
        };
        var before = (await fixture.Sender.WaitForAsync(citizen.Phone!, 1)).Count;
        foreach (var (body, expected) in cases)
        {
            var refused = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/nfc", body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var problem = await Json(refused);
            Assert.Equal(expected, problem.GetProperty("code").GetString());
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        // None of them sent a code.
        Assert.Equal(before, fixture.Sender.To(citizen.Phone!).Count);
        // A malformed body is a validation problem, not a chip problem.
        var malformed = await http.PostAsJsonAsync($"/api/v1/recovery/{citizen.IdNumber}/nfc", new { securityObject = "not base64!", dataGroups = new Dictionary<string, string> { ["x"] = "AAAA" } });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Fact]
    public async Task Rule_after_the_chip_checks_the_answer_is_the_same_with_or_without_an_account_and_a_replaced_card_sends_nothing()
    {
        var http = _gateway.CreateClient();
        var withoutAccount = fixture.NewCitizen();
        var holder = await _gateway.ActiveCitizenAsync(http);
        var oldChip = fixture.Chips.Issuer.Issue(holder);
        // The card was replaced: the same number, a later issue date. The old card's chip is genuine but no longer valid.
        fixture.Registry.IssueCard(holder.IdNumber);
        fixture.Clock.Advance(TimeSpan.FromSeconds(61)); // no send limit in the way: only the card check can refuse
        var before = fixture.Sender.To(holder.Phone!).Count;

        var none = await http.PostAsJsonAsync($"/api/v1/recovery/{withoutAccount.IdNumber}/nfc", Body(fixture.Chips.Issuer.Issue(withoutAccount), withoutAccount.IdNumber));
        var replaced = await http.PostAsJsonAsync($"/api/v1/recovery/{holder.IdNumber}/nfc", Body(oldChip, holder.IdNumber));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (none.StatusCode, replaced.StatusCode));
        Assert.Equal(await none.Content.ReadAsStringAsync(), (await replaced.Content.ReadAsStringAsync()).Replace(holder.IdNumber, withoutAccount.IdNumber));
        await Task.Delay(300);
        Assert.Equal(before, fixture.Sender.To(holder.Phone!).Count);
        Assert.Empty(fixture.Sender.To(withoutAccount.Phone!));
    }
}
