using System.Security.Cryptography;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;

namespace Orleans.VNeID.Grains.CitizenAccounts;

/// <inheritdoc cref="IQrSignInGrain"/>
/// <remarks>On the machine's clock, as the gateways that set its expiry (not the domain clock of the accounts' rules).</remarks>
public sealed class QrSignInGrain(TimeProvider clock) : Grain, IQrSignInGrain
{
    private byte[]? _scanHash;
    private byte[]? _browserHash;
    private QrSignInRequest? _request;
    private QrSignInStatus _status;
    private QrApproval? _approval;
    private bool _started;

    public Task<bool> StartAsync(QrSignInRequest request)
    {
        if (_started) return Task.FromResult(false);
        _started = true;
        _scanHash = SHA256.HashData(request.ScanSecret);
        _browserHash = SHA256.HashData(request.BrowserSecret);
        // Only what the phone is shown is kept, never the secrets.
        _request = request with { ScanSecret = [], BrowserSecret = [] };
        var left = request.ExpiresAt - clock.GetUtcNow();
        if (left > TimeSpan.Zero) DelayDeactivation(left + TimeSpan.FromMinutes(1));
        return Task.FromResult(true);
    }

    public Task<QrSignInView?> ShowAsync(byte[] scanSecret) =>
        Task.FromResult(Matches(_scanHash, scanSecret) && Current() == QrSignInStatus.Waiting
            ? new QrSignInView(_request!.ServiceName, _request.Receives, _request.Device, _request.Address, _request.RequestedAt, _request.ExpiresAt, QrSignInStatus.Waiting,
                _request.ReceivesEnglish)
            : null);

    public Task<QrSignInStatus> DecideAsync(byte[] scanSecret, bool approve, string accountId, string approvingSessionId)
    {
        if (!Matches(_scanHash, scanSecret)) return Task.FromResult(QrSignInStatus.Expired);
        if (Current() != QrSignInStatus.Waiting) return Task.FromResult(Current());
        _status = approve ? QrSignInStatus.Approved : QrSignInStatus.Refused;
        if (approve) _approval = new QrApproval(accountId, approvingSessionId);
        return Task.FromResult(_status);
    }

    public Task<QrSignInStatus> StatusAsync(byte[] browserSecret) =>
        Task.FromResult(Matches(_browserHash, browserSecret) ? Current() : QrSignInStatus.Expired);

    public Task<QrApproval?> CompleteAsync(byte[] browserSecret)
    {
        if (!Matches(_browserHash, browserSecret) || Current() != QrSignInStatus.Approved) return Task.FromResult<QrApproval?>(null);
        _status = QrSignInStatus.Completed;
        var approval = _approval;
        _approval = null;
        return Task.FromResult(approval);
    }

    /// <summary>The status, with time: waiting or approved past the expiry is expired (an approval must be completed in time too).</summary>
    private QrSignInStatus Current() =>
        _status is QrSignInStatus.Waiting or QrSignInStatus.Approved && (_request is null || clock.GetUtcNow() >= _request.ExpiresAt)
            ? QrSignInStatus.Expired
            : _status;

    private static bool Matches(byte[]? hash, byte[] secret) =>
        hash is not null && secret is { Length: > 0 } && CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(secret));
}
