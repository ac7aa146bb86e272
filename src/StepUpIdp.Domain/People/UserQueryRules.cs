namespace StepUpIdp.Domain.People;

/// <summary>Who to list: internal, external or guest people.</summary>
public enum PersonKind
{
    Internal = 1,
    External = 2,
    Guest = 3,
}

/// <summary>Whether the account may sign in.</summary>
public enum AccountStatus
{
    Active = 1,
    Deactivated = 2,
}

/// <summary>A checked filter and page of the people list.</summary>
public sealed record UserQuery(string? Text, PersonKind? Kind, AccountStatus? Status, int Page, int PageSize);

/// <summary>Checks <c>GET /api/orgs/{org}/users?q=&amp;type=&amp;status=&amp;page=&amp;pageSize=</c>.</summary>
public static class UserQueryRules
{
    public static (UserQuery? Query, FieldErrors Errors) Validate(string? text, string? type, string? status, int? page, int? pageSize)
    {
        var errors = new FieldErrors();
        PersonKind? kind = type switch
        {
            null or "" => null,
            "internal" => PersonKind.Internal,
            "external" => PersonKind.External,
            "guest" => PersonKind.Guest,
            _ => Invalid<PersonKind>(errors, "type", "Choose internal, external or guest."),
        };
        AccountStatus? state = status switch
        {
            null or "" => null,
            "active" => AccountStatus.Active,
            "deactivated" => AccountStatus.Deactivated,
            _ => Invalid<AccountStatus>(errors, "status", "Choose active or deactivated."),
        };
        Paging.Validate(page, pageSize, errors);
        if (text is { Length: > 254 })
        {
            errors.Add("q", "Search for at most 254 characters.");
        }

        return errors.Count > 0
            ? (null, errors)
            : (new UserQuery(string.IsNullOrWhiteSpace(text) ? null : text.Trim(), kind, state, page ?? 1, pageSize ?? Paging.DefaultPageSize), errors);
    }

    private static T? Invalid<T>(FieldErrors errors, string field, string message) where T : struct
    {
        errors.Add(field, message);
        return null;
    }
}
