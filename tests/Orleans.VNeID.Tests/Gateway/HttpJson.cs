using System.Net.Http.Json;
using System.Text.Json;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>A response's body as JSON, for the HTTP tests (<c>using static</c>).</summary>
internal static class HttpJson
{
    public static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
