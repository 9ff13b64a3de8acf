using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orleans.VNeID.Gateway.Hosting;

/// <summary>Declares the JWT bearer scheme in the OpenAPI document, so the API page can send a token.</summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Orleans.VNeID API";
        document.Info.Description = "Electronic identification accounts (VNeID): level-1 registration, activation, login, lock and unlock.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/v1/sessions or POST /api/v1/service-tokens.",
        };
        return Task.CompletedTask;
    }
}

/// <summary>
/// Marks each operation that needs a token with the bearer requirement, so that the document itself says which routes
/// are anonymous (the enumeration test walks exactly those).
/// </summary>
public sealed class BearerRequirementTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
        if (!anonymous && metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
        }
        return Task.CompletedTask;
    }
}
