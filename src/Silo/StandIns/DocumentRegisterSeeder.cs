using Npgsql;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// Fills the stand-in registers of wallet papers (<c>registers.documents</c>) from the population, the same every time:
/// each person's papers follow from a digest of their ID number. About 40 % of adults hold a driving licence (its number
/// the ID number's digits reversed), 30 % a vehicle registration (a plate), 60 % a social-insurance number (the ID
/// number's last ten digits) and 80 % of everyone a health-insurance card (<c>GD4</c> and the ID number). One licence in
/// 40 is revoked and one paper in 30 has expired. The demo citizens hold every paper, valid. Papers already there stay.
/// </summary>
internal static class DocumentRegisterSeeder
{
    private const string Sql = """
        with people as (
            select id_number, date_of_birth, decode(md5(id_number), 'hex') as h, id_number = any($1) as demo
            from registry.citizens),
        papers as (
            select 0 as kind, reverse(id_number) as number, id_number, 'Sở Giao thông vận tải' as issuer, h, demo
            from people where date_of_birth <= current_date - interval '18 years' and (get_byte(h, 0) < 102 or demo)
            union all
            select 1, lpad((10 + get_byte(h, 5) % 89)::text, 2, '0') || chr(65 + get_byte(h, 6) % 26) || '-' ||
                   lpad(((get_byte(h, 7) * 256 + get_byte(h, 8)) % 100000)::text, 5, '0'), id_number, 'Cục Cảnh sát giao thông', h, demo
            from people where date_of_birth <= current_date - interval '18 years' and (get_byte(h, 1) < 77 or demo)
            union all
            select 2, substr(id_number, 3), id_number, 'Bảo hiểm xã hội Việt Nam', h, demo
            from people where date_of_birth <= current_date - interval '18 years' and (get_byte(h, 2) < 154 or demo)
            union all
            select 3, 'GD4' || id_number, id_number, 'Bảo hiểm xã hội Việt Nam', h, demo
            from people where get_byte(h, 3) < 205 or demo)
        insert into registers.documents (kind, number, holder_id_number, issuer, valid_from, valid_until, revoked_at)
        select kind, number, id_number, issuer,
               date '2019-01-01' + (get_byte(h, 9) * 7),
               case when kind in (0, 3) then
                   case when not demo and get_byte(h, 10 + kind) < 9 then current_date - (1 + get_byte(h, 12))
                        else date '2019-01-01' + (get_byte(h, 9) * 7) + interval '10 years' end end,
               case when kind = 0 and not demo and get_byte(h, 4) < 7 then now() - interval '30 days' end
        from papers
        on conflict (kind, number) do nothing
        """;

    public static async Task<long> SeedAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> demo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.AddWithValue(demo.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var count = dataSource.CreateCommand("select count(*) from registers.documents");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
