namespace Orleans.VNeID.Security;

/// <summary>
/// How long this silo's recent account commits took, so that an anonymous answer which commits nothing (an unknown ID
/// number, a failure counted in memory) takes as long as one that commits: a commit (state, audit entry, event) costs
/// a durable database write, and without this an answer's time would tell whether an account exists. The wait is drawn
/// from the latest commits themselves, so it follows the database as it slows under load or speeds up when quiet.
/// The same idea as <see cref="Passwords.SpendCheck"/>, for the write instead of the hash.
/// </summary>
public sealed class CommitTimings(TimeProvider time)
{
    /// <summary>The wait before this silo has committed anything (a fresh silo's first anonymous answers).</summary>
    public static readonly TimeSpan BeforeAnyCommit = TimeSpan.FromMilliseconds(10);

    // Only the latest few: under load they are milliseconds old; when quiet, a slow burst of the past (a start, a wave)
    // is soon replaced, as every real commit adds one. A power of two: the slot is a mask of an ever-growing counter.
    private const int Kept = 8;
    private readonly long[] _recent = new long[Kept];
    private long _recorded;
    private long _imitated;

    /// <summary>Commits recorded since the silo started.</summary>
    public long Commits => Interlocked.Read(ref _recorded);

    /// <summary>Answers that waited instead of committing, since the silo started.</summary>
    public long Imitations => Interlocked.Read(ref _imitated);

    /// <summary>A timestamp to pass to <see cref="Record"/> once the commit has finished.</summary>
    public long Start() => time.GetTimestamp();

    /// <summary>Keeps the duration of a commit that began at <paramref name="started"/> (from <see cref="Start"/>).</summary>
    public void Record(long started)
    {
        var ticks = time.GetElapsedTime(started).Ticks;
        var slot = (Interlocked.Increment(ref _recorded) - 1) & (Kept - 1);
        Volatile.Write(ref _recent[slot], ticks);
    }

    /// <summary>Waits as long as one recent commit, drawn at random, took.</summary>
    public Task ImitateAsync()
    {
        Interlocked.Increment(ref _imitated);
        return Task.Delay(NextWait(), time);
    }

    /// <summary>One recent commit's duration, drawn at random; <see cref="BeforeAnyCommit"/> before the first.</summary>
    public TimeSpan NextWait()
    {
        var filled = (int)Math.Min(Interlocked.Read(ref _recorded), Kept);
        return filled == 0 ? BeforeAnyCommit : TimeSpan.FromTicks(Volatile.Read(ref _recent[Random.Shared.Next(filled)]));
    }
}
