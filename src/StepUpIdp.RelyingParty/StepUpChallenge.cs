namespace StepUpIdp.RelyingParty;

/// <summary>
/// What the person must do at the IdP: authenticate at <see cref="AcrValues"/> and/or within
/// <see cref="MaxAge"/>. The same value becomes the <c>acr_values</c>/<c>max_age</c> of a web app's
/// authorization request and the parameters of an API's RFC 9470 challenge.
/// </summary>
/// <param name="AcrValues">The acr to ask for, or null.</param>
/// <param name="MaxAge">The largest acceptable authentication age, whole seconds, or null.</param>
/// <param name="Description">Why, in words for a developer (the <c>error_description</c> of an API challenge).</param>
public sealed record StepUpChallenge(string? AcrValues, TimeSpan? MaxAge, string Description)
{
    /// <summary>
    /// One challenge that asks for both: the stronger acr and the shorter age. Used when several
    /// requirements fail on one request, so the person steps up once.
    /// </summary>
    public StepUpChallenge Combine(StepUpChallenge other)
    {
        var acr = (AcrValues, other.AcrValues) switch
        {
            (null, var theirs) => theirs,
            (var ours, null) => ours,
            var (ours, theirs) => StepUpAcr.Stronger(ours, theirs),
        };
        var maxAge = (MaxAge, other.MaxAge) switch
        {
            (null, var theirs) => theirs,
            (var ours, null) => ours,
            var (ours, theirs) => ours < theirs ? ours : theirs,
        };
        var description = Description == other.Description ? Description : Description + " " + other.Description;
        return new StepUpChallenge(acr, maxAge, description);
    }
}
