using Microsoft.AspNetCore.Authentication;

namespace Orleans.VNeID.Gateway.Hosting;

/// <summary>
/// ASP.NET Core's authentication middleware, without the request-handling schemes on <c>/api</c>. OpenIddict's server is
/// such a scheme: on every request it builds the request's URI and runs its dispatcher to ask whether this is one of its
/// endpoints (<c>/connect/*</c>, <c>/.well-known/*</c>), which none under <c>/api</c> is. That was about 7 % of the
/// gateway's CPU on status reads (profiled, issue 15). Everywhere else, and for the default scheme (the bearer token)
/// everywhere, the middleware is the framework's own.
/// </summary>
internal sealed class ApiAuthentication(RequestDelegate next, IAuthenticationSchemeProvider schemes)
{
    private static readonly PathString ApiPrefix = "/api";

    /// <summary>
    /// In place of <c>UseAuthentication</c>. The property is the one <c>UseAuthentication</c> sets: without it, the web
    /// application would put the framework's middleware at the head of the pipeline as well.
    /// </summary>
    public static IApplicationBuilder Use(IApplicationBuilder app)
    {
        app.Properties["__AuthenticationMiddlewareSet"] = true;
        return app.UseMiddleware<ApiAuthentication>();
    }

    private readonly AuthenticationMiddleware everywhere = new(next, schemes);
    private readonly AuthenticationMiddleware api = new(next, new WithoutRequestHandlers(schemes));

    public Task Invoke(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ApiPrefix) ? api.Invoke(context) : everywhere.Invoke(context);

    /// <summary>The application's schemes, of which none handles requests by itself.</summary>
    private sealed class WithoutRequestHandlers(IAuthenticationSchemeProvider inner) : IAuthenticationSchemeProvider
    {
        private static readonly Task<IEnumerable<AuthenticationScheme>> None = Task.FromResult(Enumerable.Empty<AuthenticationScheme>());

        public Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() => None;
        public Task<IEnumerable<AuthenticationScheme>> GetAllSchemesAsync() => inner.GetAllSchemesAsync();
        public Task<AuthenticationScheme?> GetSchemeAsync(string name) => inner.GetSchemeAsync(name);
        public Task<AuthenticationScheme?> GetDefaultAuthenticateSchemeAsync() => inner.GetDefaultAuthenticateSchemeAsync();
        public Task<AuthenticationScheme?> GetDefaultChallengeSchemeAsync() => inner.GetDefaultChallengeSchemeAsync();
        public Task<AuthenticationScheme?> GetDefaultForbidSchemeAsync() => inner.GetDefaultForbidSchemeAsync();
        public Task<AuthenticationScheme?> GetDefaultSignInSchemeAsync() => inner.GetDefaultSignInSchemeAsync();
        public Task<AuthenticationScheme?> GetDefaultSignOutSchemeAsync() => inner.GetDefaultSignOutSchemeAsync();
        public void AddScheme(AuthenticationScheme scheme) => inner.AddScheme(scheme);
        public bool TryAddScheme(AuthenticationScheme scheme) => inner.TryAddScheme(scheme);
        public void RemoveScheme(string name) => inner.RemoveScheme(name);
    }
}
