using System.Reflection;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using Orleans.VNeID.Events;
using Orleans.VNeID.Grains.Events;
using Orleans.VNeID.Grains.Storage;

namespace Orleans.VNeID.Silo;

/// <summary>
/// Enqueues account events on the account-events stream inside the caller's transaction, as rows of
/// <c>orleans.stream_messages</c> exactly as the ADO.NET stream provider's own producer would store them
/// (../shared/orleans-adonet-streaming-contract.md §3, §4.1; 008_streams.sql): the queue its hash ring maps the stream to,
/// a message id from the provider's sequence, visible at once, expiring after <c>Streams:ExpiryTimeout</c>, and the
/// payload the provider's batch container serializes to, so the provider's pulling agents lease, deliver, confirm and
/// dead-letter them with no difference. One message per stream for the events of one transaction.
/// </summary>
/// <remarks>
/// The provider (10.4.2-alpha.1, pinned) keeps its batch container internal; its public static
/// <c>ToMessagePayload</c> is what its producer calls, and is called here by reflection once resolved.
/// <see cref="StreamQueueRowsCheck"/> reads a payload back through the provider's own <c>FromMessage</c> at start-up, so a
/// provider that changed fails the silo's start instead of losing events.
/// </remarks>
public sealed class StreamQueueRows : IAccountEventQueue
{
    private const string ContainerTypeName = "Orleans.Streaming.AdoNet.AdoNetBatchContainer";

    private const string EnqueueSql = """
        insert into orleans.stream_messages
            (service_id, provider_id, queue_id, message_id, dequeued, visible_on, expires_on, created_on, modified_on, payload)
        select $1, $2, m.queue_id, nextval('orleans.stream_message_ids'), 0, now(), now() + $3 * interval '1 second', now(), now(), m.payload
          from unnest($4::text[], $5::bytea[]) with ordinality as m(queue_id, payload, n)
         order by m.n
        """;

    private readonly string _serviceId;
    private readonly int _expirySeconds;
    private readonly IStreamQueueMapper _queues;
    private readonly object _serializer;
    private readonly MethodInvoker _toPayload;
    private readonly Type _containerType;

    public StreamQueueRows(IServiceProvider services, string serviceId, int queueCount, TimeSpan expiry)
    {
        _serviceId = serviceId;
        _expirySeconds = (int)Math.Ceiling(expiry.TotalSeconds);
        _queues = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, AccountEventStream.Provider);
        _containerType = typeof(AdoNetStreamOptions).Assembly.GetType(ContainerTypeName, throwOnError: true)!;
        _serializer = services.GetService(typeof(Serializer<>).MakeGenericType(_containerType))
            ?? throw new InvalidOperationException("The silo's serializer has no codec for the stream provider's batch container.");
        _toPayload = MethodInvoker.Create(_containerType.GetMethod("ToMessagePayload", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{ContainerTypeName}.ToMessagePayload is gone: the stream provider changed."));
    }

    /// <summary>The provider's queue name for a stream (<c>accountevents-0</c> …).</summary>
    public string QueueOf(StreamId stream) => _queues.GetQueueForStream(stream).ToString();

    /// <summary>The payload the provider stores for one <c>OnNextBatchAsync</c> of <paramref name="events"/> on <paramref name="stream"/>.</summary>
    public byte[] PayloadOf(StreamId stream, IEnumerable<PublishedAccountEvent> events) =>
        (byte[])_toPayload.Invoke(null, _serializer, stream, events.Cast<object>().ToList(), null)!;

    public void AddTo(NpgsqlBatch batch, IReadOnlyList<PublishedAccountEvent> events)
    {
        // Grouped by stream, in the order given (one account's events stay in order within its stream's message).
        var messages = events.GroupBy(e => AccountEventStream.KeyOf(e.AccountId))
            .Select(g => StreamId.Create(AccountEventStream.Namespace, g.Key) is var stream ? (Queue: QueueOf(stream), Payload: PayloadOf(stream, g)) : default)
            .ToArray();
        var command = new NpgsqlBatchCommand(EnqueueSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = AccountEventStream.Provider });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _expirySeconds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = messages.Select(m => m.Queue).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = messages.Select(m => m.Payload).ToArray() });
        batch.BatchCommands.Add(command);
    }

    /// <summary>Reads a payload back through the provider's own decoding: the events it would deliver, in order.</summary>
    public IReadOnlyList<PublishedAccountEvent> ReadBack(byte[] payload)
    {
        var assembly = _containerType.Assembly;
        var messageType = assembly.GetType("Orleans.Streaming.AdoNet.AdoNetStreamMessage", throwOnError: true)!;
        // Only decoded, never stored: its times are placeholders.
        var at = DateTime.UnixEpoch;
        var message = Activator.CreateInstance(messageType, _serviceId, AccountEventStream.Provider, "check", 1L, 1, at, at.AddMinutes(1), at, at, payload)!;
        var container = (IBatchContainer)_containerType.GetMethod("FromMessage", BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, [_serializer, message, 0L])!;
        return container.GetEvents<PublishedAccountEvent>().Select(e => e.Item1).ToArray();
    }
}

/// <summary>At silo start: a payload written here reads back through the provider as the same events, or the silo does not start.</summary>
public static class StreamQueueRowsCheck
{
    public static void Verify(StreamQueueRows rows)
    {
        PublishedAccountEvent[] sample =
        [
            new("000000000000", 1, Accounts.AccountEventKind.Declared, Accounts.AccountStatus.Declared, Accounts.AccountStatus.PendingActivation,
                DateTimeOffset.UnixEpoch, Accounts.ActorRole.System, "check"),
        ];
        var back = rows.ReadBack(rows.PayloadOf(StreamId.Create(AccountEventStream.Namespace, "0"), sample));
        if (!back.SequenceEqual(sample))
            throw new InvalidOperationException("The account-events stream provider no longer reads the messages the group commit writes.");
    }
}
