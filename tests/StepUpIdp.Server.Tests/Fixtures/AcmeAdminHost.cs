namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// A host of one test's own with alice, acme's admin, signed in to the admin API: for the concurrency tests
/// (<see cref="Burst"/>), which fire at acme's demo data (its seats, demo-spa, dave) and count what is stored and audited
/// over the whole org, so they cannot share a host (tests/README.md, "One host for a test class"). Disposing stops it.
/// </summary>
public sealed class AcmeAdminHost : IAsyncDisposable
{
    private AcmeAdminHost(IdpHost idp, HttpClient alice)
    {
        Idp = idp;
        Alice = alice;
    }

    public IdpHost Idp { get; }

    /// <summary>Alice's admin API client (scope stepup.admin), its base address the IdP's.</summary>
    public HttpClient Alice { get; }

    public static async Task<AcmeAdminHost> StartAsync()
    {
        var idp = new IdpHost();
        try
        {
            return new AcmeAdminHost(idp, await AdminClient.ForAsync(idp, "alice@acme.test"));
        }
        catch
        {
            await idp.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Alice.Dispose();
        await Idp.DisposeAsync();
    }
}
