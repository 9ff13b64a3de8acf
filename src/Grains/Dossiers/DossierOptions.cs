using System.ComponentModel.DataAnnotations;
using Orleans.VNeID.Dossiers;

namespace Orleans.VNeID.Grains.Dossiers;

/// <summary>
/// The level-2 dossier's deadlines (docs/domain.md, "The procedures"): at most 3 working days when the citizen holds a
/// valid chip card, at most 7 when the card is applied for at the same time. Section <c>Dossiers</c>.
/// </summary>
public sealed class DossierOptions
{
    public const string Section = "Dossiers";

    /// <summary>Working days from reception to the appointment when a valid card is held. Default 3.</summary>
    [Range(1, 10)] public int DeadlineWithCard { get; set; } = 3;

    /// <summary>Working days from reception to the appointment with a chip-card application. Default 7 (at most 10: the calendar's horizon).</summary>
    [Range(1, 10)] public int DeadlineWithCardApplication { get; set; } = 7;
}
