using FluentValidation;

namespace Orleans.VNeID.Gateway.Validation;

/// <summary>The web area's forms are held to the API's own request rules: the same validators, one place for each rule.</summary>
public static class FormRules
{
    /// <summary>Whether <paramref name="request"/> passes the API's validator for its type.</summary>
    public static async Task<bool> ValidAsync<T>(HttpContext http, T request) =>
        (await http.RequestServices.GetRequiredService<IValidator<T>>().ValidateAsync(request, http.RequestAborted)).IsValid;

    /// <summary>The names of the request's fields that fail the API's validator.</summary>
    public static async Task<IReadOnlySet<string>> FailingAsync<T>(HttpContext http, T request) =>
        (await http.RequestServices.GetRequiredService<IValidator<T>>().ValidateAsync(request, http.RequestAborted)).Errors
            .Select(e => e.PropertyName).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
