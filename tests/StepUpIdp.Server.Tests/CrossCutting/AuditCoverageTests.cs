using System.Reflection;
using System.Text.RegularExpressions;
using StepUpIdp.Domain.Audit;

namespace StepUpIdp.Server.Tests.CrossCutting;

/// <summary>
/// Every audit action the product writes is looked for by some test: the names in <see cref="AuditActions"/> and the
/// ones written as literals beside <c>new AuditEvent(</c> in src/, against the test sources. An action added without a
/// test that reads its line back fails here, by name.
/// </summary>
public sealed partial class AuditCoverageTests
{
    /// <summary>Actions no test can see, each with the reason; an entry must name an action that is defined and never written.</summary>
    [Fact]
    public void Every_audit_action_the_product_writes_is_asserted_by_a_test()
    {
        var tests = TestSources();

        var unasserted = Defined().Where(a => !tests.Any(t => Mentions(t, a))).Select(a => a.Value).ToList();

        Assert.True(unasserted.Count == 0, "Audit actions no test asserts (do the action in a test and read its audit line back):\n"
            + string.Join('\n', unasserted));
    }

    [Fact]
    public void The_scan_finds_the_named_and_the_literal_actions()
    {
        var defined = Defined().Select(a => a.Value).ToList();

        Assert.Contains("policy.changed", defined);     // AuditActions.PolicyChanged
        Assert.Contains("app.registered", defined);     // a literal in AppRegistry
        Assert.Contains("account.password_set", defined); // a literal chosen in a conditional, in PasswordLinks
        Assert.True(defined.Count >= 40, $"Only {defined.Count} actions found: " + string.Join(", ", defined));
        Assert.False(Mentions(["Assert.Contains(\"app.registeredx\", actions);"], new Action(null, "app.registered")));
        Assert.True(Mentions(["Assert.Equal(AuditActions.PolicyChanged, entry.Action);"], new Action("PolicyChanged", "policy.changed")));
    }

    [Fact]
    public void Every_action_defined_is_written_by_the_product()
    {
        // A name among AuditActions that nothing writes is a promise of an audit line no one gets.
        var sources = SourceFiles("src").Where(f => !f.EndsWith("AuditActions.cs", StringComparison.Ordinal)).Select(File.ReadAllText).ToList();

        var unwritten = Defined().Where(a => a.Constant is not null && !Mentions(sources, a)).Select(a => a.Value).ToList();

        Assert.True(unwritten.Count == 0, "Audit actions defined but never written (write them, or remove the name):\n" + string.Join('\n', unwritten));
    }

    private sealed record Action(string? Constant, string Value);

    /// <summary>The constants of <see cref="AuditActions"/>, and literals written as an <c>AuditEvent</c>'s action in src/.</summary>
    private static IReadOnlyList<Action> Defined()
    {
        var named = typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => new Action(f.Name, (string)f.GetRawConstantValue()!)).ToList();
        var literals = SourceFiles("src")
            .SelectMany(File.ReadLines)
            .Where(line => AuditLine().IsMatch(line))
            .SelectMany(line => ActionLiteral().Matches(line).Select(m => m.Groups[1].Value))
            .Where(value => named.All(n => n.Value != value))
            .Distinct(StringComparer.Ordinal)
            .Select(value => new Action(null, value));
        return named.Concat(literals).OrderBy(a => a.Value, StringComparer.Ordinal).ToList();
    }

    private static bool Mentions(IEnumerable<string> sources, Action action) => sources.Any(source =>
        source.Contains('"' + action.Value + '"', StringComparison.Ordinal)
        || (action.Constant is not null && Regex.IsMatch(source, $@"\bAuditActions\.{action.Constant}\b")));

    private static bool Mentions(string source, Action action) => Mentions([source], action);

    private static IReadOnlyList<string> TestSources() =>
        SourceFiles("tests").Where(f => !f.EndsWith(nameof(AuditCoverageTests) + ".cs", StringComparison.Ordinal)).Select(File.ReadAllText).ToList();

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "StepUpIdp.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No StepUpIdp.sln above {AppContext.BaseDirectory}: the audit scan reads the sources.");
    }

    /// <summary>A line that writes an audit event, or chooses the action one writes.</summary>
    [GeneratedRegex(@"AuditEvent\(|\baction\s*=")]
    private static partial Regex AuditLine();

    [GeneratedRegex(@"""([a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*)""")]
    private static partial Regex ActionLiteral();
}
