namespace Orleans.VNeID.Identity;

/// <summary>Gender as recorded in the National Population Database; the values follow the ID number's parity rule.</summary>
public enum Gender
{
    Male = 0,
    Female = 1,
}
