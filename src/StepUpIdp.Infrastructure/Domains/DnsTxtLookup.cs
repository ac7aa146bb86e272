using DnsClient;
using Microsoft.Extensions.Options;

namespace StepUpIdp.Infrastructure.Domains;

/// <summary>What DNS said about a name's TXT records.</summary>
public abstract record TxtAnswer
{
    /// <summary>The name exists; each TXT record's strings joined, as RFC 7208 section 3.3 reads a split record.</summary>
    public sealed record Found(IReadOnlyList<string> Values) : TxtAnswer;

    /// <summary>No such name, or no TXT record at it.</summary>
    public sealed record NotFound : TxtAnswer;

    /// <summary>No usable answer (timeout, server failure): try again later.</summary>
    public sealed record Failed(string Reason) : TxtAnswer;
}

/// <summary>
/// Asks DNS for TXT records with DnsClient, at the servers in <c>Directory:DnsServers</c> or the machine's own. No cache,
/// so a record published a minute ago is seen on the admin's next try.
/// </summary>
public sealed class DnsTxtLookup
{
    private readonly LookupClient _client;

    public DnsTxtLookup(IOptions<DnsOptions> options)
    {
        var servers = options.Value.DnsServers.Select(DnsOptions.ParseServer).OfType<System.Net.IPEndPoint>().ToArray();
        var clientOptions = servers.Length == 0 ? new LookupClientOptions() : new LookupClientOptions(servers);
        clientOptions.UseCache = false;
        clientOptions.Timeout = TimeSpan.FromSeconds(options.Value.DnsTimeoutSeconds);
        clientOptions.Retries = 1;
        clientOptions.ContinueOnDnsError = false;
        clientOptions.ThrowDnsErrors = false;
        _client = new LookupClient(clientOptions);
    }

    public async Task<TxtAnswer> QueryAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, QueryType.TXT, QueryClass.IN, cancellationToken);
            if (response.HasError)
            {
                return response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain
                    ? new TxtAnswer.NotFound()
                    : new TxtAnswer.Failed(response.ErrorMessage);
            }

            var values = response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList();
            return values.Count == 0 ? new TxtAnswer.NotFound() : new TxtAnswer.Found(values);
        }
        catch (DnsResponseException ex)
        {
            return new TxtAnswer.Failed(ex.Message);
        }
    }
}
