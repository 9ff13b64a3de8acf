using System.Threading.Channels;

namespace Orleans.VNeID.Grains.Storage;

/// <summary>
/// Look-ups in flight at once answered by one query (issue 15's registry look-ups, issue 32's account loads): each caller
/// queues its key and waits; one loop, started by the first caller on the thread pool (never on a grain's scheduler),
/// takes up to <c>max</c> waiting keys, runs <c>query</c> once for them, answers every caller with its own result (or
/// none), and takes the next. A failed query fails the callers it served, and only them.
/// </summary>
public sealed class Gatherer<TKey, TResult> where TKey : notnull
{
    private readonly Channel<(TKey Key, TaskCompletionSource<TResult?> Done)> _waiting =
        Channel.CreateUnbounded<(TKey, TaskCompletionSource<TResult?>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _max;
    private readonly Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TResult>>> _query;
    private Task? _loop;

    public Gatherer(int max, Func<IReadOnlyList<TKey>, Task<IReadOnlyDictionary<TKey, TResult>>> query)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        _max = max;
        _query = query;
    }

    public async Task<TResult?> GetAsync(TKey key, CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource<TResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Writer.TryWrite((key, done));
        if (Volatile.Read(ref _loop) is null)
        {
            var loop = new Task<Task>(RunAsync);
            if (Interlocked.CompareExchange(ref _loop, loop.Unwrap(), null) is null) loop.Start(TaskScheduler.Default);
        }
        return await done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        var batch = new List<(TKey Key, TaskCompletionSource<TResult?> Done)>(_max);
        while (await _waiting.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _max && _waiting.Reader.TryRead(out var waiting)) batch.Add(waiting);
            if (batch.Count == 0) continue;
            try
            {
                var found = await _query(batch.Select(b => b.Key).Distinct().ToArray());
                foreach (var (key, done) in batch) done.TrySetResult(found.TryGetValue(key, out var result) ? result : default);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                foreach (var (_, done) in batch) done.TrySetException(ex);
            }
        }
    }
}
