using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Orleans.VNeID.Gateway.Problems;

namespace Orleans.VNeID.Gateway.Validation;

/// <summary>
/// Text PostgreSQL can store: no NUL character (refused by <c>text</c>) and no unpaired UTF-16 surrogate (it has no UTF-8
/// form). Anything else is refused with 400 and a field error before it reaches a grain or the database, so that bad
/// input is never mistaken for an outage.
/// </summary>
public static class StorableText
{
    public const string Problem = "The value contains a character that cannot be stored (a NUL character or an unpaired surrogate).";

    public static bool IsStorable(string? text)
    {
        if (text is null) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>Refuses a request whose query or route values (names included) hold text that cannot be stored.</summary>
    public static IApplicationBuilder UseStorableTextCheck(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var errors = new Dictionary<string, string[]>();
            foreach (var (name, values) in http.Request.Query)
                if (!IsStorable(name) || values.Any(v => !IsStorable(v))) errors[IsStorable(name) ? name : "query"] = [Problem];
            foreach (var (name, value) in http.Request.RouteValues)
                if (value is string text && !IsStorable(text)) errors[name] = [Problem];
            // Form bodies too (the provider's pages and the OpenID Connect endpoints): a NUL must never reach the database.
            if (errors.Count == 0 && http.Request.HasFormContentType)
            {
                IFormCollection form;
                try
                {
                    form = await http.Request.ReadFormAsync(http.RequestAborted);
                }
                catch (InvalidDataException)
                {
                    form = FormCollection.Empty;
                    errors["body"] = ["The form is malformed or too large."];
                }
                foreach (var (name, values) in form)
                    if (!IsStorable(name) || values.Any(v => !IsStorable(v))) errors[IsStorable(name) ? name : "body"] = [Problem];
            }
            if (errors.Count == 0)
            {
                await next(http);
                return;
            }
            await ProblemWriter.WriteValidationAsync(http, errors);
        });

    /// <summary>The JSON paths of a bound body's strings that cannot be stored (records, lists and dictionaries are walked).</summary>
    public static Dictionary<string, string[]> Problems(object? body)
    {
        var errors = new Dictionary<string, string[]>();
        Walk(body, "", errors, depth: 0);
        return errors;
    }

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    private static void Walk(object? value, string path, Dictionary<string, string[]> errors, int depth)
    {
        if (value is null || depth > 8) return;
        switch (value)
        {
            case string text:
                if (!IsStorable(text)) errors[path.Length == 0 ? "body" : path] = [Problem];
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key as string ?? "";
                    if (!IsStorable(key)) errors[path.Length == 0 ? "body" : path] = [Problem];
                    Walk(entry.Value, $"{path}.{key}", errors, depth + 1);
                }
                return;
            case IEnumerable items when value is not byte[]:
                var index = 0;
                foreach (var item in items) Walk(item, $"{path}[{index++}]", errors, depth + 1);
                return;
        }
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is byte[] || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true) return;
        foreach (var property in Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead).ToArray()))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            Walk(property.GetValue(value), path.Length == 0 ? name : $"{path}.{name}", errors, depth + 1);
        }
    }
}
