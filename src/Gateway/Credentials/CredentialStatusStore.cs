using System.Security.Cryptography;
using Npgsql;

namespace Orleans.VNeID.Gateway.Credentials;

/// <summary>
/// Which credential owns which entry of the status list (<c>oidc.credential_status</c>), and the entries' statuses. An
/// entry is taken at random (a verifier learns nothing from its place); the account events' consumer in the silos
/// suspends an account's entries while it is locked.
/// </summary>
public sealed class CredentialStatusStore(NpgsqlDataSource database)
{
    public const int ListId = 1;
    public const int ListSize = 131_072;

    /// <summary>A free entry of the list for a new credential of the account.</summary>
    public async Task<(int ListId, int Index)> AllocateAsync(string accountId, string credential, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        for (var attempt = 0; attempt < 32; attempt++)
        {
            var index = RandomNumberGenerator.GetInt32(ListSize);
            await using var command = database.CreateCommand(
                "insert into oidc.credential_status (list_id, idx, account_id, credential, issued_at, expires_at) values ($1, $2, $3, $4, $5, $6) " +
                "on conflict (list_id, idx) do nothing");
            command.Parameters.AddWithValue(ListId);
            command.Parameters.AddWithValue(index);
            command.Parameters.AddWithValue(accountId);
            command.Parameters.AddWithValue(credential);
            command.Parameters.AddWithValue(issuedAt);
            command.Parameters.AddWithValue(expiresAt);
            if (await command.ExecuteNonQueryAsync() == 1) return (ListId, index);
        }
        throw new InvalidOperationException("The status list has no free entry left.");
    }

    /// <summary>The entries of the list that are not valid.</summary>
    public async Task<IReadOnlyList<(int Index, byte Status)>> ReadAsync(int listId)
    {
        await using var command = database.CreateCommand("select idx, status from oidc.credential_status where list_id = $1 and status <> 0");
        command.Parameters.AddWithValue(listId);
        var entries = new List<(int, byte)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) entries.Add((reader.GetInt32(0), (byte)reader.GetInt16(1)));
        return entries;
    }
}
