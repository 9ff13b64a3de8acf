using Npgsql;
using Orleans.VNeID.Grains.Biometrics;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// The <c>issue-card</c> command: the stand-in for the ID-card production centre. It records a chip card in the population
/// registry (number, issue date, and the templates enrolled with it), which is what a dossier received with a card
/// application waits for. It connects as the owner role: the platform itself only reads the registry.
/// </summary>
internal static class CardIssuer
{
    public static async Task<int> RunAsync(string ownerConnectionString, string idNumber, TextWriter output, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!PersonalIdNumber.TryParse(idNumber, out var id, out var error))
        {
            await output.WriteLineAsync(error);
            return 2;
        }
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A new card (a first one, or one replacing an expired or lost card): the chip card's number is the personal ID
        // number; it is valid until the holder's next change age (ChipCard).
        DateOnly dateOfBirth;
        string fullName;
        Gender gender;
        await using (var born = new NpgsqlCommand("select date_of_birth, full_name, gender from registry.citizens where id_number = $1 for update", connection, transaction))
        {
            born.Parameters.AddWithValue(id.Value);
            await using var reader = await born.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                await output.WriteLineAsync($"{id.Value} is not in the population registry.");
                return 1;
            }
            (dateOfBirth, fullName, gender) = (reader.GetFieldValue<DateOnly>(0), reader.GetString(1), (Gender)reader.GetInt16(2));
        }
        var issuedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.Add(VietnamTime.Offset));
        var expiresOn = ChipCard.ExpiresOn(dateOfBirth, issuedOn);
        var number = id.Value;
        await using (var card = new NpgsqlCommand(
            "update registry.citizens set card_number = $2, card_issued_on = $3, card_expires_on = $4, card_reported_lost_on = null where id_number = $1",
            connection, transaction))
        {
            card.Parameters.AddWithValue(id.Value);
            card.Parameters.AddWithValue(number);
            card.Parameters.AddWithValue(issuedOn);
            card.Parameters.Add(new NpgsqlParameter<DateOnly?> { TypedValue = expiresOn });
            await card.ExecuteNonQueryAsync(cancellationToken);
        }
        // The ID-card database enrolls the person's own features (the simulated person's, drawn at random when seeded; a
        // person seeded before them gets new random ones); a card holder keeps the templates already enrolled.
        await using var templates = new NpgsqlCommand(
            "insert into registry.biometrics (id_number, portrait, fingerprint) " +
            "select $1, coalesce(p.portrait, $2), coalesce(p.fingerprint, $3) from (select 1) one " +
            "left join registry.simulated_people p on p.id_number = $1 on conflict (id_number) do nothing",
            connection, transaction);
        templates.Parameters.AddWithValue(id.Value);
        templates.Parameters.AddWithValue(BiometricTemplates.NewPerson());
        templates.Parameters.AddWithValue(BiometricTemplates.NewPerson());
        await templates.ExecuteNonQueryAsync(cancellationToken);
        // The new card's chip replaces the old one's (Development's simulated personalisation).
        await ChipSeeder.ReplaceAsync(connection, transaction, new Orleans.VNeID.Grains.Registry.CitizenRecord(id.Value, fullName, dateOfBirth, gender, "",
            number, issuedOn, null, null, null, expiresOn), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await output.WriteLineAsync($"Chip card {number} issued on {issuedOn:yyyy-MM-dd} to {id.Value} " +
                                    $"({(expiresOn is { } until ? $"valid until {until:yyyy-MM-dd}" : "valid for life")}), templates enrolled, chip written.");
        return 0;
    }
}
