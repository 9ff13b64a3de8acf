using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Orleans.VNeID.IdentityProvider;

/// <summary>
/// OpenIddict's applications (relying parties), authorizations, scopes and tokens, in the <c>oidc</c> schema of the
/// platform's database, and the gateways' shared Data Protection keys. The schema is created by the platform's own
/// migrations (<c>006_oidc.sql</c>, <c>017_data_protection_keys.sql</c>), never by EF Core.
/// </summary>
public sealed class OidcDbContext(DbContextOptions<OidcDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Schema = "oidc";

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<DataProtectionKey>(key =>
        {
            key.ToTable("data_protection_keys");
            key.Property(k => k.Id).HasColumnName("id");
            key.Property(k => k.FriendlyName).HasColumnName("friendly_name");
            key.Property(k => k.Xml).HasColumnName("xml");
        });
    }
}
