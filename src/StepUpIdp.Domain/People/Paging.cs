namespace StepUpIdp.Domain.People;

/// <summary>The page of a paged list (people, audit log): pages start at 1, with 1 to <see cref="MaxPageSize"/> items.</summary>
public static class Paging
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    /// <summary>
    /// A page or page size as the query string gave it: null when absent, else a whole number; anything else (a
    /// letter, a fraction, a number past <see cref="int.MaxValue"/>, the parameter given twice) is an error on
    /// <paramref name="field"/>.
    /// </summary>
    public static int? Parse(string? raw, string field, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        if (int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(field, "This must be a whole number, given once.");
        return null;
    }

    public static void Validate(int? page, int? pageSize, FieldErrors errors)
    {
        if (page is < 1)
        {
            errors.Add("page", "Pages start at 1.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", $"Choose a page size from 1 to {MaxPageSize}.");
        }
    }

    /// <summary>How many items come before the page: a long, since page × size can pass <see cref="int.MaxValue"/>.</summary>
    public static long Offset(int page, int pageSize) => (long)(page - 1) * pageSize;
}
