namespace StepUpIdp.Server.Hosting;

/// <summary>
/// The server program's command line: no verb runs the IdP; <c>migrate</c> and <c>bootstrap</c> do one
/// administrative job against the configured database and exit. A verb's own options (<c>--org acme</c>)
/// are taken out; everything else (<c>--Database:Provider=Postgres</c>) still reaches configuration.
/// </summary>
public sealed record ServerCommandLine(string? Verb, IReadOnlyDictionary<string, string> Options, string[] HostArgs)
{
    public const string Migrate = "migrate";
    public const string Bootstrap = "bootstrap";
    public const string NewSigningKey = "new-signing-key";

    private static readonly Dictionary<string, string[]> VerbOptions = new(StringComparer.Ordinal)
    {
        [Migrate] = [],
        [Bootstrap] = ["org", "name", "admin-email", "admin-name"],
        [NewSigningKey] = [],
    };

    /// <summary>Null verb and an error for a command line that names an unknown verb or option.</summary>
    public string? Error { get; init; }

    public static ServerCommandLine Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-') || args[0].Contains('='))
        {
            return new ServerCommandLine(null, new Dictionary<string, string>(), args);
        }

        var verb = args[0];
        if (!VerbOptions.TryGetValue(verb, out var known))
        {
            return new ServerCommandLine(null, new Dictionary<string, string>(), []) { Error = $"Unknown command '{verb}'." };
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is not null && known.Contains(name))
            {
                if (i + 1 >= args.Length)
                {
                    return new ServerCommandLine(null, options, []) { Error = $"--{name} needs a value." };
                }

                options[name] = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return new ServerCommandLine(verb, options, [.. rest]);
    }

    public const string Usage = """
        Usage:
          StepUpIdp.Server                     run the IdP
          StepUpIdp.Server migrate             apply pending database migrations, then exit
          StepUpIdp.Server bootstrap --org <id> --name <name> --admin-email <address> [--admin-name <name>]
                                               create the first organisation and its admin; prints a one-time set-up link
          StepUpIdp.Server new-signing-key     print a new signing key (PEM) for Keys:NextSigningKey, and the rotation steps
        """;
}
