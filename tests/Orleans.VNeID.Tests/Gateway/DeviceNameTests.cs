using Orleans.VNeID.Gateway.Sessions;

namespace Orleans.VNeID.Tests.Gateway;

/// <summary>The name an owner recognises a session by, from its User-Agent; nothing recognised is no name.</summary>
public class DeviceNameTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome · Linux")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0", "Edge · Windows")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1", "Safari · iOS")]
    [InlineData("Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox · Android")]
    [InlineData("curl/8.5.0", "curl")]
    [InlineData("VNeID/4.2 (internal build)", null)]
    [InlineData("", null)]
    public void A_user_agent_is_named_by_browser_and_system(string userAgent, string? expected) =>
        Assert.Equal(expected, DeviceName.From(userAgent));
}
