using System.Text.RegularExpressions;

namespace Orleans.VNeID.IntegrationTests;

/// <summary>
/// A guide's <c>bash</c> blocks as one script that stops at the first command that does not do what the text says. The
/// guide's conventions (docs/walkthrough.md, "How this page is tested"):
/// <list type="bullet">
/// <item>a comment <c># → a b</c> ending a command: what it prints (standard output and error) contains <c>a</c> and
/// <c>b</c>; <c>exit:N</c> among them, it exits with N (else 0);</item>
/// <item><c>&lt;!-- test: background --&gt;</c> before a block: it runs beside the rest, as in a second terminal, and its
/// comments are checked against all it printed once the rest is done;</item>
/// <item><c>&lt;!-- test: skip (why) --&gt;</c> before a block: not run (the text says why: a bank's own keys, steps
/// in a browser before it);</item>
/// <item><c>&lt;!-- test: setting Key=Value --&gt;</c> anywhere: the platform runs with that setting;</item>
/// <item>the platform's variables (<see cref="PlatformVariables"/>) take the tested platform's values where the guide
/// sets them.</item>
/// </list>
/// </summary>
public sealed partial class GuideScript
{
    public const string Expectation = "# →";
    public static readonly string[] PlatformVariables = ["G", "DB", "OWNER_DB"];

    private readonly List<string> _lines = [];
    private readonly List<int> _guideLines = [];

    public Dictionary<string, string> Settings { get; } = [];
    public int Checks { get; private set; }

    /// <summary>Guides one after the other in one shell, as a reader who goes on from one to the next.</summary>
    private readonly List<string> _guides = [];

    /// <summary>The script: bash, run from the repository's root with the platform's variables in its environment (<c>WT_G</c>, ...).</summary>
    public string Text => string.Join('\n', _lines) + '\n';

    /// <summary>Where the script's line <paramref name="scriptLine"/> (1-based) comes from: <c>guide:line</c>, or the script's own.</summary>
    public string GuideLine(int scriptLine) => scriptLine >= 1 && scriptLine <= _guideLines.Count && _guideLines[scriptLine - 1] > 0
        ? Where(_guideLines[scriptLine - 1])
        : "the test's own script";

    // A guide's line is kept as guide index * 100,000 + line.
    private const int PerGuide = 100_000;
    private string Where(int at) => $"{_guides[at / PerGuide - 1]}:{at % PerGuide}";

    /// <param name="root">The repository's root.</param>
    /// <param name="guides">The guides, relative to <paramref name="root"/>, in the order a reader takes them.</param>
    public static GuideScript Parse(string root, params string[] guides)
    {
        var script = new GuideScript();
        script.Emit(0, Prelude);
        var background = new List<(int At, string[] Expected)>();
        foreach (var path in guides)
        {
            script._guides.Add(path);
            var offset = script._guides.Count * PerGuide;
            var guide = File.ReadAllLines(Path.Combine(root, path));
            string? next = null;
            for (var i = 0; i < guide.Length; i++)
            {
                if (Directive().Match(guide[i]) is { Success: true } directive)
                {
                    var (verb, argument) = (directive.Groups[1].Value, directive.Groups[2].Value.Trim());
                    if (verb is "background" or "skip") next = verb;
                    else if (verb == "setting" && argument.Split('=', 2) is [var key, var value]) script.Settings[key.Trim()] = value.Trim();
                    else throw new FormatException($"{path}:{i + 1}: unknown directive '{guide[i]}'.");
                    continue;
                }
                if (guide[i].Trim() != "```bash") continue;
                var start = i + 1;
                var end = start;
                while (end < guide.Length && guide[end].Trim() != "```") end++;
                if (next == "background") script.EmitBackground(guide, start, end, offset, background);
                else if (next != "skip") script.EmitBlock(guide, start, end, offset);
                next = null;
                i = end;
            }
        }
        script.Emit(0, "wt_background_done");
        foreach (var (at, expected) in background)
            script.Emit(at, $"wt_expect '{script.Where(at)}' 0 \"$WT_BACKGROUND_OUT\" {Quoted(expected)}");
        script.Emit(0, "echo 'walkthrough: every command did what the text says'");
        return script;
    }

