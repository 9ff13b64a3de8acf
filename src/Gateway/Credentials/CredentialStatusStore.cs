using System.Security.Cryptography;
using Npgsql;
using Orleans.VNeID.Dossiers;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// Which credential owns which entry of the status list (<c>oidc.credential_status</c>), and the entries' statuses. An
/// entry is taken at random (a verifier learns nothing from its place); the account events' consumer in the silos
/// suspends an account's entries while it is locked; a paper's credential is invalid as soon as its register no longer
/// gives the paper to the account's holder valid (revoked, expired, another holder, gone), read from the register at
/// every fetch of the list.
/// </summary>
public sealed class CredentialStatusStore(NpgsqlDataSource database)
{
    public const int ListId = 1;
    public const int ListSize = 131_072;

    /// <summary>A free entry of the list for a new credential of the account (of one of its papers, when <paramref name="paper"/> is given).</summary>
    public async Task<(int ListId, int Index)> AllocateAsync(string accountId, string credential, DateTimeOffset issuedAt, DateTimeOffset expiresAt,
        (DocumentKind Kind, string Number)? paper = null)
    {
        for (var attempt = 0; attempt < 32; attempt++)
        {
            var index = RandomNumberGenerator.GetInt32(ListSize);
            await using var command = database.CreateCommand(
                "insert into oidc.credential_status (list_id, idx, account_id, credential, issued_at, expires_at, document_kind, document_number) " +
                "values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (list_id, idx) do nothing");
            command.Parameters.AddWithValue(ListId);
            command.Parameters.AddWithValue(index);
            command.Parameters.AddWithValue(accountId);
            command.Parameters.AddWithValue(credential);
            command.Parameters.AddWithValue(issuedAt);
            command.Parameters.AddWithValue(expiresAt);
            command.Parameters.AddWithValue(paper is { } p ? (short)p.Kind : DBNull.Value);
            command.Parameters.AddWithValue(paper is { } q ? q.Number : DBNull.Value);
            if (await command.ExecuteNonQueryAsync() == 1) return (ListId, index);
        }
        throw new InvalidOperationException("The status list has no free entry left.");
    }

    // A paper's entry is invalid (1) when its register no longer gives it to the holder, valid on the day; otherwise the
    // stored status (2 while the account is locked).
    private const string Statuses = """
        select s.idx, case when s.document_kind is not null and (d.kind is null or d.holder_id_number <> s.account_id
                               or d.revoked_at is not null or d.valid_until < $2 or d.valid_from > $2) then 1 else s.status end as status
        from oidc.credential_status s
        left join registers.documents d on d.kind = s.document_kind and d.number = s.document_number
        where s.list_id = $1 and (s.status <> 0 or s.document_kind is not null)
        """;

    /// <summary>The entries of the list that are not valid on <paramref name="today"/> (Vietnam's date).</summary>
    public async Task<IReadOnlyList<(int Index, byte Status)>> ReadAsync(int listId, DateOnly today)
    {
        await using var command = database.CreateCommand(Statuses);
        command.Parameters.AddWithValue(listId);
        command.Parameters.AddWithValue(today);
        var entries = new List<(int, byte)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            if (reader.GetInt32(1) is var status and not 0) entries.Add((reader.GetInt32(0), (byte)status));
        return entries;
    }
}
