using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// Every row of every table of the IdP's database as text, read through its EF model (owned values included), so a
/// test can say "nothing was stored" without knowing what an endpoint would have stored: people, roles, apps, policies,
/// tokens, the audit log.
/// </summary>
public static class DatabaseFingerprint
{
    public static async Task<IReadOnlyList<string>> TakeAsync(IdpHost idp)
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        var rows = new List<string>();
        foreach (var type in db.Model.GetEntityTypes().Where(t => !t.IsOwned() && !t.HasSharedClrType && t.FindPrimaryKey() is not null).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(type.ClrType).Invoke(db, null)!;
            foreach (var row in await set.ToListAsync())
            {
                rows.Add(type.ShortName() + " " + Describe(row, type));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>The rows added and removed between two fingerprints, for a failure message ("" when none).</summary>
    public static string Difference(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var added = after.Except(before, StringComparer.Ordinal).Select(r => "+ " + r);
        var removed = before.Except(after, StringComparer.Ordinal).Select(r => "- " + r);
        return string.Join('\n', added.Concat(removed));
    }

    private static string Describe(object? row, IReadOnlyEntityType type)
    {
        if (row is null)
        {
            return "null";
        }

        var text = new StringBuilder("{");
        foreach (var property in type.GetProperties().Where(p => !p.IsShadowProperty()))
        {
            text.Append(property.Name).Append('=').Append(Format(property.PropertyInfo?.GetValue(row) ?? property.FieldInfo?.GetValue(row))).Append(';');
        }

        foreach (var navigation in type.GetNavigations().Where(n => n.TargetEntityType.IsOwned() && !n.IsCollection))
        {
            text.Append(navigation.Name).Append('=').Append(Describe(navigation.PropertyInfo?.GetValue(row), navigation.TargetEntityType)).Append(';');
        }

        return text.Append('}').ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(',', items.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
