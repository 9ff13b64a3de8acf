using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <summary>
/// How long this silo's recent account commits took, so that an anonymous answer which commits nothing (an unknown ID
/// number, a failure counted in memory) takes as long as one that commits: a commit (state, audit entry, event) costs
/// a durable database write, and without this an answer's time would tell whether an account exists. The pace is drawn
/// from the latest commits themselves, so it follows the database as it slows under load or speeds up when quiet.
/// The same idea as <see cref="Passwords.SpendCheck"/>, for the write instead of the hash.
/// <para>
/// The grain does not wait: it returns the pace with its answer (<c>Result.Pace</c>) and the caller's side waits, so the
/// account's turn is never held by it. A commit is recorded at most <see cref="Ceiling"/> long, so a commit an attacker
/// made slow (a stalled silo, a flooded database) cannot stretch later answers past it.
/// </para>
/// </summary>
public sealed class CommitTimings(TimeProvider time)
{
    /// <summary>The pace before this silo has committed anything (a fresh silo's first anonymous answers).</summary>
    public static readonly TimeSpan BeforeAnyCommit = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The longest pace: a commit slower than this is recorded as this long. Real commits take tens of milliseconds; one
    /// slower than this is an outage or an attack, and the answers that imitate it need not follow.
    /// </summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromMilliseconds(250);

    // Only the latest few: under load they are milliseconds old; when quiet, a slow burst of the past (a start, a wave)
    // is soon replaced, as every real commit adds one. A power of two: the slot is a mask of an ever-growing counter.
    private const int Kept = 8;
    private readonly long[] _recent = new long[Kept];
    private long _recorded;
    private long _imitated;

    /// <summary>Commits recorded since the silo started.</summary>
    public long Commits => Interlocked.Read(ref _recorded);

    /// <summary>Answers paced instead of committing, since the silo started.</summary>
    public long Imitations => Interlocked.Read(ref _imitated);

    /// <summary>A timestamp to pass to <see cref="Record"/> once the commit has finished.</summary>
    public long Start() => time.GetTimestamp();

    /// <summary>Keeps the duration of a commit that began at <paramref name="started"/> (from <see cref="Start"/>), at most <see cref="Ceiling"/>.</summary>
    public void Record(long started)
    {
        var ticks = Math.Min(time.GetElapsedTime(started).Ticks, Ceiling.Ticks);
        var slot = (Interlocked.Increment(ref _recorded) - 1) & (Kept - 1);
        Volatile.Write(ref _recent[slot], ticks);
    }

    /// <summary>The pace of an answer that commits nothing: as long as one recent commit, drawn at random, took.</summary>
    public TimeSpan Pace()
    {
        Interlocked.Increment(ref _imitated);
        return NextWait();
    }

    /// <summary>One recent commit's duration, drawn at random; <see cref="BeforeAnyCommit"/> before the first.</summary>
    public TimeSpan NextWait()
    {
        var filled = (int)Math.Min(Interlocked.Read(ref _recorded), Kept);
        return filled == 0 ? BeforeAnyCommit : TimeSpan.FromTicks(Volatile.Read(ref _recent[Random.Shared.Next(filled)]));
    }
}
