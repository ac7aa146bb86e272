namespace StepUpIdp.Infrastructure.Redis;

/// <summary>
/// Redis could not be reached or did not answer in time. The host shows "verification temporarily
/// unavailable". Every store write is a single command or an atomic script, so
/// nothing is half-written; a write whose answer was lost may or may not have happened as a whole.
/// </summary>
public sealed class VerificationStoreUnavailableException : Exception
{
    public VerificationStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
