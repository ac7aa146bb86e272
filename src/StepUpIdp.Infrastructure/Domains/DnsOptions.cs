using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace StepUpIdp.Infrastructure.Domains;

/// <summary>Bound from the <c>Directory</c> section: how domain verification asks DNS.</summary>
public sealed class DnsOptions
{
    public const string Section = "Directory";

    /// <summary>
    /// Name servers to ask, as <c>address</c> or <c>address:port</c> (<c>[v6]:port</c>). Empty: the machine's own
    /// resolvers. Name a recursive resolver you trust: whoever answers decides which domains verify.
    /// </summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>How long one query may take before it is tried again (once), in seconds.</summary>
    public int DnsTimeoutSeconds { get; set; } = 3;

    public static IPEndPoint? ParseServer(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (IPEndPoint.TryParse(value.Trim(), out var endpoint))
        {
            if (endpoint.Port == 0)
            {
                endpoint.Port = 53;
            }

            return endpoint;
        }

        return null;
    }
}

/// <summary>Stops start-up on a server that is not an address, naming the key.</summary>
public sealed class DnsOptionsValidator : IValidateOptions<DnsOptions>
{
    public ValidateOptionsResult Validate(string? name, DnsOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.DnsServers.Count; i++)
        {
            if (DnsOptions.ParseServer(options.DnsServers[i]) is null)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Directory:DnsServers:{i} (\"{options.DnsServers[i]}\") must be an IP address, optionally with :port (e.g. 127.0.0.1:5353 or [::1]:53)."));
            }
        }

        if (options.DnsTimeoutSeconds is < 1 or > 30)
        {
            failures.Add("Directory:DnsTimeoutSeconds must be between 1 and 30.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
