using Npgsql;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// Fills the business register's stand-in (<c>business.organisations</c>): the demo organisations of the README, and
/// one synthetic enterprise for about one adult card holder in 256 (its representative), the same every time: each
/// follows from a digest of its representative's ID number. Organisations already there stay.
/// </summary>
internal static class OrganisationRegisterSeeder
{
    /// <summary>The README's organisations: Lê Văn Cường represents the first, Lệ Thị Dung the second.</summary>
    public static readonly IReadOnlyList<(string Identifier, string Name, string EnglishName, string Kind, string HeadOffice, string Representative, DateOnly IssuedOn)> Demo =
    [
        ("0401234567", "Công ty TNHH Công nghệ Sông Hàn", "Song Han Technology Company Limited", "enterprise",
            "12 Bạch Đằng, phường Hải Châu, thành phố Đà Nẵng", "048088012348", new DateOnly(2019, 4, 1)),
        ("0407654321", "Hợp tác xã Nông nghiệp Hòa Vang", "Hoa Vang Agricultural Cooperative", "cooperative",
            "Thôn Phước Thuận, xã Hòa Vang, thành phố Đà Nẵng", "048191012349", new DateOnly(2021, 9, 15)),
    ];

    private const string Issuer = "Phòng Đăng ký kinh doanh, Sở Tài chính";

    private const string Generated = """
        with people as (
            select id_number, decode(md5('organisation' || id_number), 'hex') as h from registry.citizens
            where card_number is not null and date_of_birth <= current_date - interval '22 years')
        insert into business.organisations (identifier, name, english_name, kind, head_office, representative_id, certificate_number,
                                            certificate_issued_on, issuer)
        select code, 'Công ty TNHH ' || (array['Minh Phát','Thành Công','Hưng Thịnh','An Khang','Phú Quý','Đại Việt','Hoàng Long','Sao Mai'])[1 + get_byte(h, 1) % 8] || ' ' || right(id_number, 4),
               (array['Minh Phat','Thanh Cong','Hung Thinh','An Khang','Phu Quy','Dai Viet','Hoang Long','Sao Mai'])[1 + get_byte(h, 1) % 8] || ' ' || right(id_number, 4) || ' Company Limited',
               'enterprise', 'Số ' || (1 + get_byte(h, 2)) || ', tỉnh/thành phố mã ' || substr(id_number, 1, 3), id_number, code,
               date '2015-01-01' + get_byte(h, 3) * 13, $1
        from (select *, '0' || substr(id_number, 2, 2) || lpad((((get_byte(h, 4)::bigint << 16) | (get_byte(h, 5) << 8) | get_byte(h, 6)) % 10000000)::text, 7, '0') as code
              from people where get_byte(h, 0) = 0) p
        on conflict (identifier) do nothing
        """;

    public static async Task<long> SeedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        foreach (var o in Demo)
        {
            await using var demo = dataSource.CreateCommand(
                "insert into business.organisations (identifier, name, english_name, kind, head_office, representative_id, certificate_number, " +
                "certificate_issued_on, issuer) values ($1, $2, $3, $4, $5, $6, $1, $7, $8) on conflict (identifier) do nothing");
            foreach (var value in new object[] { o.Identifier, o.Name, o.EnglishName, o.Kind, o.HeadOffice, o.Representative, o.IssuedOn, Issuer + " thành phố Đà Nẵng" })
                demo.Parameters.AddWithValue(value);
            await demo.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var command = dataSource.CreateCommand(Generated))
        {
            command.Parameters.AddWithValue(Issuer);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var count = dataSource.CreateCommand("select count(*) from business.organisations");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
