namespace StepUpIdp.Infrastructure.Email;

/// <summary>One message in the development outbox, as the Development-only outbox page shows it.</summary>
public sealed record OutboxEntry(DateTimeOffset Time, string To, string Subject, string TextBody, string FileName);
