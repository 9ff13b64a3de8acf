using System.Collections.Frozen;

namespace Orleans.VNeID.Identity;

/// <summary>
/// The codes a passport or travel document can name as its issuer: the ISO 3166-1 alpha-3 country codes, and the codes
/// ICAO 9303 part 3 adds for documents no state issued (United Nations, stateless persons, refugees, the EU laissez-passer).
/// </summary>
public static class Countries
{
    private const string Iso3166Alpha3 =
        "ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM BLR " +
        "BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP " +
        "CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB " +
        "GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN " +
        "KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD " +
        "MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN " +
        "PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM " +
        "SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR " +
        "UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE";

    private const string IcaoOrganisations = "EUE UNA UNK UNO XOM XPO XXA XXB XXC XXX";

    private static readonly FrozenSet<string> Known = Iso3166Alpha3.Split(' ').Concat(IcaoOrganisations.Split(' ')).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> KnownSpans = Known.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>How many codes are known (249 countries and 10 ICAO organisation codes).</summary>
    public static int Count => Known.Count;

    public static bool IsKnown(ReadOnlySpan<char> code) => KnownSpans.Contains(code);
}
