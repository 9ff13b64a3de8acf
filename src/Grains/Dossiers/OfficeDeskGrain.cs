using Microsoft.Extensions.DependencyInjection;
using Orleans.VNeID.Accounts;
using Orleans.VNeID.Hosting;
using Orleans.VNeID.Identity;
using Orleans.VNeID.Offices;

namespace Orleans.VNeID.Dossiers;

[GenerateSerializer, Alias("vneid.DeskState")]
public sealed class DeskState
{
    [Id(0)] public DateOnly SerialDay { get; set; }
    [Id(1)] public int Serial { get; set; }
    /// <summary>Submission id → dossier code, for idempotent re-submission; pruned after 30 days.</summary>
    [Id(2)] public Dictionary<string, DeskSubmission> Submissions { get; set; } = [];
    /// <summary>Dossiers still open (waiting for a card), with their appointment dates.</summary>
    [Id(3)] public Dictionary<string, OverdueDossier> Open { get; set; } = [];
}

[GenerateSerializer, Alias("vneid.DeskSubmission")]
public sealed record DeskSubmission([property: Id(0)] string DossierCode, [property: Id(1)] DateOnly ReceivedOn);

/// <summary>
/// One police office's reception desk (one grain per office, never one for the whole country): checks the officer's
/// office and the office hours, numbers the day's dossiers and remembers submissions so a re-submission is idempotent.
/// </summary>
public sealed class OfficeDeskGrain(
    [PersistentState("desk", PlatformNames.AccountStorage)] IPersistentState<DeskState> storage,
    OfficeDirectory offices,
    WorkingCalendar calendar,
    [FromKeyedServices(PlatformNames.DomainClock)] TimeProvider clock)
    : Grain, IOfficeDeskGrain
{
    private DeskState State => storage.State;
    private string OfficeCode => this.GetPrimaryKeyString();

    public async Task<DossierResult> SubmitAsync(Actor officer, string officerOffice, OpenDossier dossier)
    {
        if (offices.Find(OfficeCode) is not { } office)
            return Fail(ErrorKind.NotFound, "office_not_found", $"There is no office '{OfficeCode}'.");
        if (officer.Role != ActorRole.Officer || officerOffice != office.Code)
            return Fail(ErrorKind.Forbidden, "cross_office", "An officer receives dossiers only at their own office.");

        if (State.Submissions.TryGetValue(dossier.SubmissionId, out var known) &&
            await GrainFactory.GetGrain<IDossierGrain>(known.DossierCode).GetReceiptAsync() is { } earlier)
            return new DossierResult(earlier, null);

        var now = clock.GetUtcNow();
        if (calendar.WhyClosed(now) is { } closed) return Fail(ErrorKind.Unprocessable, "office_closed", closed);

        var today = VietnamTime.Today(clock);
        if (State.SerialDay != today) { State.SerialDay = today; State.Serial = 0; }
        if (State.Serial >= 99_999) return Fail(ErrorKind.TooManyRequests, "office_day_full", "This office has numbered 99,999 dossiers today.");
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
        return new DossierResult(receipt, null);
    }

    public Task<IReadOnlyList<OverdueDossier>> ListOverdueAsync()
    {
        var today = VietnamTime.Today(clock);
        return Task.FromResult<IReadOnlyList<OverdueDossier>>(
            State.Open.Values.Where(d => d.AppointmentDate < today).OrderBy(d => d.AppointmentDate).ToArray());
    }

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

    private static DossierResult Fail(ErrorKind kind, string code, string detail) => new(null, new AccountError(kind, code, detail));
}
