using Stateless;
using Stateless.Graph;

using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>Where a level-2 dossier stands: received (not yet decided), waiting for its card, approved or rejected.</summary>
public enum DossierStage
{
    Received,
    AwaitingCard,
    Approved,
    Rejected,
}

/// <summary>What moves a dossier.</summary>
public enum DossierTrigger
{
    /// <summary>The biometrics matched (now, or against the card issued) and the account took the level-2 upgrade.</summary>
    Approve,
    /// <summary>Not eligible, the biometrics did not match, or the account refused the upgrade.</summary>
    Reject,
    /// <summary>Received with a chip-card application: decided when the card is issued.</summary>
    AwaitCard,
}

/// <summary>
/// A dossier's lifecycle as a Stateless machine, like the account's: a received dossier is approved, rejected or waits for
/// its card; a dossier waiting for its card is approved or rejected when the card is issued; approved and rejected are
/// final. A decision the machine does not permit throws, so no code path can move a decided dossier.
/// </summary>
public sealed class DossierLifecycle
{
    private DossierStage _stage;
    private readonly StateMachine<DossierStage, DossierTrigger> _machine;

    public DossierLifecycle(DossierStage stage)
    {
        _stage = stage;
        _machine = new StateMachine<DossierStage, DossierTrigger>(() => _stage, s => _stage = s);
        Configure(_machine);
    }

    public DossierStage Stage => _stage;

    /// <summary>The stage of a stored dossier (one not stored yet is <see cref="DossierStage.Received"/>).</summary>
    public static DossierStage StageOf(DossierStatus status) => status switch
    {
        DossierStatus.AwaitingCard => DossierStage.AwaitingCard,
        DossierStatus.Rejected => DossierStage.Rejected,
        _ => DossierStage.Approved,
    };

    /// <summary>Moves the dossier to <paramref name="status"/>; throws when the machine does not permit it from here.</summary>
    public DossierStatus Decide(DossierStatus status)
    {
        _machine.Fire(status switch
        {
            DossierStatus.Approved => DossierTrigger.Approve,
            DossierStatus.Rejected => DossierTrigger.Reject,
            _ => DossierTrigger.AwaitCard,
        });
        return status;
    }

    public bool CanDecide(DossierStatus status) => _machine.CanFire(status switch
    {
        DossierStatus.Approved => DossierTrigger.Approve,
        DossierStatus.Rejected => DossierTrigger.Reject,
        _ => DossierTrigger.AwaitCard,
    });

    private static void Configure(StateMachine<DossierStage, DossierTrigger> machine)
    {
        machine.Configure(DossierStage.Received)
            .Permit(DossierTrigger.Approve, DossierStage.Approved)
            .Permit(DossierTrigger.Reject, DossierStage.Rejected)
            .Permit(DossierTrigger.AwaitCard, DossierStage.AwaitingCard);
        machine.Configure(DossierStage.AwaitingCard)
            .Permit(DossierTrigger.Approve, DossierStage.Approved)
            .Permit(DossierTrigger.Reject, DossierStage.Rejected);
        machine.Configure(DossierStage.Approved);
        machine.Configure(DossierStage.Rejected);
    }

    public static string ToMermaid()
    {
        var machine = new StateMachine<DossierStage, DossierTrigger>(DossierStage.Received);
        Configure(machine);
        return MermaidGraph.Format(machine.GetInfo());
    }
}
