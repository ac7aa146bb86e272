using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// The JWKS (<c>/.well-known/jwks</c>): the public halves of the signing keys, which never change while the
/// process runs. OpenIddict rebuilds the document on every request (exporting each RSA key's parameters and
/// serialising them anew), which made the JWKS several times slower than discovery; relying APIs fetch it
/// often. So the bytes are built once, in OpenIddict's format (kid, use, kty, alg, e, n), and written by a
/// middleware that answers before the OpenIddict pipeline runs.
/// </summary>
public sealed class JsonWebKeySetDocument(IOptionsMonitor<OpenIddictServerOptions> options)
{
    public const string EndpointPath = "/.well-known/jwks";

    private readonly Lazy<byte[]> _bytes = new(() => Build(options.CurrentValue.SigningCredentials));

    public ReadOnlyMemory<byte> Bytes => _bytes.Value;

    private static byte[] Build(IEnumerable<SigningCredentials> credentials)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            // Symmetric keys (ServerTokenProtection) are secret and never published.
            foreach (var credential in credentials.Where(c => c.Key is not SymmetricSecurityKey))
            {
                // The IdP only signs with RSA (TokenKeys); any other key is refused at start-up rather than left out silently.
                var parameters = credential.Key switch
                {
                    RsaSecurityKey { Rsa: RSA rsa } => rsa.ExportParameters(includePrivateParameters: false),
                    RsaSecurityKey { Parameters: var value } when value.Modulus is not null => value,
                    X509SecurityKey { PublicKey: RSA rsa } => rsa.ExportParameters(includePrivateParameters: false),
                    _ => throw new InvalidOperationException($"Signing key {credential.Kid} is not an RSA key; the JWKS cannot publish it."),
                };

                writer.WriteStartObject();
                if (!string.IsNullOrEmpty(credential.Kid))
                {
                    writer.WriteString("kid", credential.Kid);
                }

                writer.WriteString("use", JsonWebKeyUseNames.Sig);
                writer.WriteString("kty", JsonWebAlgorithmsKeyTypes.RSA);
                writer.WriteString("alg", JwaAlgorithm(credential.Algorithm));
                writer.WriteString("e", Base64UrlEncoder.Encode(parameters.Exponent));
                writer.WriteString("n", Base64UrlEncoder.Encode(parameters.Modulus));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static string JwaAlgorithm(string algorithm) => algorithm switch
    {
        SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.RsaSha256Signature => SecurityAlgorithms.RsaSha256,
        SecurityAlgorithms.RsaSha384 or SecurityAlgorithms.RsaSha384Signature => SecurityAlgorithms.RsaSha384,
        SecurityAlgorithms.RsaSha512 or SecurityAlgorithms.RsaSha512Signature => SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256 or SecurityAlgorithms.RsaSsaPssSha256Signature => SecurityAlgorithms.RsaSsaPssSha256,
        SecurityAlgorithms.RsaSsaPssSha384 or SecurityAlgorithms.RsaSsaPssSha384Signature => SecurityAlgorithms.RsaSsaPssSha384,
        SecurityAlgorithms.RsaSsaPssSha512 or SecurityAlgorithms.RsaSsaPssSha512Signature => SecurityAlgorithms.RsaSsaPssSha512,
        _ => throw new InvalidOperationException($"Signing algorithm {algorithm} cannot be published in the JWKS."),
    };
}

public static class JsonWebKeySetEndpoint
{
    /// <summary>
    /// Answers <c>GET /.well-known/jwks</c> from the bytes built once; every other request passes on, and so does a
    /// plain-HTTP request when HTTPS is required, so that OpenIddict refuses it exactly as before.
    /// </summary>
    public static IApplicationBuilder UseCachedJsonWebKeySet(this IApplicationBuilder app)
    {
        var document = app.ApplicationServices.GetRequiredService<JsonWebKeySetDocument>();
        var requireHttps = app.ApplicationServices.GetRequiredService<IOptions<Hosting.IdpOptions>>().Value.RequireHttps;
        return app.Use((http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method)
                || !http.Request.Path.Equals(JsonWebKeySetDocument.EndpointPath, StringComparison.Ordinal)
                || (requireHttps && !http.Request.IsHttps))
            {
                return next(http);
            }

            var bytes = document.Bytes;
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json;charset=UTF-8";
            http.Response.ContentLength = bytes.Length;
            return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
        });
    }
}
