using Npgsql;
using Orleans.VNeID.Biometrics;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Silo.Registry;

/// <summary>
/// The <c>issue-card</c> command: the stand-in for the ID-card production centre. It records a chip card in the population
/// registry (number, issue date, and the templates enrolled with it), which is what a dossier received with a card
/// application waits for. It connects as the owner role: the platform itself only reads the registry.
/// </summary>
internal static class CardIssuer
{
    public static async Task<int> RunAsync(string ownerConnectionString, string idNumber, TextWriter output, CancellationToken cancellationToken)
    {
        if (!PersonalIdNumber.TryParse(idNumber, out var id, out var error))
        {
            await output.WriteLineAsync(error);
            return 2;
        }
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var card = new NpgsqlCommand(
            "update registry.citizens set card_number = coalesce(card_number, id_number), card_issued_on = coalesce(card_issued_on, current_date) " +
            "where id_number = $1 returning card_number, card_issued_on", connection, transaction);
        card.Parameters.AddWithValue(id.Value);
        string number;
        DateOnly issuedOn;
        await using (var reader = await card.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                await output.WriteLineAsync($"{id.Value} is not in the population registry.");
                return 1;
            }
            number = reader.GetString(0);
            issuedOn = reader.GetFieldValue<DateOnly>(1);
        }
        await using var templates = new NpgsqlCommand(
            "insert into registry.biometrics (id_number, portrait, fingerprint) values ($1, $2, $3) on conflict (id_number) do nothing",
            connection, transaction);
        templates.Parameters.AddWithValue(id.Value);
        templates.Parameters.AddWithValue(BiometricTemplates.Enrolled(id.Value, Modality.Portrait));
        templates.Parameters.AddWithValue(BiometricTemplates.Enrolled(id.Value, Modality.Fingerprint));
        await templates.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await output.WriteLineAsync($"Chip card {number} issued on {issuedOn:yyyy-MM-dd} to {id.Value}, templates enrolled.");
        return 0;
    }
}
