using System.Collections.Concurrent;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>
/// One IdP host, with its SMTP sink, for all the tests of a class (<c>IClassFixture&lt;SharedIdpHost&gt;</c>): start-up
/// is paid once per class instead of once per test. xunit runs the tests of a class one after another, and classes side
/// by side, each with its own fixture. The host outlives each test, so a test that changes data changes its own (a
/// fresh org from <see cref="TestDirectory.AddOrgLikeAcmeAsync"/>, unique client ids and emails), signs in from an
/// address of its own (<see cref="LoopbackAddresses"/>), and leaves the demo data as it found it. A test that needs a
/// pristine host (a fake clock, a restart, other settings) starts its own <see cref="IdpHost"/>.
/// How to write such a class: tests/README.md, "One host for a test class".
/// </summary>
public sealed class SharedIdpHost : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _once = new();

    public SmtpSink Mail { get; private set; } = null!;

    public IdpHost Host { get; private set; } = null!;

    /// <summary>
    /// What <paramref name="create"/> makes, made by the first test that asks and kept for the class: the class's own apps
    /// and relying parties, or an admin signed in once (the passcode limits refuse a new code for the same account within
    /// 30 seconds). Disposed with the host.
    /// </summary>
    public async Task<T> OnceAsync<T>(string key, Func<Task<T>> create) where T : class =>
        (T)await _once.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await create())).Value;

    public async Task InitializeAsync()
    {
        Mail = await SmtpSink.StartAsync();
        Host = new IdpHost(smtp: Mail);
    }

    public async Task DisposeAsync()
    {
        foreach (var made in _once.Values.Where(m => m.IsValueCreated && m.Value.IsCompletedSuccessfully).Select(m => m.Value.Result))
        {
            if (made is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                (made as IDisposable)?.Dispose();
            }
        }

        await Host.DisposeAsync();
        await Mail.DisposeAsync();
    }
}
