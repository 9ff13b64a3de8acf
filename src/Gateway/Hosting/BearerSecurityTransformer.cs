using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orleans.VNeID.Gateway.Hosting;

/// <summary>Declares the JWT bearer scheme in the OpenAPI document, so the API page can send a token.</summary>
public sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    /// <summary>What each group of operations is for, as the API page shows it.</summary>
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Accounts"] = "Level-1 declaration and activation, the account as its owner and staff read it, contacts, lock and unlock, passkeys, papers.",
        ["Sessions"] = "Citizens' logins (password, step-up code, passkey, a phone approving a QR), refresh and logout; staff service tokens.",
        ["Recovery"] = "A forgotten password: by the personal details, by the chip card's NFC read, or at a police office.",
        ["Organisations"] = "Organisations' e-ID accounts: registered, activated and locked by their legal representative, who authorises others to act for them.",
        ["Level 2"] = "Level-2 dossiers received in person at a police office, their papers and their cards; the public dossier look-up.",
        ["Events"] = "The account-events feed and its counts, for operators.",
        ["Credentials"] = "The e-ID and the wallet's papers as verifiable credentials (OpenID for Verifiable Credential Issuance).",
        ["Development"] = "Development only: the messages sent, the desk's simulated capture, the demo staff codes. Absent outside Development.",
    };

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
        // A relative base (no trailing slash): the paths carry their own leading slash.
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in document.Tags) tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
        return Task.CompletedTask;
    }
}

/// <summary>
/// Marks each operation that needs a token with the bearer requirement, and every other with an empty requirement, so
/// that the document itself says which routes are anonymous (the enumeration test walks exactly those).
/// </summary>
public sealed class BearerRequirementTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
        operation.Security ??= [];
        if (!anonymous && metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any())
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
        // Otherwise an explicit empty list: the operation needs no token (OpenAPI 3.1 §4.8.10, "security": []).
        return Task.CompletedTask;
    }
}

/// <summary>
/// Describes the <c>{idNumber}</c> route value once for every route: a citizen's personal ID number or a foreigner's
/// passport key, with the pattern either must match.
/// </summary>
public sealed class IdNumberParameterTransformer : IOpenApiOperationTransformer
{
    public const string Description =
        "The account's name: a citizen's 12-digit personal ID number (digits 1-3: the province, or the country abroad, where the birth " +
        "was registered), or a foreigner's passport or travel document as the issuing country's ISO 3166-1 alpha-3 code, a hyphen and " +
        "the document number in capitals (e.g. FRA-18AB12345).";

    public const string Pattern = "^([0-9]{12}|[A-Z]{3}-[A-Z0-9]{1,15})$";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { Name: "idNumber" } id)
            {
                id.Description = Description;
                if (id.Schema is OpenApiSchema schema) schema.Pattern = Pattern;
            }
        }
        return Task.CompletedTask;
    }
}
