namespace StepUpIdp.Infrastructure.Email;

/// <summary>Where the development outbox lives: <c>{DataPath}/outbox</c>, set by <c>AddStepUpEmail</c>.</summary>
public sealed class OutboxOptions
{
    public string Directory { get; set; } = string.Empty;
}
