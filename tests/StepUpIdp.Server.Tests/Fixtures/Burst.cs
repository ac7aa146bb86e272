using System.Net;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>What one request of a burst got back.</summary>
public sealed record BurstAnswer(HttpStatusCode Status, string Body)
{
    public override string ToString() => $"{(int)Status}: {Body}";
}

/// <summary>
/// Many requests at one rule at the same moment (docs/operations.md, "Concurrent changes"): all are started before any
/// is awaited, and none may come back as a server error, on SQLite or on PostgreSQL (STEPUPIDP_TEST_POSTGRES).
/// </summary>
public static class Burst
{
    public static async Task<IReadOnlyList<BurstAnswer>> SendAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var response = await send(i);
            return new BurstAnswer(response.StatusCode, await response.Content.ReadAsStringAsync());
        }));
        Assert.All(answers, a => Assert.True((int)a.Status < 500, a.ToString()));
        return answers;
    }

    /// <summary>The same with a browser's form posts (<see cref="Browser.SubmitAsync"/>): the page each one ended on.</summary>
    public static async Task<IReadOnlyList<Page>> SubmitAsync(int count, Func<int, Task<Page>> submit)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, count).Select(submit));
        Assert.All(pages, p => Assert.True((int)p.Status < 500, $"{(int)p.Status} at {p.Url}\n{p.Html}"));
        return pages;
    }

    public static int Count(this IReadOnlyList<BurstAnswer> answers, HttpStatusCode status) => answers.Count(a => a.Status == status);
}
