namespace Orleans.VNeID.Security;

/// <summary>The seed's password rules (docs/domain.md, "The procedures"); every bound comes from configuration section <c>Password</c>.</summary>
public sealed class PasswordPolicyOptions
{
    public const string Section = "Password";

    /// <summary>Shortest accepted password. Default 8.</summary>
    public int MinLength { get; set; } = 8;

    /// <summary>Longest accepted password. Default 20.</summary>
    public int MaxLength { get; set; } = 20;

    /// <summary>The special characters of which at least one is required. Default <c>!@#$^*()_</c>.</summary>
    public string SpecialCharacters { get; set; } = "!@#$^*()_";
}

public static class PasswordPolicy
{
    /// <summary>Every rule the password breaks, in words a citizen understands; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Check(string? password, PasswordPolicyOptions options)
    {
        if (string.IsNullOrEmpty(password)) return ["A password is required."];
        var problems = new List<string>();
        if (password.Length < options.MinLength || password.Length > options.MaxLength)
            problems.Add($"The password must have {options.MinLength} to {options.MaxLength} characters.");
        if (!password.Any(char.IsAsciiDigit)) problems.Add("The password needs a digit.");
        if (!password.Any(char.IsAsciiLetterUpper)) problems.Add("The password needs an upper-case letter.");
        if (!password.Any(char.IsAsciiLetterLower)) problems.Add("The password needs a lower-case letter.");
        if (!password.Any(options.SpecialCharacters.Contains))
            problems.Add($"The password needs one of the special characters {options.SpecialCharacters}.");
        var allowed = password.All(c => char.IsAsciiLetterOrDigit(c) || options.SpecialCharacters.Contains(c));
        if (!allowed) problems.Add($"The password may contain only letters, digits and {options.SpecialCharacters}.");
        return problems;
    }
}
