using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Grains.Accounts;
using Orleans.VNeID.Dossiers;
using Orleans.VNeID.Grains.Dossiers;
using Orleans.VNeID.Errors;
using Orleans.VNeID.Platform;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Grains.Offices;
using Orleans.VNeID.OfficeDesk;

namespace Orleans.VNeID.Grains.OfficeDesk;

/// <summary>
/// One police office's reception desk (one grain per office, never one for the whole country): checks the officer's
/// office and the office hours, numbers the day's dossiers and remembers submissions so a re-submission is idempotent.
/// </summary>
public sealed class OfficeDeskGrain(
    [PersistentState("desk", PlatformNames.AccountStorage)] IPersistentState<DeskState> storage,
    OfficeDirectory offices,
    WorkingCalendar calendar,
    CaptureDevices devices,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock)
    : Grain, IOfficeDeskGrain
{
    private DeskState State => storage.State;
    private string OfficeCode => this.GetPrimaryKeyString();

    public async Task<Result<DossierReceipt>> SubmitAsync(Actor officer, string officerOffice, OpenDossier dossier)
    {
        if (offices.Find(OfficeCode) is not { } office)
            return ErrorCatalogue.OfficeNotFound.Refuse($"There is no office '{OfficeCode}'.");
        if (officer.Role != ActorRole.Officer || officerOffice != office.Code)
            return ErrorCatalogue.CrossOffice.Refuse("An officer receives dossiers only at their own office.");

        if (State.Submissions.TryGetValue(dossier.SubmissionId, out var known) &&
            await GrainFactory.GetGrain<IDossierGrain>(known.DossierCode).GetReceiptAsync() is { } earlier)
            return Result.Ok(earlier);

        var now = clock.GetUtcNow();
        if (calendar.WhyClosed(now) is { } closed) return ErrorCatalogue.OfficeClosed.Refuse(closed);
        // Templates only from a capture device of this office, for this citizen, moments ago: refused before a number is taken.
        if (devices.Refusal(office.Code, dossier.IdNumber, dossier.Portrait, dossier.Fingerprint, dossier.Signature, now) is { } untrusted)
            return untrusted;

        var today = VietnamTime.Today(clock);
        if (State.SerialDay != today) { State.SerialDay = today; State.Serial = 0; }
        if (State.Serial >= 99_999) return ErrorCatalogue.OfficeDayFull.Refuse("This office has numbered 99,999 dossiers today.");
        var code = known?.DossierCode ?? DossierCode.Create(today, office.Number, ++State.Serial).Value;
        State.Submissions[dossier.SubmissionId] = new DeskSubmission(code, today);
        foreach (var old in State.Submissions.Where(s => s.Value.ReceivedOn < today.AddDays(-30)).Select(s => s.Key).ToArray())
            State.Submissions.Remove(old);
        // The number is taken durably before the dossier exists: a crash in between re-opens the same code on retry.
        await storage.WriteStateAsync();

        var receipt = await GrainFactory.GetGrain<IDossierGrain>(code).OpenAsync(office.Code, officer, now, dossier);
        if (receipt.Status == DossierStatus.AwaitingCard)
        {
            State.Open[code] = new OverdueDossier(code, receipt.AppointmentDate, receipt.Status);
            await storage.WriteStateAsync();
        }
        return Result.Ok(receipt);
    }

    public Task<IReadOnlyList<OverdueDossier>> ListOverdueAsync()
    {
        var today = VietnamTime.Today(clock);
        return Task.FromResult<IReadOnlyList<OverdueDossier>>(
            State.Open.Values.Where(d => d.AppointmentDate < today).OrderBy(d => d.AppointmentDate).ToArray());
    }

    public Task<IReadOnlyList<OverdueDossier>> ListOpenAsync() =>
        Task.FromResult<IReadOnlyList<OverdueDossier>>(State.Open.Values.OrderBy(d => d.AppointmentDate).ThenBy(d => d.DossierCode, StringComparer.Ordinal).ToArray());

    public async Task DossierUpdatedAsync(string dossierCode, DossierStatus status, DateOnly appointmentDate, bool open)
    {
        var changed = open
            ? !State.Open.TryGetValue(dossierCode, out var known) || known.Status != status
            : State.Open.ContainsKey(dossierCode);
        if (!changed) return;
        if (open) State.Open[dossierCode] = new OverdueDossier(dossierCode, appointmentDate, status);
        else State.Open.Remove(dossierCode);
        await storage.WriteStateAsync();
    }
}
