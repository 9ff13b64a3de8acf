using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Problems;

namespace Orleans.VNeID.Gateway.Security;

/// <summary>Request budgets on the routes attackers aim at. Section <c>RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Requests per minute from one client address on registration, login, code and recovery routes. Default 60.</summary>
    [Range(1, 1_000_000)] public int PerAddressPerMinute { get; set; } = 60;

    /// <summary>
    /// Requests per minute naming one account from one client address on those routes. Default 30: above the brute-force
    /// hard cap, so lockout, not the budget, decides. Kept per account and address, so that a stranger's requests spend
    /// the stranger's budget and never refuse the owner's right password from elsewhere.
    /// </summary>
    [Range(1, 1_000_000)] public int PerAccountPerMinute { get; set; } = 30;

    /// <summary>
    /// Declarations from one client address that may fail to match the population database within
    /// <see cref="RegistryMismatchWindow"/>; past it the address's declarations are refused until the window ends. Default 20.
    /// </summary>
    [Range(1, 1_000_000)] public int RegistryMismatchesPerAddress { get; set; } = 20;

    /// <summary>The window of <see cref="RegistryMismatchesPerAddress"/> and <see cref="RecoveryMismatchesPerAddress"/>. Default 24 hours.</summary>
    public TimeSpan RegistryMismatchWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Recovery requests from one client address whose details did not match an account within
    /// <see cref="RegistryMismatchWindow"/>; past it the address's recovery requests are refused until the window ends.
    /// Wrong details count against the requester, never on the owner's code factor. Default 20.
    /// </summary>
    [Range(1, 1_000_000)] public int RecoveryMismatchesPerAddress { get; set; } = 20;
}

/// <summary>A request body that names the account it is about.</summary>
public interface IAccountRequest
{
    string? AccountIdNumber { get; }
}

public static class RateLimits
{
    public const string PerAddress = "per-address";

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var perMinute = sp.GetRequiredService<IOptions<RateLimitOptions>>().Value.PerAccountPerMinute;
            // One partition per account and address: thousands live at once under load. Each limiter replenishes itself on
            // its own timer, once a window; through GetFixedWindowLimiter the partitioned limiter would replenish every
            // partition itself every 100 ms, which took 3 % of a node's CPU during declarations (issue 32).
            return new AccountRateLimiter(PartitionedRateLimiter.Create<string, string>(account =>
                RateLimitPartition.Get(account, _ => new FixedWindowRateLimiter(Window(perMinute)))));
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            return new RegistryMismatchBudget(PerAddressBudget(options.RegistryMismatchesPerAddress, options.RegistryMismatchWindow), options.RegistryMismatchWindow);
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            return new RecoveryMismatchBudget(PerAddressBudget(options.RecoveryMismatchesPerAddress, options.RegistryMismatchWindow), options.RegistryMismatchWindow);
        });
        services.AddRateLimiter(o =>
        {
            o.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease);
            o.AddPolicy(PerAddress, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.PerAddressPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(http), _ => Window(perMinute));
            });
        });
        return services;
    }

    /// <summary>Both budgets: the client address (middleware) and the account the request names (this filter).</summary>
    public static RouteHandlerBuilder LimitPerAddressAndAccount(this RouteHandlerBuilder route) =>
        route.RequireRateLimiting(PerAddress)
            .AddEndpointFilter(async (context, next) =>
            {
                var account = context.HttpContext.Request.RouteValues["idNumber"] as string
                              ?? context.Arguments.OfType<IAccountRequest>().FirstOrDefault()?.AccountIdNumber;
                if (string.IsNullOrEmpty(account)) return await next(context);
                var limiter = context.HttpContext.RequestServices.GetRequiredService<AccountRateLimiter>();
                using var lease = await limiter.AcquireAsync(context.HttpContext, account);
                if (lease.IsAcquired) return await next(context);
                await RejectAsync(context.HttpContext, lease);
                return Results.Empty;
            })
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// The client's address: the connection's, which the forwarded-headers middleware sets to the client's own when the
    /// request came through a trusted proxy (<c>ForwardedHeaders</c>), so that a proxy is never one citizen.
    /// </summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static PartitionedRateLimiter<string> PerAddressBudget(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true,
        }));

    private static FixedWindowRateLimiterOptions Window(int perMinute) =>
        new() { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };

    /// <summary>The whole seconds a refused lease asks the caller to wait (60 when the limiter does not say).</summary>
    /// <summary>
    /// The per-account request budget of the API (<c>RateLimits:PerAccountPerMinute</c>) for a page's form: the seconds to
    /// wait when it is spent, else null.
    /// </summary>
    public static async Task<int?> AccountBudgetSpentAsync(HttpContext http, string idNumber)
    {
        using var lease = await http.RequestServices.GetRequiredService<AccountRateLimiter>().AcquireAsync(http, idNumber);
        return lease.IsAcquired ? null : RetryAfterSeconds(lease);
    }

    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;

    private static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = RetryAfterSeconds(lease);
        ProblemWriter.RetryAfter(http, retryAfter);
        await ProblemWriter.WriteAsync(http, ErrorCatalogue.RateLimited,
            extensions: [new KeyValuePair<string, object?>("retryAfterSeconds", retryAfter)]);
    }
}

/// <summary>Failures counted per client address: once the address spent its budget, its requests wait for the window to end.</summary>
public abstract record AddressFailureBudget(PartitionedRateLimiter<string> Limiter, TimeSpan Window)
{
    /// <summary>The address spent its budget: its requests wait for the window to end (at most <see cref="Window"/>).</summary>
    public bool Exhausted(HttpContext http) => Limiter.GetStatistics(RateLimits.ClientAddress(http))?.CurrentAvailablePermits <= 0;

    public void Count(HttpContext http) => Limiter.AttemptAcquire(RateLimits.ClientAddress(http)).Dispose();
}

/// <summary>
/// Declarations that did not match the registry, counted per client address, so that the declaration answer is no
/// oracle for guessing names and birth dates (the account grain keeps the same budget per ID number).
/// </summary>
public sealed record RegistryMismatchBudget(PartitionedRateLimiter<string> Limiter, TimeSpan Window) : AddressFailureBudget(Limiter, Window);

/// <summary>
/// Recovery requests whose details matched no account, counted per client address: guessing details is the requester's
/// cost, not a lockout of the owner's codes.
/// </summary>
public sealed record RecoveryMismatchBudget(PartitionedRateLimiter<string> Limiter, TimeSpan Window) : AddressFailureBudget(Limiter, Window);

/// <summary>
/// The per-account budget, shared by every route that names an account, kept per account and client address: a
/// stranger flooding an ID number spends their own partition, and the owner's requests from their own address go on.
/// </summary>
public sealed record AccountRateLimiter(PartitionedRateLimiter<string> Limiter)
{
    public ValueTask<RateLimitLease> AcquireAsync(HttpContext http, string account) =>
        Limiter.AcquireAsync(account + "|" + RateLimits.ClientAddress(http), 1, http.RequestAborted);
}
