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

    /// <summary>Requests per minute naming one account on those routes. Default 30: above the brute-force hard cap, so lockout, not the budget, decides.</summary>
    [Range(1, 1_000_000)] public int PerAccountPerMinute { get; set; } = 30;

    /// <summary>
    /// Declarations from one client address that may fail to match the population database within
    /// <see cref="RegistryMismatchWindow"/>; past it the address's declarations are refused until the window ends. Default 20.
    /// </summary>
    [Range(1, 1_000_000)] public int RegistryMismatchesPerAddress { get; set; } = 20;

    /// <summary>The window of <see cref="RegistryMismatchesPerAddress"/>. Default 24 hours.</summary>
    public TimeSpan RegistryMismatchWindow { get; set; } = TimeSpan.FromHours(24);
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
            return new AccountRateLimiter(PartitionedRateLimiter.Create<string, string>(account =>
                RateLimitPartition.GetFixedWindowLimiter(account, _ => Window(perMinute))));
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            return new RegistryMismatchBudget(PartitionedRateLimiter.Create<string, string>(address =>
                RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RegistryMismatchesPerAddress, Window = options.RegistryMismatchWindow, QueueLimit = 0, AutoReplenishment = true,
                })), options.RegistryMismatchWindow);
        });
        services.AddRateLimiter(o =>
        {
            o.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease);
            o.AddPolicy(PerAddress, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.PerAddressPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => Window(perMinute));
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
                using var lease = await limiter.Limiter.AcquireAsync(account, 1, context.HttpContext.RequestAborted);
                if (lease.IsAcquired) return await next(context);
                await RejectAsync(context.HttpContext, lease);
                return Results.Empty;
            })
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static FixedWindowRateLimiterOptions Window(int perMinute) =>
        new() { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };

    /// <summary>The whole seconds a refused lease asks the caller to wait (60 when the limiter does not say).</summary>
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

/// <summary>
/// Declarations that did not match the registry, counted per client address, so that the declaration answer is no
/// oracle for guessing names and birth dates (the account grain keeps the same budget per ID number).
/// </summary>
public sealed record RegistryMismatchBudget(PartitionedRateLimiter<string> Limiter, TimeSpan Window)
{
    /// <summary>The address spent its budget: its declarations wait for the window to end (at most <see cref="Window"/>).</summary>
    public bool Exhausted(HttpContext http) => Limiter.GetStatistics(Address(http))?.CurrentAvailablePermits <= 0;

    public void Count(HttpContext http) => Limiter.AttemptAcquire(Address(http)).Dispose();

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>The per-account budget, shared by every route that names an account.</summary>
public sealed record AccountRateLimiter(PartitionedRateLimiter<string> Limiter);
