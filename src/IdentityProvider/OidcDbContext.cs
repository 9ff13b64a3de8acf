using Microsoft.EntityFrameworkCore;

namespace Orleans.VNeID.IdentityProvider;

/// <summary>
/// OpenIddict's applications (relying parties), authorizations, scopes and tokens, in the <c>oidc</c> schema of the
/// platform's database. The schema is created by the platform's own migration (<c>006_oidc.sql</c>), never by EF Core.
/// </summary>
public sealed class OidcDbContext(DbContextOptions<OidcDbContext> options) : DbContext(options)
{
    public const string Schema = "oidc";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
    }
}
