namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// Tests that disturb a server other test classes share (a Redis failover): xunit runs this collection after every
/// parallel one has finished, and its tests one at a time, so no other test sees the disturbance.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "Runs alone";
}
