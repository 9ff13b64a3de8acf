using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Orleans.VNeID.LoadDriver;

/// <summary>
/// A silo's memory seen from outside: the managed heap right after a full blocking collection that we induce through
/// the runtime's diagnostics port (the way dotnet-gcdump does), and the process's resident set from /proc.
/// </summary>
public static class Memory
{
    public static long HeapAfterFullCollection(int pid) => AfterFullCollection(pid).Heap;

    /// <summary>The heap's size (with the free space between objects) and the live objects' bytes, after a full collection.</summary>
    public static (long Heap, long Live) AfterFullCollection(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession([new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        long heap = -1, live = -1;
        var inducedGen2 = false;
        using var done = new ManualResetEventSlim();
        source.Clr.GCStart += e => { if (e.Depth == 2 && e.Reason == Microsoft.Diagnostics.Tracing.Parsers.Clr.GCReason.Induced) inducedGen2 = true; };
        source.Clr.GCHeapStats += e =>
        {
            if (!inducedGen2 || done.IsSet) return;
            heap = e.TotalHeapSize;
            live = e.TotalPromoted;
            done.Set();
        };
        var pump = Task.Run(source.Process);
        var seen = done.Wait(TimeSpan.FromSeconds(60));
        session.Stop();
        pump.Wait(TimeSpan.FromSeconds(10));
        return seen ? (heap, live) : throw new TimeoutException($"No induced full collection was reported by process {pid}.");
    }

    public static long WorkingSet(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }
}
