using Microsoft.AspNetCore.Identity;
using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Security;

/// <summary>
/// A password hash of nothing in particular, verified when there is no real one (unknown ID, locked account), so
/// that every login costs one hash and its time tells nothing about the account.
/// </summary>
public sealed class TimingEqualizer(IPasswordHasher<AccountState> hasher)
{
    private readonly string _dummyHash = hasher.HashPassword(new AccountState(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    public void SpendPasswordCheck(string? password) =>
        hasher.VerifyHashedPassword(new AccountState(), _dummyHash, password ?? "");
}
