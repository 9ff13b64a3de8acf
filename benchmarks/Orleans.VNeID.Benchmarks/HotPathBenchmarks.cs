using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Security;
using Orleans.VNeID.Grains.Security;

namespace Orleans.VNeID.Benchmarks;

/// <summary>The pure code on every request's path, measured alone (issue 5, part 2).</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private const string Id = "001090012345";
    private readonly OtpCodes _otp = new(Options.Create(new OtpOptions { HashKey = Convert.ToBase64String(new byte[32]) }));
    private byte[] _otpHash = [];
    private AccountState _state = null!;
    private Serializer<AccountState> _serializer = null!;
    private byte[] _serialized = [];

    [GlobalSetup]
    public void Setup()
    {
        _otpHash = _otp.Hash(Id, 3, "482913");
        _state = new AccountState
        {
            Lifecycle = new LifecycleState { Status = AccountStatus.Level1 },
            FullName = "Nguyễn Văn An",
            DateOfBirth = new DateOnly(1990, 5, 15),
            Phone = "0912345678",
            DeclaredAt = DateTimeOffset.UtcNow,
            ActivatedAt = DateTimeOffset.UtcNow,
            PasswordHash = "AQAAAAIAAYagAAAAELfuTRDlXDX9voBF8RuqnjegqNJhitHK2toirFTJlg37FBVCP+IZmFSo83/TAjykqQ==",
            EventSequence = 4,
            AuditHead = new byte[32],
        };
        _serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(AccountState).Assembly))
            .BuildServiceProvider().GetRequiredService<Serializer<AccountState>>();
        _serialized = _serializer.SerializeToArray(_state);
    }

    [Benchmark(Description = "ID number: parse and check against birth date and gender")]
    public bool ParseIdNumber() =>
        PersonalIdNumber.TryParse(Id, out var id, out _) && id.AgreesWith(new DateOnly(1990, 5, 15), Gender.Male);

    [Benchmark(Description = "Full name: normalise and match (NFD input)")]
    public bool MatchName() => CitizenName.Matches("  NGUYỄN   văn an ".Normalize(System.Text.NormalizationForm.FormD), "Nguyễn Văn An");

    [Benchmark(Description = "Lifecycle: rebuild the machine and fire LogIn")]
    public async Task<bool> LifecycleTrigger()
    {
        var lifecycle = new AccountLifecycle(new LifecycleState { Status = AccountStatus.Level1 }, retainSynchronizationContext: true);
        return (await lifecycle.FireAsync(AccountTrigger.LogIn)).Accepted;
    }

    [Benchmark(Description = "OTP: keyed hash of a new code")]
    public byte[] HashOtp() => _otp.Hash(Id, 3, "482913");

    [Benchmark(Description = "OTP: verify a code")]
    public bool VerifyOtp() => _otp.Verify(Id, 3, "482913", _otpHash);

    [Benchmark(Description = "Account state: serialise (Orleans binary)")]
    public byte[] SerializeState() => _serializer.SerializeToArray(_state);

    [Benchmark(Description = "Account state: deserialise (Orleans binary)")]
    public AccountState DeserializeState() => _serializer.Deserialize(_serialized)!;
}
