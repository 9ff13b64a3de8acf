using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Orleans.VNeID.Grains.Chips;

/// <summary>
/// The LDS security object of ICAO 9303 part 10 (the content EF.SOD signs): the hash algorithm and one hash per data group.
/// <code>
/// LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm AlgorithmIdentifier,
///                                  dataGroupHashValues SEQUENCE OF SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING } }
/// </code>
/// </summary>
public sealed record SecurityObject(HashAlgorithmName Algorithm, IReadOnlyDictionary<int, byte[]> Hashes)
{
    /// <summary>id-icao-mrtd-security-ldsSecurityObject, the eContentType of EF.SOD.</summary>
    public const string ContentType = "2.23.136.1.1.1";

    /// <summary>EF.SOD's own tag (77) around the CMS ContentInfo.</summary>
    public static readonly Asn1Tag SodTag = new(TagClass.Application, 23, isConstructed: true);

    private static readonly Dictionary<string, HashAlgorithmName> ByOid = new()
    {
        ["2.16.840.1.101.3.4.2.1"] = HashAlgorithmName.SHA256,
        ["2.16.840.1.101.3.4.2.2"] = HashAlgorithmName.SHA384,
        ["2.16.840.1.101.3.4.2.3"] = HashAlgorithmName.SHA512,
    };

    public static byte[] Hash(HashAlgorithmName algorithm, byte[] dataGroup) =>
        algorithm == HashAlgorithmName.SHA512 ? SHA512.HashData(dataGroup)
        : algorithm == HashAlgorithmName.SHA384 ? SHA384.HashData(dataGroup)
        : SHA256.HashData(dataGroup);

    /// <summary>The security object over <paramref name="dataGroups"/>, hashed with SHA-256.</summary>
    public static byte[] Encode(IReadOnlyDictionary<int, byte[]> dataGroups)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence()) writer.WriteObjectIdentifier("2.16.840.1.101.3.4.2.1");
            using (writer.PushSequence())
            {
                foreach (var (number, content) in dataGroups.OrderBy(d => d.Key))
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteInteger(number);
                        writer.WriteOctetString(SHA256.HashData(content));
                    }
                }
            }
        }
        return writer.Encode();
    }

    public static SecurityObject Decode(ReadOnlyMemory<byte> encoded)
    {
        var outer = new AsnReader(encoded, AsnEncodingRules.DER);
        var sequence = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        if (!sequence.TryReadInt32(out var version) || version is not (0 or 1)) throw new CryptographicException("Unknown LDS security object version.");
        var algorithm = sequence.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        if (!ByOid.TryGetValue(oid, out var name)) throw new CryptographicException($"Unsupported data group hash algorithm {oid}.");
        if (algorithm.HasData) algorithm.ReadNull();
        var hashes = new Dictionary<int, byte[]>();
        var values = sequence.ReadSequence();
        while (values.HasData)
        {
            var entry = values.ReadSequence();
            if (!entry.TryReadInt32(out var number) || number is < 1 or > 16) throw new CryptographicException("A data group number is out of range.");
            if (!hashes.TryAdd(number, entry.ReadOctetString())) throw new CryptographicException($"Data group {number} is hashed twice.");
            entry.ThrowIfNotEmpty();
        }
        return new SecurityObject(name, hashes);
    }
}
