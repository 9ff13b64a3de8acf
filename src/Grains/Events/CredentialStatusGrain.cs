using System.Collections.Concurrent;
using Npgsql;
using Orleans.Streams.Core;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Events;

namespace Orleans.VNeID.Grains.Events;

/// <summary>What the account's events mean to the credentials issued for it, in the issuer's status list.</summary>
public enum CredentialStatusChange
{
    /// <summary>The account is locked: its valid credentials are suspended.</summary>
    Suspend,
    /// <summary>The account is unlocked: its suspended credentials are valid again.</summary>
    Resume,
}

/// <summary>Where the statuses of the credentials issued for accounts are kept (the issuer's status list, <c>oidc.credential_status</c>).</summary>
public interface ICredentialStatusStore
{
    Task ApplyAsync(IReadOnlyList<(string AccountId, CredentialStatusChange Change)> changes);
}

/// <summary>The status list's rows in PostgreSQL: 0 valid, 2 suspended (Token Status List values); one batch per stream batch.</summary>
public sealed class PostgresCredentialStatusStore(NpgsqlDataSource database) : ICredentialStatusStore
{
    public async Task ApplyAsync(IReadOnlyList<(string AccountId, CredentialStatusChange Change)> changes)
    {
        await using var batch = database.CreateBatch();
        foreach (var (accountId, change) in changes)
        {
            var command = new NpgsqlBatchCommand(change == CredentialStatusChange.Suspend
                ? "update oidc.credential_status set status = 2 where account_id = $1 and status = 0"
                : "update oidc.credential_status set status = 0 where account_id = $1 and status = 2");
            command.Parameters.AddWithValue(accountId);
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
    }
}

/// <summary>The changes applied, in memory (grain tests), in order.</summary>
public sealed class InMemoryCredentialStatusStore : ICredentialStatusStore
{
    public ConcurrentQueue<(string AccountId, CredentialStatusChange Change)> Applied { get; } = new();

    public Task ApplyAsync(IReadOnlyList<(string AccountId, CredentialStatusChange Change)> changes)
    {
        foreach (var change in changes) Applied.Enqueue(change);
        return Task.CompletedTask;
    }
}

/// <summary>A consumer of the account-events stream (one grain per stream): a credential never outlives what it states.</summary>
public interface ICredentialStatusGrain : IGrainWithStringKey;

[ImplicitStreamSubscription(AccountEventStream.Namespace)]
public sealed class CredentialStatusGrain(ICredentialStatusStore store) : Grain, ICredentialStatusGrain, IStreamSubscriptionObserver
{
    /// <summary>A lock suspends the account's credentials; an unlock resumes them. Everything else changes none.</summary>
    public static CredentialStatusChange? For(PublishedAccountEvent evt) => evt.Kind switch
    {
        AccountEventKind.Locked => CredentialStatusChange.Suspend,
        AccountEventKind.Unlocked => CredentialStatusChange.Resume,
        _ => null,
    };

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<PublishedAccountEvent>().ResumeAsync(new BatchObserver<PublishedAccountEvent>(events =>
        {
            var changes = events.Select(e => (e.AccountId, Change: For(e))).Where(c => c.Change is not null)
                .Select(c => (c.AccountId, c.Change!.Value)).ToArray();
            return changes.Length > 0 ? store.ApplyAsync(changes) : Task.CompletedTask;
        }));
}
