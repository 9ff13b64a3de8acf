namespace Orleans.VNeID.Gateway.Cluster;

/// <summary>
/// Sends a grain call again when the cluster refused it before any grain ran it: a silo that is leaving rejects what
/// reaches it ("silo stopping") and will not place new activations ("is shutting down"). Without this, every graceful
/// removal or rolling restart answered a few requests 503. Only refusals that prove the call was not run are repeated
/// (a rejection message; a silo unavailable for a read-only call); a timeout never is, so a request still ends within
/// <c>Messaging:ResponseTimeout</c> of its last attempt. At most <see cref="Attempts"/> sends, 50 then 150 ms apart.
/// </summary>
public sealed class RetryUndeliveredCalls : IOutgoingGrainCallFilter
{
    public const int Attempts = 3;

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await context.Invoke();
                if (attempt < Attempts && context.Response?.Exception is { } refused && NotRun(refused, context))
                {
                    await Task.Delay(Backoff(attempt));
                    continue;
                }
                return;
            }
            catch (Exception refused) when (attempt < Attempts && NotRun(refused, context))
            {
                await Task.Delay(Backoff(attempt));
            }
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(attempt == 1 ? 50 : 150);

    /// <summary>
    /// A rejection is sent instead of running the call. A silo that became unavailable may have run it, so only a
    /// read-only call (<see cref="Orleans.Concurrency.ReadOnlyAttribute"/>) is repeated then, or a placement the leaving
    /// silo refused.
    /// </summary>
    private static bool NotRun(Exception exception, IOutgoingGrainCallContext context) => exception switch
    {
        // A kind of rejection, but sent also when a silo died after the call reached it.
        SiloUnavailableException unavailable => IsReadOnly(context) || unavailable.Message.EndsWith("is shutting down.", StringComparison.Ordinal),
        OrleansMessageRejectionException => true,
        _ => false,
    };

    private static bool IsReadOnly(IOutgoingGrainCallContext context) =>
        context.InterfaceMethod?.IsDefined(typeof(Orleans.Concurrency.ReadOnlyAttribute), inherit: true) == true;
}
