using Orleans.VNeID.Identity;
using Orleans.VNeID.Silo.StandIns;

namespace Orleans.VNeID.Tests.Registry;

public class PopulationGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_the_same_population()
    {
        var a = new PopulationGenerator(7).Generate(2_000).ToArray();
        var b = new PopulationGenerator(7).Generate(2_000).ToArray();
        var c = new PopulationGenerator(8).Generate(2_000).ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a.Skip(10), c.Skip(10));
    }

    [Fact]
    public void Citizens_are_valid_unique_and_consistent()
    {
        var people = new PopulationGenerator(42).Generate(20_000).ToArray();
        Assert.Equal(PopulationGenerator.DemoCitizens, people.Take(PopulationGenerator.DemoCitizens.Count));
        Assert.Equal(people.Length, people.Select(p => p.IdNumber).Distinct().Count());
        var byId = people.ToDictionary(p => p.IdNumber);
        foreach (var p in people)
        {
            var id = PersonalIdNumber.Parse(p.IdNumber);
            Assert.True(id.AgreesWith(p.DateOfBirth, p.Gender), p.IdNumber);
            Assert.Equal(id.BirthRegistrationCode, p.BirthProvince);
            Assert.True(CitizenName.IsWellFormed(p.FullName), p.FullName);
            var adult = VietnamTime.AgeOn(p.DateOfBirth, PopulationGenerator.ReferenceDate) >= 14;
            Assert.Equal(adult, p.Phone is not null);
            if (p.CardIssuedOn is { } issued) Assert.True(VietnamTime.AgeOn(p.DateOfBirth, issued) >= 14);
            foreach (var parentId in new[] { p.FatherId, p.MotherId })
            {
                if (parentId is null) continue;
                var parent = byId[parentId];
                Assert.InRange(p.DateOfBirth.Year - parent.DateOfBirth.Year, 18, 45);
            }
            if (p.FatherId is { } f) Assert.Equal(Gender.Male, byId[f].Gender);
            if (p.MotherId is { } m) Assert.Equal(Gender.Female, byId[m].Gender);
        }
        var children = people.Count(p => VietnamTime.AgeOn(p.DateOfBirth, PopulationGenerator.ReferenceDate) < 14);
        Assert.InRange(children, people.Length / 20, people.Length / 5);
        Assert.True(people.Count(p => p.FatherId is not null) > children / 2);
        Assert.Contains(people, p => p.FullName.Contains('ễ') || p.FullName.Contains('ị'));
        Assert.True(people.Select(p => p.BirthProvince).Distinct().Count() > 60);
    }
}
