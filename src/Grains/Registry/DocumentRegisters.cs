using Npgsql;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Errors;

namespace Orleans.VNeID.Grains.Registry;

/// <summary>A paper as its issuing register records it.</summary>
public sealed record RegisterRecord(DocumentKind Kind, string Number, string HolderIdNumber, string Issuer, DateOnly ValidFrom, DateOnly? ValidUntil,
    DateTimeOffset? RevokedAt)
{
    /// <summary>The paper as a wallet holds it: the register's facts, and who checked them where.</summary>
    public IntegratedDocument ToDocument(string verifiedBy, string verifiedAt) =>
        new(Kind, Number, Issuer, ValidFrom, ValidUntil, verifiedBy, verifiedAt);
}

/// <summary>
/// The registers that issue wallet papers (driving licences, vehicle registrations, social insurance, health-insurance
/// cards): stand-ins in PostgreSQL (<c>registers.documents</c>), each paper found by its kind and number.
/// </summary>
public interface IDocumentRegisters
{
    Task<RegisterRecord?> FindAsync(DocumentKind kind, string number, CancellationToken cancellationToken = default);
}

/// <summary>Whether a register's record lets a paper into its holder's wallet on a given day.</summary>
public static class DocumentCheck
{
    /// <summary>Why not — not in the register, another person's, revoked, no longer valid — or null when it may.</summary>
    public static KnownError? Refusal(RegisterRecord? record, string holder, DateOnly today) => record switch
    {
        null => ErrorCatalogue.DocumentNotRegistered,
        _ when record.HolderIdNumber != holder => ErrorCatalogue.DocumentOtherPerson,
        { RevokedAt: not null } => ErrorCatalogue.DocumentRevoked,
        { ValidUntil: { } until } when until < today => ErrorCatalogue.DocumentExpired,
        _ when record.ValidFrom > today => ErrorCatalogue.DocumentExpired,
        _ => null,
    };

    /// <summary>Whether a paper the wallet holds still stands in its register (held by the same person, not revoked, valid).</summary>
    public static bool StillStands(RegisterRecord? record, string holder, DateOnly today) => Refusal(record, holder, today) is null;
}

public sealed class PostgresDocumentRegisters(NpgsqlDataSource dataSource) : IDocumentRegisters
{
    public async Task<RegisterRecord?> FindAsync(DocumentKind kind, string number, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select holder_id_number, issuer, valid_from, valid_until, revoked_at from registers.documents where kind = $1 and number = $2");
        command.Parameters.AddWithValue((short)kind);
        command.Parameters.AddWithValue(number);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new RegisterRecord(kind, number, reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
    }
}
