namespace Orleans.VNeID.Tests.Security;

public class SessionBookTests
{
    private static readonly SessionOptions Options = new() { MaxPerAccount = 2, RefreshLifetime = TimeSpan.FromDays(30) };
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_refresh_token_works_once_and_its_successor_replaces_it()
    {
        var sessions = new List<SessionRecord>();
        var (session, secret) = SessionBook.Open(sessions, Options, Start);
        Assert.DoesNotContain(secret, Convert.ToBase64String(session.RefreshHash));

        Assert.Equal(RefreshVerdict.Rotated, SessionBook.Refresh(sessions, session.Id, secret, Start, out _, out var next));
        Assert.NotEqual(secret, next);
        Assert.Equal(RefreshVerdict.Rotated, SessionBook.Refresh(sessions, session.Id, next, Start, out _, out _));
        Assert.True(SessionBook.IsOpen(sessions, session.Id, Start));
    }

    [Fact]
    public void A_rotated_out_token_presented_again_closes_the_whole_session()
    {
        var sessions = new List<SessionRecord>();
        var (session, stolen) = SessionBook.Open(sessions, Options, Start);
        SessionBook.Refresh(sessions, session.Id, stolen, Start, out _, out _);
        Assert.Equal(RefreshVerdict.Reused, SessionBook.Refresh(sessions, session.Id, stolen, Start, out _, out _));
        Assert.False(SessionBook.IsOpen(sessions, session.Id, Start));
        Assert.Equal(RefreshVerdict.Invalid, SessionBook.Refresh(sessions, session.Id, stolen, Start, out _, out _));
    }

    [Fact]
    public void Only_the_last_rotated_tokens_are_remembered()
    {
        var sessions = new List<SessionRecord>();
        var (session, secret) = SessionBook.Open(sessions, Options, Start);
        for (var i = 0; i < SessionBook.RotatedHashesKept + 5; i++)
            SessionBook.Refresh(sessions, session.Id, secret, Start, out _, out secret!);
        Assert.Equal(SessionBook.RotatedHashesKept, session.RotatedHashes.Count);
    }

    [Fact]
    public void Unknown_expired_and_wrong_tokens_are_invalid_and_change_nothing()
    {
        var sessions = new List<SessionRecord>();
        var (session, secret) = SessionBook.Open(sessions, Options, Start);
        Assert.Equal(RefreshVerdict.Invalid, SessionBook.Refresh(sessions, "nope", secret, Start, out _, out _));
        Assert.Equal(RefreshVerdict.Invalid, SessionBook.Refresh(sessions, session.Id, "guess", Start, out _, out _));
        Assert.Equal(RefreshVerdict.Invalid, SessionBook.Refresh(sessions, session.Id, secret, Start + Options.RefreshLifetime, out _, out _));
        Assert.Equal(RefreshVerdict.Rotated, SessionBook.Refresh(sessions, session.Id, secret, Start, out _, out _));
    }

    [Fact]
    public void Opening_beyond_the_limit_closes_the_oldest_and_expired_sessions_are_dropped()
    {
        var sessions = new List<SessionRecord>();
        var (first, _) = SessionBook.Open(sessions, Options, Start);
        var (second, _) = SessionBook.Open(sessions, Options, Start.AddMinutes(1));
        var (third, _) = SessionBook.Open(sessions, Options, Start.AddMinutes(2));
        Assert.Equal([second.Id, third.Id], sessions.Select(s => s.Id));
        Assert.False(SessionBook.IsOpen(sessions, first.Id, Start.AddMinutes(2)));

        SessionBook.Open(sessions, Options, Start + Options.RefreshLifetime + TimeSpan.FromMinutes(3));
        Assert.Single(sessions);
        Assert.True(SessionBook.Close(sessions, sessions[0].Id));
        Assert.False(SessionBook.Close(sessions, third.Id));
    }

    [Fact]
    public void The_refresh_token_names_account_and_session_so_the_gateway_can_route_it() =>
        Assert.Equal("001090012345.abc.secret", SessionBook.RefreshToken("001090012345", "abc", "secret"));
}
