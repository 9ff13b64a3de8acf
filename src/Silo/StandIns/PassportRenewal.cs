using Npgsql;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// Stand-in for the immigration office: a foreigner's passport renewed. The new document (same issuing country, a new
/// number, issued today for ten years) joins the immigration database linked to the same person, with the templates
/// taken at entry; the old one stays on record.
/// </summary>
internal static class PassportRenewal
{
    public static async Task<int> RunAsync(string ownerConnection, string current, string newNumber, TextWriter output, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!IdentityNumber.TryParse(current, out var id, out var error) || id.IsCitizen)
        {
            output.WriteLine(error ?? "A foreigner's passport key is needed (CCC-NUMBER).");
            return 2;
        }
        var renewed = $"{id.IssuingCountry}-{newNumber}";
        if (!IdentityNumber.TryParse(renewed, out _, out error))
        {
            output.WriteLine(error);
            return 2;
        }
        await using var dataSource = NpgsqlDataSource.Create(ownerConnection);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var today = VietnamTime.Today(clock);
        await using (var insert = new NpgsqlCommand(
            "insert into immigration.foreigners (document_key, issuing_country, document_number, nationality, full_name, date_of_birth, gender, " +
            "document_issued_on, document_expires_on, phone, person_id) " +
            "select $2, issuing_country, $3, nationality, full_name, date_of_birth, gender, $4, $5, phone, coalesce(person_id, document_key) " +
            "from immigration.foreigners where document_key = $1", connection, transaction))
        {
            foreach (var value in new object[] { current, renewed, newNumber, today, today.AddYears(10).AddDays(-1) }) insert.Parameters.AddWithValue(value);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                output.WriteLine($"The immigration database holds no passport {current}.");
                return 1;
            }
        }
        await using (var templates = new NpgsqlCommand(
            "insert into immigration.biometrics (document_key, portrait, fingerprint) select $2, portrait, fingerprint from immigration.biometrics where document_key = $1",
            connection, transaction))
        {
            templates.Parameters.AddWithValue(current);
            templates.Parameters.AddWithValue(renewed);
            await templates.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        output.WriteLine($"Passport {current} renewed as {renewed} (issued {today:yyyy-MM-dd}, same person).");
        return 0;
    }
}
