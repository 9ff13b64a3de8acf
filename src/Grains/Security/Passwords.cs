using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Security;

namespace Orleans.VNeID.Grains.Security;

/// <summary>
/// Password hashes in ASP.NET Core Identity's versioned PBKDF2 format (work factor from section <c>PasswordHashing</c>).
/// When there is no real hash to check (unknown ID, locked account) a hash of nothing in particular is verified instead,
/// so that every login costs one hash and its time tells nothing about the account. New passwords must pass the
/// <see cref="PasswordPolicy"/> of section <c>Password</c>.
/// </summary>
public sealed class Passwords
{
    private readonly PasswordHasher<Passwords> _hasher;
    private readonly PasswordPolicyOptions _policy;
    private readonly string _dummyHash;

    public Passwords(IOptions<PasswordHasherOptions> hashing, IOptions<PasswordPolicyOptions> policy)
    {
        _hasher = new PasswordHasher<Passwords>(hashing);
        _policy = policy.Value;
        _dummyHash = Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    /// <summary>Every policy rule a new password breaks; empty when it is acceptable.</summary>
    public IReadOnlyList<string> ProblemsWith(string? password) => PasswordPolicy.Check(password, _policy);

    public string Hash(string password) => _hasher.HashPassword(this, password);

    public PasswordVerificationResult Verify(string hash, string? password) => _hasher.VerifyHashedPassword(this, hash, password ?? "");

    /// <summary>Spends the time of one password check without an account.</summary>
    public void SpendCheck(string? password) => _hasher.VerifyHashedPassword(this, _dummyHash, password ?? "");
}
