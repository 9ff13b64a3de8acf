using Microsoft.Extensions.Options;
using Orleans.VNeID.Gateway.Auth;
using Orleans.VNeID.Gateway.Dossiers;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>Rule: the dossier lookup's check code changes with each lookup and is checked without server state (issue 14).</summary>
public class LookupChallengeTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static LookupChallenges With(Clock clock, string key = "nBgyXVhGUXDhLbEZ6eRyeqy1F1zWviU4Xu3jTicZMd0=") =>
        new(Options.Create(new JwtOptions { SigningKey = key }), clock);

    [Fact]
    public void The_code_shown_passes_once_typed_back_in_any_case_until_it_expires()
    {
        var clock = new Clock(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(7)));
        var challenges = With(clock);
        var issued = challenges.Issue();
        Assert.Matches("^[A-Z2-9]{5}$", issued.CheckCode);
        Assert.NotEqual(issued.CheckCode + issued.Challenge, challenges.Issue().CheckCode + challenges.Issue().Challenge);
        Assert.True(challenges.Verify(issued.Challenge, issued.CheckCode.ToLowerInvariant()));
        Assert.False(challenges.Verify(issued.Challenge, issued.CheckCode[..4] + (issued.CheckCode[4] == 'A' ? "B" : "A")));
        // Another gateway with the same key accepts it; a different key does not.
        Assert.True(With(clock).Verify(issued.Challenge, issued.CheckCode));
        Assert.False(With(clock, Convert.ToBase64String(new byte[32])).Verify(issued.Challenge, issued.CheckCode));
        // A later expiry written into the challenge breaks its signature.
        var parts = issued.Challenge.Split('.');
        Assert.False(challenges.Verify($"{long.Parse(parts[0]) + 3600}.{parts[1]}.{parts[2]}", issued.CheckCode));
        clock.Now += LookupChallenges.Lifetime;
        Assert.False(challenges.Verify(issued.Challenge, issued.CheckCode));
        Assert.False(challenges.Verify("garbage", "ABCDE"));
        Assert.False(challenges.Verify(null, null));
    }

    [Fact]
    public void The_page_draws_the_code_of_a_valid_challenge_only_and_never_the_same_picture_twice()
    {
        var clock = new Clock(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.FromHours(7)));
        var challenges = With(clock);
        var issued = challenges.Issue();
        // Any gateway with the key finds the code of the challenge (nothing is stored), and only of an unaltered one.
        Assert.Equal(issued.CheckCode, With(clock).CodeOf(issued.Challenge));
        var parts = issued.Challenge.Split('.');
        Assert.Null(challenges.CodeOf($"{parts[0]}.{parts[1]}x.{parts[2]}"));
        Assert.Null(With(clock, Convert.ToBase64String(new byte[32])).CodeOf(issued.Challenge));
        Assert.Null(challenges.CodeOf("a.b"));

        var first = CheckCodeImage.Png(issued.CheckCode);
        var second = CheckCodeImage.Png(issued.CheckCode);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], first[..4]);
        Assert.NotEqual(first, second); // placed, turned and noised at random each time
        Assert.Throws<ArgumentException>(() => CheckCodeImage.Png("AB1DE")); // 1 is not in the alphabet

        clock.Now += LookupChallenges.Lifetime;
        Assert.Null(challenges.CodeOf(issued.Challenge));
    }
}
