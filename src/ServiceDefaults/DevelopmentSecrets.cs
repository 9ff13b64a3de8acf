namespace Orleans.VNeID.ServiceDefaults;

/// <summary>
/// Development's generated keys and certificates, kept in the checkout's git-ignored <c>.local/oidc/</c> so every process
/// started from it uses the same ones: made once (readable by the owner only), and when two processes start together,
/// the first file moved into place wins and both read it.
/// </summary>
public static class DevelopmentSecrets
{
    public static string ReadOrCreate(string fileName, Func<string> create)
    {
        var path = Path.Combine(Path.GetDirectoryName(ConfigDirectory.Locate())!, ".local", "oidc", fileName);
        if (File.Exists(path)) return File.ReadAllText(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, create());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            File.Move(temporary, path);
        }
        catch (IOException)
        {
            File.Delete(temporary);
        }
        return File.ReadAllText(path);
    }
}
