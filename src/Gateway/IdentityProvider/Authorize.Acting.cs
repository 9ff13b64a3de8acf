using Microsoft.Extensions.Options;
using Orleans.VNeID.Web;
using Orleans.VNeID.Web.Provider;

namespace Orleans.VNeID.Gateway.IdentityProvider;

/// <summary>The authorization endpoint's choice of whom the citizen signs in for (<see cref="ActingFor"/>).</summary>
public static partial class Authorize
{
    /// <summary>
    /// For whom the citizen signs in: nothing to choose (no organisation asked for, no child a delegating relying party
    /// may see) is "for myself"; a choice the request carries (<see cref="ActingFor.Parameter"/>, protected and bound to
    /// this sign-in) is checked against what the citizen may choose now; otherwise the choice page (or, for a request
    /// that may show no page, "for myself").
    /// </summary>
    private static async Task<(Flow? Flow, IResult? Page)> ChooseAsync(HttpContext http, IServiceProvider services, Flow flow, bool silent)
    {
        var options = await ActingFor.OptionsAsync(services.GetRequiredService<IClusterClient>(), flow.Client, flow.Release, flow.View);
        if (!options.Any) return (flow, null);
        var carried = http.Request.HasFormContentType ? http.Request.Form[ActingFor.Parameter].FirstOrDefault() : http.Request.Query[ActingFor.Parameter].FirstOrDefault();
        var choice = ActingFor.Unprotect(services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), carried, flow.SessionId);
        if (choice == "self" || (choice is null && silent)) return (flow, null);
        if (choice is not null && options.Find(choice) is { } acting)
        {
            var subject = acting.Child is { } child
                ? ProviderClaims.Subject(services.GetRequiredService<IOptions<OidcOptions>>().Value, flow.Client, child.IdNumber)
                : flow.Subject;
            return (flow with { For = acting, Subject = subject }, null);
        }
        return (null, ChoicePage(http, flow, options));
    }

    /// <summary>The citizen chose on the choice page: back to the authorization request, carrying the choice.</summary>
    private static async Task<IResult> ChosenAsync(HttpContext http, IServiceProvider services)
    {
        if (await OpenAsync(http, services) is not { } flow) return await SignInAgainAsync(http, services);
        var options = await ActingFor.OptionsAsync(services.GetRequiredService<IClusterClient>(), flow.Client, flow.Release, flow.View);
        var picked = http.Request.Form["for"].FirstOrDefault() ?? "";
        if (picked != "self" && options.Find(picked) is null) return ChoicePage(http, flow, options);
        var carried = ActingFor.Protect(services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), flow.SessionId, picked);
        return Results.Redirect("/connect/authorize" + QueryString.Create([
            .. RequestParameters(http, "decision", "for", ActingFor.Parameter), new(ActingFor.Parameter, carried)]));
    }

    private static IResult ChoicePage(HttpContext http, Flow flow, ActingFor.Options options)
    {
        var english = WebPage.English(http);
        string T(string vi, string en) => english ? en : vi;
        var choices = new List<ActingChoice> { new(0, "self", T($"Cho chính tôi ({flow.View.FullName})", $"For myself ({flow.View.FullName})"), T("Tài khoản của bạn.", "Your own account.")) };
        foreach (var organisation in options.Organisations)
            choices.Add(new(choices.Count, $"organization:{organisation.Identifier}",
                T($"Cho tổ chức {organisation.Name}", $"For the organisation {organisation.EnglishName}"),
                organisation.Role == Orleans.VNeID.Organisations.OrganisationRole.LegalRepresentative
                    ? T($"Mã số {organisation.Identifier} · bạn là người đại diện theo pháp luật", $"Code {organisation.Identifier} · you are its legal representative")
                    : T($"Mã số {organisation.Identifier} · được uỷ quyền đến hết ngày {organisation.ExpiresOn:dd/MM/yyyy}",
                        $"Code {organisation.Identifier} · authorised until {organisation.ExpiresOn:yyyy-MM-dd}")));
        foreach (var child in options.Children)
            choices.Add(new(choices.Count, $"child:{child.IdNumber}",
                T($"Thay mặt con: {child.FullName}", $"On behalf of your child: {child.FullName}"),
                T($"Sinh ngày {child.DateOfBirth:dd/MM/yyyy}, dưới 14 tuổi", $"Born {child.DateOfBirth:yyyy-MM-dd}, under 14")));
        return WebPage.Render<ActingChoicePage>(http, new Dictionary<string, object?>
        {
            ["ClientName"] = flow.Client.DisplayName ?? flow.Client.ClientId, ["Choices"] = choices,
            ["Hidden"] = RequestParameters(http, "decision", "lang", "for", ActingFor.Parameter),
        });
    }

    private static IEnumerable<string> ActingLines(HttpContext http, ActingFor.Acting? acting)
    {
        var english = WebPage.English(http);
        if (acting?.Child is { } child)
            yield return english
                ? $"You sign in on behalf of your child {child.FullName}: the service receives the child's information, and you as the parent acting"
                : $"Bạn đăng nhập thay mặt con {child.FullName}: dịch vụ nhận thông tin của trẻ, và bạn là cha/mẹ đại diện";
        if (acting?.Organisation is { } organisation)
            yield return english
                ? $"You sign in for {organisation.EnglishName} ({organisation.Identifier})"
                : $"Bạn đăng nhập cho {organisation.Name} (mã số {organisation.Identifier})";
    }
}