    private void EmitBlock(string[] guide, int start, int end, int offset)
    {
        for (var i = start; i < end; i++)
        {
            var at = offset + i + 1;
            var line = WithPlatformVariable(guide[i]);
            if (Split(line) is not var (command, expected)) { Emit(at, line); continue; }
            if (command.Length == 0) throw new FormatException($"{Where(at)}: '{Expectation}' ends a command, not a line of its own.");
            Checks++;
            Emit(at, $"{command} > \"$WT_OUT\" 2>&1 && WT_RC=0 || WT_RC=$?; wt_expect '{Where(at)}' \"$WT_RC\" \"$WT_OUT\" {Quoted(expected)}");
        }
    }

    private void EmitBackground(string[] guide, int start, int end, int offset, List<(int, string[])> background)
    {
        Emit(offset + start, "( set +e");
        for (var i = start; i < end; i++)
        {
            var line = WithPlatformVariable(guide[i]);
            if (Split(line) is var (command, expected)) { background.Add((offset + i + 1, expected)); Checks++; line = command; }
            Emit(offset + i + 1, line);
        }
        Emit(offset + end, ") > \"$WT_BACKGROUND_OUT\" 2>&1 &");
        Emit(offset + end, "WT_BACKGROUND=$!; wt_background_started");
    }

    private static (string Command, string[] Expected)? Split(string line)
    {
        var at = line.LastIndexOf(Expectation, StringComparison.Ordinal);
        if (at < 0) return null;
        var expected = line[(at + Expectation.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (line[..at].TrimEnd(), expected);
    }

    private static string WithPlatformVariable(string line)
    {
        foreach (var name in PlatformVariables)
            if (line.TrimStart().StartsWith(name + "=", StringComparison.Ordinal)) return $"{name}=\"$WT_{name}\"";
        return line;
    }

    private static string Quoted(IEnumerable<string> words) =>
        string.Join(' ', words.Select(w => "'" + w.Replace("'", "'\\''") + "'"));

    private void Emit(int guideLine, string text)
    {
        foreach (var line in text.Split('\n'))
        {
            _lines.Add(line);
            _guideLines.Add(guideLine);
        }
    }

    [GeneratedRegex(@"^\s*<!--\s*test:\s*(\w+)(.*?)-->\s*$")]
    private static partial Regex Directive();

    // What a failure prints names the guide's line; the test reads "WALKTHROUGH-FAILED <guide:line>" back.
    private const string Prelude = """
        set -euo pipefail
        WT_OUT=$(mktemp); WT_BACKGROUND_OUT=$(mktemp); WT_BACKGROUND=
        trap 'rc=$?; echo "WALKTHROUGH-FAILED-SCRIPT-LINE $LINENO (exit $rc)" >&2' ERR
        wt_expect() { # guide line, exit code, output file, expected words
          local line=$1 rc=$2 file=$3 wanted=0 word output; shift 3
          output=$(cat "$file"); printf '%s\n' "$output"
          for word in "$@"; do
            case "$word" in
              exit:*) wanted=${word#exit:} ;;
              *) [[ "$output" == *"$word"* ]] || { echo "WALKTHROUGH-FAILED $line: '$word' is not in what it printed" >&2; trap - ERR; exit 97; } ;;
            esac
          done
          [ "$rc" = "$wanted" ] || { echo "WALKTHROUGH-FAILED $line: it exited with $rc, not $wanted" >&2; trap - ERR; exit 97; }
        }
        # A second terminal is opened first: the rest starts once it printed its first line (or after 30 s).
        wt_background_started() { for _ in $(seq 300); do [ -s "$WT_BACKGROUND_OUT" ] && break; sleep 0.1; done; sleep 1; }
        wt_background_done() {
          [ -n "$WT_BACKGROUND" ] || return 0
          sleep 2; pkill -P "$WT_BACKGROUND" || true; kill "$WT_BACKGROUND" 2>/dev/null || true; wait "$WT_BACKGROUND" 2>/dev/null || true
          echo "--- the second terminal printed:"; cat "$WT_BACKGROUND_OUT"; echo "---"
        }
        """;
}
