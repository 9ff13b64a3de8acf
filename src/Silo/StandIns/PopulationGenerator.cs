using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Registry;

namespace Orleans.VNeID.Silo.StandIns;

/// <summary>
/// A deterministic synthetic population: the same seed and count give the same citizens, with valid ID numbers,
/// Vietnamese names with diacritics, about one in eight under 14 and linked to parents.
/// </summary>
public sealed class PopulationGenerator(int seed)
{
    /// <summary>Ages are computed against this fixed date so that a seed always means the same people.</summary>
    public static readonly DateOnly ReferenceDate = new(2026, 1, 1);

    /// <summary>Citizens every population starts with, for the README walk-through and the tests.</summary>
    public static readonly IReadOnlyList<CitizenRecord> DemoCitizens =
    [
        new("001090012345", "Nguyễn Văn An", new DateOnly(1990, 5, 15), Gender.Male, "001", "001090012345", new DateOnly(2021, 6, 1), "0912345678", null, null),
        new("079195012346", "Trần Thị Bình", new DateOnly(1995, 11, 2), Gender.Female, "079", "079195012346", new DateOnly(2022, 3, 14), "0987654321", null, null),
        new("001214012347", "Nguyễn Minh Khang", new DateOnly(2014, 3, 10), Gender.Male, "001", null, null, null, "001090012345", "079195012346"),
        new("048088012348", "Lê Văn Cường", new DateOnly(1988, 8, 8), Gender.Male, "048", "048088012348", new DateOnly(2021, 9, 20), "0905123456", null, null),
        new("048191012349", "Lệ Thị Dung", new DateOnly(1991, 1, 30), Gender.Female, "048", "048191012349", new DateOnly(2023, 1, 5), "0905654321", null, null),
        // No chip card yet: applies for it together with a level-2 account (README, "Level 2 at the desk").
        new("048093012350", "Phạm Văn Em", new DateOnly(1993, 7, 7), Gender.Male, "048", null, null, "0905777888", null, null),
        // A card issued at 20 that expired at 25 (2021-04-12): a level-2 dossier goes the card-application path.
        new("048196012351", "Đỗ Thị Giang", new DateOnly(1996, 4, 12), Gender.Female, "048", "048196012351", new DateOnly(2016, 5, 10), "0905888999", null, null),
        // Born in the United States, the birth registered at the Vietnamese embassy: digits 1-3 are a country code.
        new("101095012352", "Vũ Minh Hải", new DateOnly(1995, 2, 20), Gender.Male, "101", "101095012352", new DateOnly(2022, 8, 1), "0905111222", null, null),
        // Lê Văn Cường's son, under 14: his father acts for him at services (README, "Acting for others").
        new("048216012353", "Lê Minh Phúc", new DateOnly(2016, 6, 1), Gender.Male, "048", null, null, null, "048088012348", null),
    ];

    /// <summary>
    /// Foreigners every immigration registry starts with (README, "Foreigners"): the passport they entered with, and the
    /// Vietnamese phone number they registered. The third one's passport has expired.
    /// </summary>
    public static readonly IReadOnlyList<CitizenRecord> DemoForeigners =
    [
        Foreigner("FRA", "18AB12345", "FRA", "Marie Dubois", new DateOnly(1988, 3, 21), Gender.Female, new DateOnly(2019, 5, 10), new DateOnly(2029, 5, 9), "0906111222"),
        Foreigner("KOR", "M12345678", "KOR", "Kim Min Jun", new DateOnly(1992, 7, 14), Gender.Male, new DateOnly(2021, 1, 5), new DateOnly(2031, 1, 4), "0906333444"),
        Foreigner("USA", "A87654321", "USA", "John Smith", new DateOnly(1975, 10, 2), Gender.Male, new DateOnly(2015, 7, 1), new DateOnly(2025, 6, 30), "0906555666"),
    ];

    private static readonly string[] ForeignCountries = ["KOR", "JPN", "CHN", "TWN", "USA", "FRA", "DEU", "AUS", "GBR", "RUS", "THA", "SGP", "IND", "CAN"];
    private static readonly string[] ForeignMaleGiven = ["John", "David", "Michael", "Pierre", "Thomas", "Hiroshi", "Min Jun", "Wei", "Lukas", "Ivan", "James", "Somchai"];
    private static readonly string[] ForeignFemaleGiven = ["Mary", "Anna", "Sophie", "Emma", "Yuki", "Seo Yeon", "Li Na", "Olga", "Laura", "Sarah", "Claire", "Mali"];
    private static readonly string[] ForeignSurnames = ["Smith", "Johnson", "Martin", "Dubois", "Muller", "Tanaka", "Kim", "Park", "Wang", "Chen", "Ivanov", "Brown", "Wilson", "Lee"];

    private static CitizenRecord Foreigner(string issuer, string number, string nationality, string name, DateOnly born, Gender gender,
        DateOnly issued, DateOnly expires, string? phone) =>
        new($"{issuer}-{number}", name, born, gender, "", number, issued, phone, null, null, expires, null, nationality);

