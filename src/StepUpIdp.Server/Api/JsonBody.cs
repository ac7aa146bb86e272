using System.Text.Json;

namespace StepUpIdp.Server.Api;

/// <summary>
/// Reads a JSON request body so that a wrong content type, malformed JSON or a value of the wrong type
/// becomes an RFC 9457 problem naming the field, not a framework 400 without words or a 500. A body over
/// <see cref="MaxBytes"/> answers 413 whether it announced its length or came chunked: at most one byte more than
/// the limit is read (docs/admin-guide.md, "API reference").
/// </summary>
public static class JsonBody
{
    public const long MaxBytes = 64 * 1024;
    // The web defaults, but a number must be a JSON number: "lifetimeDays": "30" is the wrong type, named as such.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext http) where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, ProblemTypes.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.Validation,
                "Send the body as application/json."));
        }

        var body = http.Request.ContentLength > MaxBytes ? null : await ReadLimitedAsync(http.Request.Body, http.Request.ContentLength, http.RequestAborted);
        if (body is null)
        {
            return (null, ProblemTypes.Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.Validation,
                $"The body is too large: at most {MaxBytes / 1024} KB."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Value);
        }
        catch (JsonException)
        {
            return (null, ProblemTypes.ValidationFailed(new Dictionary<string, string[]> { ["$"] = ["The body is not valid JSON."] }));
        }

        using (document)
        {
            try
            {
                var value = document.Deserialize<T>(Options);
                return value is null
                    ? (null, ProblemTypes.ValidationFailed(new Dictionary<string, string[]> { ["$"] = ["A JSON object is required."] }))
                    : (value, null);
            }
            catch (JsonException ex)
            {
                // Valid JSON, but a value of the wrong type or out of range for its field.
                var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
                return (null, ProblemTypes.ValidationFailed(new Dictionary<string, string[]>
                {
                    [field] = [field == "$" ? "A JSON object is required." : "This value has the wrong type or is out of range."],
                }));
            }
        }
    }

    /// <summary>The whole body, or null when it is longer than <see cref="MaxBytes"/>.</summary>
    /// <param name="announced">The announced length, if any: the first buffer's size (one byte more, to see a longer body).</param>
    private static async Task<ReadOnlyMemory<byte>?> ReadLimitedAsync(Stream body, long? announced, CancellationToken cancellationToken)
    {
        // Sized to the body, not to the limit: most bodies are a few hundred bytes. A chunked body grows the buffer by
        // doubling, never past one byte over the limit.
        var buffer = new byte[(int)Math.Min(MaxBytes + 1, (announced ?? 4095) + 1)];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length == buffer.Length)
            {
                if (length > MaxBytes)
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(MaxBytes + 1, (long)buffer.Length * 2));
            }
        }

        if (length > MaxBytes)
        {
            return null;
        }

        return buffer.AsMemory(0, length);
    }
}
