using Xunit;

namespace StepUpIdp.Testing;

/// <summary>
/// A test that needs a real server or program named by environment variables (CI sets them): without every one of
/// them it is reported as skipped, never as passed, and CI fails the leg on a skip (<c>.ci/run</c>, require_ran).
/// </summary>
public abstract class ServerFactAttribute : FactAttribute
{
    /// <param name="skipReason">How to run the test: which variables to set, and to what.</param>
    /// <param name="variables">The variables that must all be set.</param>
    protected ServerFactAttribute(string skipReason, params string[] variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.Any(variable => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable))))
        {
            Skip = skipReason;
        }
    }
}
