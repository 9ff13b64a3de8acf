namespace Orleans.VNeID.Accounts;

/// <summary>The shape of a one-time code (activation, recovery): the one place its length is set.</summary>
public static class OneTimeCode
{
    /// <summary>Digits in every code the platform sends (the seed's SMS example has six).</summary>
    public const int Digits = 6;

    /// <summary>A pattern for validators: exactly <see cref="Digits"/> ASCII digits.</summary>
    public static readonly string Pattern = $"^[0-9]{{{Digits}}}$";

    public static bool IsWellFormed(string? code) => code is { Length: Digits } && code.All(char.IsAsciiDigit);
}
