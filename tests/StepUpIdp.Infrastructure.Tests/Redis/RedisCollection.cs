using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Infrastructure.Tests.Redis;

/// <summary>One RESP server for every Redis test; each test uses its own key prefix.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisTestServer>
{
    public const string Name = "Redis";
}
