using Orleans.VNeID.Notifications;

namespace Orleans.VNeID.Grains.Notifications;

/// <summary>Events and the message outbox. Section <c>Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>How often an account retries events whose delivery failed. Default 1 minute (the reminder minimum).</summary>
    public TimeSpan RedriveInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether sent messages can be read back (the Development message list). Default false.</summary>
    public bool AllowReadBack { get; set; }
}
