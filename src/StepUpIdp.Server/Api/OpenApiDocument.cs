using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace StepUpIdp.Server.Api;

/// <summary>
/// The OpenAPI document of the organisation API (<c>/api/orgs/{org}/...</c>), generated from the endpoints themselves
/// by Microsoft.AspNetCore.OpenApi and served at <see cref="Route"/>. The OAuth and OpenID Connect endpoints are
/// described by discovery (<c>/.well-known/openid-configuration</c>), not here.
/// </summary>
public static class OpenApiDocument
{
    public const string Route = "/openapi/{documentName}.json";

    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "StepUpIdp organisation API",
                Version = "v1",
                Description = "The admin API of an organisation: people, groups, domains, apps, guests, external users, policy and audit. "
                    + "Admin endpoints take a bearer access token with scope stepup.admin, issued by an app of the organisation to one of its admins. "
                    + "Bad input is answered with RFC 9457 problem details naming the field. See docs/admin-guide.md.",
            };
            return Task.CompletedTask;
        });
    }
}
