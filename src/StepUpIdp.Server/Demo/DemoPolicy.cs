using System.Text.Json;
using System.Xml;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Demo;

internal static class DemoPolicy
{
    public static StoredExternalPolicy Read(JsonElement? document)
    {
        if (document is not { ValueKind: JsonValueKind.Object } policy)
        {
            return StoredExternalPolicy.From(ExternalUserPolicy.Default);
        }

        return StoredExternalPolicy.From(ExternalUserPolicy.Default with
        {
            ReverifyEvery = XmlConvert.ToTimeSpan(policy.GetProperty("reverifyEvery").GetString()!),
        });
    }
}
