using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>docs/dossier-states.md, generated from the dossier's lifecycle (<c>vneid-silo state-diagram</c>).</summary>
public static class DossierStateDiagram
{
    public const string RelativePath = "docs/dossier-states.md";

    /// <summary>docs/dossier-states.md, generated from <see cref="DossierLifecycle"/>.</summary>
    public static string Markdown() =>
        $"""
        # Level-2 dossier lifecycle

        Generated from `DossierLifecycle` by `dotnet run --project src/Silo -- state-diagram`; a test fails when this file
        is stale. Do not edit by hand.

        - **Received**: the officer opened it with the citizen present. Who may open one is `DossierEligibility`: consent
          recorded, the person in the population (or immigration) database, old enough, dependents their children under
          14, templates captured.
        - **AwaitingCard**: received with a chip-card application (asked for, or the card presented cannot be used); the
          templates are sealed until the card is issued, then compared with the ones enrolled with it, and a second person
          confirms. Appointment: 7 working days.
        - **Approved**: the biometrics matched and the account took the level-2 upgrade; the code went to the phone.
          Appointment: 3 working days.
        - **Rejected**: not eligible, a mismatch, a suspect capture, or an account that cannot be upgraded (locked).

        ```mermaid
        {DossierLifecycle.ToMermaid().TrimEnd()}
        ```

        """;
}
