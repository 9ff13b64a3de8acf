using Orleans.VNeID.Web;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>
/// The language of the provider's answers (Vietnamese by default, English with <c>lang=en</c>): the pages themselves
/// live in the web area (<c>src/Web</c>), these are the messages the handlers hand to them.
/// </summary>
public static class ProviderPages
{
    public static bool English(HttpContext http) => WebPage.English(http);

    public static string T(HttpContext http, string vietnamese, string english) => English(http) ? english : vietnamese;
}
