using Microsoft.AspNetCore.Authorization;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Succeeds a <see cref="StepUpRequirement"/> when <see cref="StepUpDecision.Evaluate"/> says so, and
/// otherwise leaves it pending (never <c>Fail</c>), so the result handler can tell a step-up shortfall
/// from other failures and challenge only when stepping up can help.
/// </summary>
internal sealed class StepUpAuthorizationHandler(TimeProvider timeProvider) : AuthorizationHandler<StepUpRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StepUpRequirement requirement)
    {
        if (StepUpDecision.Evaluate(context.User, requirement, timeProvider.GetUtcNow()).IsSatisfied)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
