using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.VNeID.Grains.Storage;

/// <summary>
/// Grain storage is JSON that names each state's type (<c>"$type": "Orleans.VNeID.Accounts.AccountState,
/// Orleans.VNeID.Grains"</c>). The silo's types now live in <c>Orleans.VNeID.Grains.&lt;Capability&gt;</c>; the storage keeps
/// writing and reading the names they were stored under, so that every row already stored loads, and silos of the
/// previous version read what this one writes during a rolling restart. Only names of the Grains assembly's types change.
/// </summary>
public sealed partial class StoredTypeNames(ISerializationBinder inner) : ISerializationBinder
{
    private const string GrainsAssembly = "Orleans.VNeID.Grains";

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
    {
        inner.BindToName(serializedType, out assemblyName, out typeName);
        // Only the Grains assembly's namespaces start with Orleans.VNeID.Grains.
        if (typeName is not null) typeName = typeName.Replace("Orleans.VNeID.Grains.", "Orleans.VNeID.", StringComparison.Ordinal);
    }

    public Type BindToType(string? assemblyName, string typeName)
    {
        // Generic arguments name their assembly: [[Orleans.VNeID.Accounts.X, Orleans.VNeID.Grains]].
        var name = StoredArgument().Replace(typeName, m => $"Orleans.VNeID.Grains.{m.Groups["type"].Value}{m.Groups["assembly"].Value}");
        // The type itself names its assembly apart.
        if (IsGrains(assemblyName) && name.StartsWith("Orleans.VNeID.", StringComparison.Ordinal) && !name.StartsWith("Orleans.VNeID.Grains.", StringComparison.Ordinal))
            name = "Orleans.VNeID.Grains." + name["Orleans.VNeID.".Length..];
        return inner.BindToType(assemblyName, name);
    }

    private static bool IsGrains(string? assemblyName) =>
        assemblyName is not null && (assemblyName == GrainsAssembly || assemblyName.StartsWith(GrainsAssembly + ",", StringComparison.Ordinal));

    /// <summary>
    /// The grain storage serializer: Orleans' JSON one, its binder wrapped. Registered as <see cref="IGrainStorageSerializer"/>;
    /// <see cref="Verify"/> checks at start that the host's storage writes the stored names.
    /// </summary>
    public static IGrainStorageSerializer Serializer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<OrleansJsonSerializerOptions>>().Value;
        if (options.JsonSerializerSettings.SerializationBinder is { } binder and not StoredTypeNames)
            options.JsonSerializerSettings.SerializationBinder = new StoredTypeNames(binder);
        return new JsonGrainStorageSerializer(new OrleansJsonSerializer(Options.Create(options)));
    }

    /// <summary>Throws unless <paramref name="serializer"/> writes a state of the Grains assembly under its stored name.</summary>
    public static void Verify(IGrainStorageSerializer serializer, object state)
    {
        var json = Encoding.UTF8.GetString(serializer.Serialize(state).ToArray());
        var stored = state.GetType().FullName!.Replace("Orleans.VNeID.Grains.", "Orleans.VNeID.", StringComparison.Ordinal);
        if (!json.Contains($"\"{stored}, {GrainsAssembly}\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"Grain storage would write {state.GetType().FullName} under a name older rows do not use: {json[..Math.Min(json.Length, 200)]}");
    }

    [GeneratedRegex(@"Orleans\.VNeID\.(?!Grains\.)(?<type>[A-Za-z][\w.`+]*)(?<assembly>, ?Orleans\.VNeID\.Grains)(?=[,\]])")]
    private static partial Regex StoredArgument();
}
