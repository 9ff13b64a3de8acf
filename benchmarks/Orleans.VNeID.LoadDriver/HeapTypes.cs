using Microsoft.Diagnostics.Runtime;

namespace Orleans.VNeID.LoadDriver;

/// <summary>One type's share of the heap a silo gained while accounts were activated on it, per account.</summary>
public sealed record TypeBytes(string Type, double CountPerAccount, double BytesPerAccount);

/// <summary>
/// Where an activated account's bytes go (issue 15): the live objects of a silo's managed heap counted by type through
/// ClrMD (attached to the process, suspended for the walk, after a full collection that <see cref="Memory"/> induces),
/// and the difference between two such counts divided by the account grains activated in between.
/// </summary>
public static class HeapTypes
{
    private const string AccountGrain = "Orleans.VNeID.Grains.CitizenAccounts.CitizenAccountGrain";

    public static Dictionary<string, (long Count, long Bytes)> Count(int pid)
    {
        Memory.HeapAfterFullCollection(pid);
        using var target = DataTarget.AttachToProcess(pid, suspend: true);
        var clr = target.ClrVersions[0];
        // The DAC beside the target's runtime (ClrMD's own look-up does not find it on Linux without a symbol server).
        var dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName)!, "libmscordaccore.so");
        using var runtime = File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
        var heap = runtime.Heap;
        // Only objects reachable from a root: what an account keeps, not the garbage of the requests that made it.
        var counts = new Dictionary<string, (long Count, long Bytes)>();
        var marked = new HashSet<ulong>();
        var stack = new Stack<ClrObject>();
        foreach (var root in heap.EnumerateRoots())
        {
            if (root.Object.IsValid && marked.Add(root.Object.Address)) stack.Push(root.Object);
            while (stack.Count > 0)
            {
                var obj = stack.Pop();
                var name = obj.Type?.Name ?? "(unknown)";
                counts[name] = counts.TryGetValue(name, out var c) ? (c.Count + 1, c.Bytes + (long)obj.Size) : (1, (long)obj.Size);
                foreach (var child in obj.EnumerateReferences(carefully: false, considerDependantHandles: true))
                    if (child.IsValid && marked.Add(child.Address)) stack.Push(child);
            }
        }
        return counts;
    }

    /// <summary>The types that grew most, per account grain activated between the two counts.</summary>
    public static List<TypeBytes> PerAccount(Dictionary<string, (long Count, long Bytes)> before, Dictionary<string, (long Count, long Bytes)> after, int top = 20)
    {
        var grains = after.GetValueOrDefault(AccountGrain).Count - before.GetValueOrDefault(AccountGrain).Count;
        if (grains <= 0) return [];
        return after.Select(a => (a.Key, Count: a.Value.Count - before.GetValueOrDefault(a.Key).Count, Bytes: a.Value.Bytes - before.GetValueOrDefault(a.Key).Bytes))
            .Where(d => d.Bytes > 0)
            .OrderByDescending(d => d.Bytes)
            .Take(top)
            .Select(d => new TypeBytes(d.Key, Math.Round(d.Count / (double)grains, 2), Math.Round(d.Bytes / (double)grains, 1)))
            .ToList();
    }
}