    private static readonly (string Name, int Weight)[] Surnames =
    [
        ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 51), ("Huỳnh", 50), ("Phan", 45), ("Vũ", 39),
        ("Võ", 39), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 5),
        ("Trương", 5), ("Lâm", 4), ("Mai", 4), ("Trịnh", 3), ("Đào", 3), ("Cao", 2), ("Lương", 2), ("Tạ", 1), ("Quách", 1),
    ];
    private static readonly string[] MaleMiddle = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Trọng", "Anh", "Gia", "Bảo"];
    private static readonly string[] FemaleMiddle = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Kim", "Bảo", "Hồng", "Diệu", "Mai", "Khánh"];
    private static readonly string[] MaleGiven =
        ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khoa", "Kiên", "Lâm", "Long", "Minh",
         "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quốc", "Sơn", "Tài", "Thắng", "Thịnh", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Vũ"];
    private static readonly string[] FemaleGiven =
        ["Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
         "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trinh", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Lệ"];
    private static readonly int SurnameWeightTotal = Surnames.Sum(s => s.Weight);

    private readonly Random _random = new(seed);
    private readonly HashSet<string> _ids = new(DemoCitizens.Select(c => c.IdNumber), StringComparer.Ordinal);
    private readonly List<CitizenRecord> _fathers = [];
    private readonly List<CitizenRecord> _mothers = [];

    /// <summary>The demo citizens, then <paramref name="count"/> minus their number generated ones.</summary>
    public IEnumerable<CitizenRecord> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i < DemoCitizens.Count ? DemoCitizens[i] : Next();
        }
    }

    private CitizenRecord Next()
    {
        var child = _random.Next(8) == 0 && _fathers.Count > 0 && _mothers.Count > 0;
        var gender = _random.Next(2) == 0 ? Gender.Male : Gender.Female;
        var age = child ? _random.Next(0, 14) : _random.Next(14, 86);
        var dateOfBirth = ReferenceDate.AddYears(-age - 1).AddDays(_random.Next(1, 366));
        var province = Provinces.Codes[_random.Next(Provinces.Codes.Count)];

        CitizenRecord? father = null, mother = null;
        if (child)
        {
            father = PickParent(_fathers, dateOfBirth);
            mother = PickParent(_mothers, dateOfBirth);
        }
        var surname = father is not null ? father.FullName.Split(' ')[0] : PickSurname();
        var name = gender == Gender.Male
            ? $"{surname} {Pick(MaleMiddle)} {Pick(MaleGiven)}"
            : $"{surname} {Pick(FemaleMiddle)} {Pick(FemaleGiven)}";

        string id;
        do
        {
            id = PersonalIdNumber.Create(province, dateOfBirth.Year, gender, _random.Next(0, 1_000_000)).Value;
        } while (!_ids.Add(id));

        var ageNow = VietnamTime.AgeOn(dateOfBirth, ReferenceDate);
        var adult = ageNow >= 14;
        DateOnly? cardIssued = null;
        if (adult)
        {
            var earliest = Max(dateOfBirth.AddYears(14), new DateOnly(2021, 1, 1));
            var latest = new DateOnly(2025, 12, 31);
            cardIssued = earliest > latest ? null : earliest.AddDays(_random.Next(0, latest.DayNumber - earliest.DayNumber + 1));
        }
        var record = new CitizenRecord(
            id, name, dateOfBirth, gender, province,
            cardIssued is null ? null : id, cardIssued,
            adult ? $"09{_random.Next(0, 100_000_000):D8}" : null,
            father?.IdNumber, mother?.IdNumber);

        if (ageNow is >= 20 and <= 55)
        {
            var parents = gender == Gender.Male ? _fathers : _mothers;
            // A bounded pool keeps memory flat for a population of millions.
            if (parents.Count < 50_000) parents.Add(record);
            else parents[_random.Next(parents.Count)] = record;
        }
        return record;
    }

    /// <summary>
    /// The demo foreigners, then <paramref name="count"/> minus their number generated ones: adults holding a passport of
    /// their own country, valid for ten years, with a Vietnamese phone number. Deterministic per seed, apart from the citizens.
    /// </summary>
    public static IEnumerable<CitizenRecord> GenerateForeigners(int count, int seed)
    {
        var random = new Random(seed ^ 0x5F0E1);
        var keys = new HashSet<string>(DemoForeigners.Select(f => f.IdNumber), StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (i < DemoForeigners.Count) { yield return DemoForeigners[i]; continue; }
            var country = ForeignCountries[random.Next(ForeignCountries.Length)];
            var gender = random.Next(2) == 0 ? Gender.Male : Gender.Female;
            var born = ReferenceDate.AddYears(-random.Next(18, 70)).AddDays(-random.Next(0, 365));
            var issued = ReferenceDate.AddDays(-random.Next(30, 3000));
            string number;
            do number = $"{(char)('A' + random.Next(26))}{random.Next(0, 100_000_000):D8}";
            while (!keys.Add($"{country}-{number}"));
            var given = gender == Gender.Male ? ForeignMaleGiven[random.Next(ForeignMaleGiven.Length)] : ForeignFemaleGiven[random.Next(ForeignFemaleGiven.Length)];
            yield return Foreigner(country, number, country, $"{given} {ForeignSurnames[random.Next(ForeignSurnames.Length)]}", born, gender,
                issued, issued.AddYears(10).AddDays(-1), $"09{random.Next(0, 100_000_000):D8}");
        }
    }

    private CitizenRecord? PickParent(List<CitizenRecord> pool, DateOnly childBirth)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var candidate = pool[_random.Next(pool.Count)];
            var gap = childBirth.Year - candidate.DateOfBirth.Year;
            if (gap is >= 18 and <= 45) return candidate;
        }
        return null;
    }

    private string PickSurname()
    {
        var roll = _random.Next(SurnameWeightTotal);
        foreach (var (name, weight) in Surnames)
        {
            if (roll < weight) return name;
            roll -= weight;
        }
        return Surnames[0].Name;
    }

    private string Pick(string[] names) => names[_random.Next(names.Length)];

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
