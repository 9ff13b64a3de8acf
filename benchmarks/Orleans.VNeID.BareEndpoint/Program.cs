// The ceiling for the status-read benchmark: the same kind of host process (ASP.NET Core minimal API, Kestrel,
// System.Text.Json with string enums) answering the same JSON document with no cluster behind it.
using System.Text.Json;
using System.Text.Json.Serialization;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
var app = builder.Build();
app.MapGet("/api/v1/accounts/{idNumber}/status", (string idNumber) =>
    TypedResults.Ok(new StatusView(idNumber, Status.Level1, Level.Level1, Level.None)));
app.Run();

internal enum Status { Declared, PendingActivation, Level1, Level2, Locked }
internal enum Level { None, Level1, Level2 }
internal sealed record StatusView(string IdNumber, Status Status, Level Level, Level ActivationTarget);
