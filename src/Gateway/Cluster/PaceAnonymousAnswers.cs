using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Gateway.Cluster;

/// <summary>
/// Holds back an answer the account grain paced (<see cref="IPacedAnswer.Pace"/>): an anonymous command that committed
/// nothing answers as late as one that committed, so its time does not tell an unknown ID number from an account. The
/// wait is here, on the caller's side, not in the grain: a stranger's requests never hold the account's turn, and the
/// pace is bounded where it is drawn (<c>CommitTimings.Ceiling</c>).
/// </summary>
public sealed class PaceAnonymousAnswers : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        await context.Invoke();
        // Co-hosted in a silo (vneid-node) the filter sees grains' own calls too: only a request's caller waits.
        if (context.SourceContext is not null) return;
        if (context.Result is IPacedAnswer { Pace: var pace } && pace > TimeSpan.Zero) await Task.Delay(pace);
    }
}
