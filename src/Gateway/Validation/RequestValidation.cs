using System.Text.Json;
using FluentValidation;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Gateway.Cluster;
using Orleans.VNeID.Gateway.Problems;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Gateway.Validation;

/// <summary>Runs the FluentValidation validator of the body type <typeparamref name="T"/> before the handler.</summary>
public sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var body = context.Arguments.OfType<T>().FirstOrDefault();
        if (body is null) return ProblemWriter.Result(ErrorCatalogue.MalformedRequest, "A JSON request body is required.");
        if (StorableText.Problems(body) is { Count: > 0 } unstorable) return ProblemWriter.Validation(unstorable);
        var result = await validator.ValidateAsync(body, context.HttpContext.RequestAborted);
        if (result.IsValid) return await next(context);
        // Field names as the client wrote them (camelCase JSON), not as C# spells them.
        var errors = result.ToDictionary().ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value);
        return ProblemWriter.Validation(errors);
    }
}

/// <summary>Validation and documented problems on routes.</summary>
public static class RequestValidation
{
    /// <summary>Refuses a malformed <c>{idNumber}</c> route value (a personal ID number or a foreigner's passport key) before any grain is called.</summary>
    public static TBuilder ValidateIdNumberRoute<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var raw = context.HttpContext.Request.RouteValues["idNumber"] as string;
            if (!IdentityNumber.TryParse(raw, out var id, out var error))
                return ProblemWriter.Validation(new Dictionary<string, string[]> { ["idNumber"] = [error] });
            // A foreigner's old or renewed passport names the person's one account: the route goes on with its key.
            if (!id.IsCitizen)
            {
                var key = await context.HttpContext.RequestServices.GetRequiredService<IClusterClient>().AccountKeyAsync(raw!);
                if (key != raw)
                {
                    context.HttpContext.Request.RouteValues["idNumber"] = key;
                    for (var i = 0; i < context.Arguments.Count; i++)
                        if (context.Arguments[i] is string argument && argument == raw) context.Arguments[i] = key;
                }
            }
            return await next(context);
        });

    /// <summary>Documents the problem statuses a route can answer besides validation.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.ProducesProblem(status);
        return route;
    }

    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder route) =>
        route.AddEndpointFilter<ValidationFilter<T>>().ProducesValidationProblem();
}
