using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Identity;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>Papers added during the dossier's visit: the citizen present, at the dossier's office, that day, in its hours.</summary>
public sealed partial class DossierGrain
{
    public async Task<Result<IReadOnlyList<IntegratedDocument>>> AddPaperAsync(Actor officer, string? officerOffice, DocumentKind kind, string number)
    {
        if (!storage.RecordExists) return ErrorCatalogue.DossierNotFound.Refuse("There is no such dossier.");
        if (officer.Role != ActorRole.Officer) return ErrorCatalogue.Forbidden.Refuse();
        if (officerOffice != State.OfficeCode) return ErrorCatalogue.CrossOffice.Refuse();
        var now = clock.GetUtcNow();
        var receivedOn = DateOnly.FromDateTime(State.ReceivedAt.ToOffset(VietnamTime.Offset).DateTime);
        if (State.Status == DossierStatus.Rejected || receivedOn != VietnamTime.Today(clock) || calendar.WhyClosed(now) is not null)
            return ErrorCatalogue.DossierNotOpen.Refuse();
        return await GrainFactory.GetGrain<ICitizenAccountGrain>(State.IdNumber)
            .AddDocumentAsync(new IntegratedDocument(kind, number, "", null, null, officer.Id, State.OfficeCode));
    }
}
