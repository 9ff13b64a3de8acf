using System.Globalization;
using Orleans.VNeID.Identity;

namespace Orleans.VNeID.Grains.Offices;

/// <summary>Public holidays and reception hours. Section <c>Calendar</c> (config/calendar.json).</summary>
public sealed class CalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>Public holidays (Vietnamese dates), Tết included; weekends need not be listed.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>
    /// Make-up working days (ngày làm bù): a Saturday or Sunday worked in exchange for a weekday given off around a
    /// holiday. A working day with weekday office hours.
    /// </summary>
    public List<DateOnly> MakeUpWorkingDays { get; set; } = [];

    /// <summary>
    /// The last year whose holidays are configured; the calendar answers nothing past it, offices stop receiving dossiers
    /// 31 days before its end (naming the missing year), and silos warn at start when fewer than 60 days remain. Default:
    /// the latest holiday's year. (config/calendar.json fills in only 2025's make-up day; later years' are to be added.)
    /// </summary>
    public int? LastYear { get; set; }

    /// <summary>Monday-Friday reception periods, "HH:mm-HH:mm". Default 07:30-11:30 and 13:30-17:00.</summary>
    public List<string> WeekdayHours { get; set; } = [];

    /// <summary>Saturday reception periods (the morning). Default 07:30-11:30.</summary>
    public List<string> SaturdayHours { get; set; } = [];
}

/// <summary>
/// Working days (Monday-Friday except public holidays) for dossier deadlines, and office hours (Monday-Friday business
/// hours and Saturday morning, never on a holiday) for receiving dossiers (docs/domain.md, "The procedures"). Times are Vietnamese.
/// </summary>
public sealed class WorkingCalendar
{
    private static readonly (TimeOnly, TimeOnly)[] DefaultWeekday = [(new(7, 30), new(11, 30)), (new(13, 30), new(17, 0))];
    private static readonly (TimeOnly, TimeOnly)[] DefaultSaturday = [(new(7, 30), new(11, 30))];

    /// <summary>How long a dossier's deadline may run past the day it is received: 7 working days never exceed it, Tết included.</summary>
    public static readonly int DeadlineHorizonDays = 31;

    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _makeUpDays;
    private readonly (TimeOnly From, TimeOnly To)[] _weekday;
    private readonly (TimeOnly From, TimeOnly To)[] _saturday;

    public WorkingCalendar(CalendarOptions options)
    {
        _holidays = [.. options.Holidays];
        _makeUpDays = [.. options.MakeUpWorkingDays];
        // No holidays configured at all (a test, a deployment without them): no year is missing.
        LastYear = options.LastYear ?? (options.Holidays.Count > 0 ? options.Holidays.Max(d => d.Year) : DateOnly.MaxValue.Year - 1);
        _weekday = options.WeekdayHours.Count > 0 ? options.WeekdayHours.Select(ParsePeriod).ToArray() : DefaultWeekday;
        _saturday = options.SaturdayHours.Count > 0 ? options.SaturdayHours.Select(ParsePeriod).ToArray() : DefaultSaturday;
    }

    /// <summary>The last year the calendar knows; <see cref="CalendarYearMissingException"/> past it.</summary>
    public int LastYear { get; }

    /// <summary>Days from <paramref name="today"/> to the end of <see cref="LastYear"/> (negative once past it).</summary>
    public int DaysLeft(DateOnly today) => new DateOnly(LastYear, 12, 31).DayNumber - today.DayNumber;

    public bool IsHoliday(DateOnly date) => _holidays.Contains(Known(date));

    public bool IsMakeUpWorkingDay(DateOnly date) => _makeUpDays.Contains(Known(date));

    public bool IsWorkingDay(DateOnly date) =>
        IsMakeUpWorkingDay(date) || date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !IsHoliday(date);

    /// <summary>The date itself, when its year is configured.</summary>
    private DateOnly Known(DateOnly date) => date.Year <= LastYear ? date : throw new CalendarYearMissingException(date.Year);

    /// <summary>The date <paramref name="workingDays"/> working days after <paramref name="from"/> (which itself does not count).</summary>
    public DateOnly AddWorkingDays(DateOnly from, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var date = from;
        for (var counted = 0; counted < workingDays;)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date)) counted++;
        }
        return date;
    }

    /// <summary>Whether an office receives dossiers at this instant.</summary>
    public bool IsOpen(DateTimeOffset instant) => WhyClosed(instant) is null;

    /// <summary>Null when open; otherwise why not, in words for the officer.</summary>
    public string? WhyClosed(DateTimeOffset instant)
    {
        var local = instant.ToOffset(VietnamTime.Offset);
        var date = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        // A dossier received today has its appointment within the horizon: that year's holidays must be known.
        if (date.AddDays(DeadlineHorizonDays).Year > LastYear)
            return $"The working-day calendar (config/calendar.json) has no holidays for {LastYear + 1} yet, so no appointment date " +
                   "can be set: dossiers are received again once the operators add that year.";
        if (IsHoliday(date)) return $"{date:yyyy-MM-dd} is a public holiday: dossiers are not received.";
        var periods = IsMakeUpWorkingDay(date) ? _weekday : date.DayOfWeek switch
        {
            DayOfWeek.Sunday => [],
            DayOfWeek.Saturday => _saturday,
            _ => _weekday,
        };
        if (periods.Any(p => time >= p.From && time < p.To)) return null;
        var hours = date.DayOfWeek == DayOfWeek.Sunday
            ? "Sunday: offices are closed"
            : string.Join(", ", periods.Select(p => $"{p.From:HH\\:mm}-{p.To:HH\\:mm}"));
        return $"Dossiers are received only in office hours ({date.DayOfWeek} {hours}); it is {local:HH:mm} in Vietnam.";
    }

    private static (TimeOnly, TimeOnly) ParsePeriod(string text)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        return (TimeOnly.ParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture), TimeOnly.ParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture));
    }
}

/// <summary>A date past the last year of config/calendar.json: its holidays are unknown, so no working day can be counted.</summary>
public sealed class CalendarYearMissingException(int year)
    : InvalidOperationException($"The working-day calendar (config/calendar.json, Calendar:Holidays) has no holidays for {year}; add that year.")
{
    public int Year { get; } = year;
}
