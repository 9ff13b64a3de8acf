namespace Orleans.VNeID.Identity;

/// <summary>
/// How long a chip ID card is valid (Law on Identification 2023, art. 21, continuing the 2014 Law on Citizen
/// Identification): a card is changed when its holder turns 14, 25, 40 and 60; a card issued within the two years before
/// one of those birthdays stays valid until the next; one issued after 58 does not expire.
/// </summary>
public static class ChipCard
{
    private static readonly int[] ChangeAges = [14, 25, 40, 60];

    /// <summary>The day the card stops being valid, or null for a card valid for life.</summary>
    public static DateOnly? ExpiresOn(DateOnly dateOfBirth, DateOnly issuedOn)
    {
        foreach (var age in ChangeAges)
        {
            var birthday = dateOfBirth.AddYears(age);
            if (issuedOn < birthday.AddYears(-2)) return birthday;
        }
        return null;
    }
}
