using Npgsql;
using Orleans.VNeID.Organisations;

namespace Orleans.VNeID.Grains.Organisations;

/// <summary>An organisation as the national business-registration database records it.</summary>
public sealed record RegisteredOrganisation(
    string Identifier,
    string Name,
    string EnglishName,
    string Kind,
    string HeadOffice,
    string RepresentativeId,
    // "operating", "suspended" or "dissolved": only an operating organisation holds an e-ID account's rights.
    string Status,
    string CertificateNumber,
    DateOnly CertificateIssuedOn,
    string Issuer)
{
    public bool Operating => Status == "operating";
}

/// <summary>The national business-registration database (Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp), read only.</summary>
public interface IOrganisationRegister
{
    Task<RegisteredOrganisation?> FindAsync(string identifier, CancellationToken cancellationToken = default);

    /// <summary>The organisations whose legal representative on record is <paramref name="idNumber"/>.</summary>
    Task<IReadOnlyList<string>> RepresentedByAsync(string idNumber, CancellationToken cancellationToken = default);
}

/// <summary>Reads the register's stand-in, <c>business.organisations</c>.</summary>
public sealed class PostgresOrganisationRegister(NpgsqlDataSource dataSource) : IOrganisationRegister
{
    public async Task<RegisteredOrganisation?> FindAsync(string identifier, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select identifier, name, english_name, kind, head_office, representative_id, status, certificate_number, certificate_issued_on, issuer " +
            "from business.organisations where identifier = $1");
        command.Parameters.AddWithValue(identifier);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new RegisteredOrganisation(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetFieldValue<DateOnly>(8), reader.GetString(9));
    }

    public async Task<IReadOnlyList<string>> RepresentedByAsync(string idNumber, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select identifier from business.organisations where representative_id = $1 order by identifier");
        command.Parameters.AddWithValue(idNumber);
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetString(0));
        return found;
    }
}
