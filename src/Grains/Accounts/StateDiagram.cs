using Orleans.VNeID.Accounts;

namespace Orleans.VNeID.Grains.Accounts;

/// <summary>docs/state-machine.md, generated from the lifecycle's configuration (<c>vneid-silo state-diagram</c>).</summary>
public static class StateDiagram
{
    public const string RelativePath = "docs/state-machine.md";

    public static string Markdown() =>
        $"""
        # Account lifecycle

        Generated from `AccountLifecycle` by `dotnet run --project src/Silo -- state-diagram`; a test fails when this file
        is stale. Do not edit by hand.

        - **Declared**: the citizen's declaration is being checked against the population registry (never stored on its own:
          a declaration that does not match is refused and leaves nothing behind).
        - **PendingActivation**: the registry (level 1) or the biometrics (level 2) matched; an activation code was sent.
          The activation target says which level activation leads to.
        - **Level1**, **Level2**: active accounts. Level 2 is reached only through an in-person biometric match.
        - **PendingUpgrade**: a level-1 account whose biometrics matched at an office. It stays usable at level 1 (logins,
          recovery) until the level-2 code sent to the phone on record confirms the upgrade (`ConfirmUpgrade`, no new
          password); a code that expires changes nothing, and a new one can be asked for.
        - **Locked**: locked by the owner, an officer or an operator; `Unlock` returns to the state before the lock.

        ```mermaid
        {AccountLifecycle.ToMermaid().TrimEnd()}
        ```

        """;
}
