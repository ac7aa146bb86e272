using System.Globalization;

namespace StepUpIdp.Domain.Accounts;

/// <summary>Why a new password was refused; the wire names go into problem details and page messages.</summary>
public enum PasswordProblem
{
    None = 0,
    Missing,
    TooShort,
    TooLong,
    TooGuessable,
}

/// <summary>The verdict on a new password: <see cref="PasswordProblem.None"/> only when every rule passed.</summary>
public sealed record PasswordVerdict(PasswordProblem Problem, string Message)
{
    public bool Accepted => Problem == PasswordProblem.None;
}

/// <summary>
/// What a new password must be, after NIST SP 800-63B section 5.1.1.2: at least 12 characters, no composition rules
/// (no "one digit, one symbol"), and not common or guessable. Guessability is zxcvbn's estimate, which knows common
/// passwords, words, names, keyboard walks, dates and repeats, and is told the person's own details (address, name,
/// organisation), so "acme-alice-2026" is refused for Alice at Acme. Length counts Unicode characters (runes), so a
/// passphrase in any script is welcome.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 12;

    /// <summary>Long enough for any passphrase; short enough that hashing an attacker's input stays cheap.</summary>
    public const int MaxLength = 256;

    /// <summary>zxcvbn's score 3 is "safely unguessable: moderate protection from offline slow-hash scenario".</summary>
    public const int MinScore = 3;

    public static PasswordVerdict Check(string? password, IEnumerable<string?> personalDetails)
    {
        if (string.IsNullOrEmpty(password))
        {
            return new(PasswordProblem.Missing, "Enter a password.");
        }

        var length = password.EnumerateRunes().Count();
        if (length < MinLength)
        {
            return new(PasswordProblem.TooShort, string.Create(CultureInfo.InvariantCulture, $"Use at least {MinLength} characters; a few unrelated words make a good one."));
        }

        if (length > MaxLength)
        {
            return new(PasswordProblem.TooLong, string.Create(CultureInfo.InvariantCulture, $"Use at most {MaxLength} characters."));
        }

        var inputs = personalDetails.OfType<string>().SelectMany(Parts).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var estimate = Zxcvbn.Zxcvbn.MatchPassword(password, inputs);
        return estimate.Score >= MinScore
            ? new(PasswordProblem.None, "")
            : new(PasswordProblem.TooGuessable, "That password is too easy to guess: it is common, or built from words, names or patterns others use. A few unrelated words make a strong one.");
    }

    /// <summary>The whole detail and its parts: "alice.smith@acme.example" also gives "alice", "smith", "acme".</summary>
    private static IEnumerable<string> Parts(string detail)
    {
        yield return detail;
        foreach (var part in detail.Split(['@', '.', '-', '_', '+', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Length >= 3)
            {
                yield return part;
            }
        }
    }
}
