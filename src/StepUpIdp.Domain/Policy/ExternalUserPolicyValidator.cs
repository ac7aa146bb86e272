using static StepUpIdp.Domain.Policy.ExternalUserPolicyDocument;

namespace StepUpIdp.Domain.Policy;

/// <summary>
/// Checks a policy document sent by an admin (<c>PUT</c> replaces the whole policy, so every field is
/// required). Nothing is half-accepted: either every field is valid and a policy comes back, or the
/// errors for every bad field come back and the stored policy stays as it was.
/// </summary>
public static class ExternalUserPolicyValidator
{
    public static ExternalUserPolicyValidation Validate(ExternalUserPolicyDocument? document)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (document is null)
        {
            return new ExternalUserPolicyValidation.Invalid(new Dictionary<string, string[]>
            {
                ["$"] = ["Send the whole policy as a JSON object."],
            });
        }

        var verification = VerificationRequirement.Required;
        if (document.Verification is null)
        {
            Add(Fields.Verification, "This field is missing. Choose \"required\" or \"off\".");
        }
        else if (!PolicyWireNames.TryParseRequirement(document.Verification, out verification))
        {
            Add(Fields.Verification, "Choose \"required\" or \"off\".");
        }

        var reverifyEvery = TimeSpan.Zero;
        if (document.ReverifyEvery is null)
        {
            Add(Fields.ReverifyEvery, "This field is missing. Give an interval such as P7D (7 days), or PT0S to verify at every sign-in.");
        }
        else if (!IsoDuration.TryParse(document.ReverifyEvery, out reverifyEvery, out var durationError))
        {
            Add(Fields.ReverifyEvery, durationError);
        }
        else if (reverifyEvery != TimeSpan.Zero
            && (reverifyEvery < ExternalUserPolicy.MinReverifyEvery || reverifyEvery > ExternalUserPolicy.MaxReverifyEvery))
        {
            Add(Fields.ReverifyEvery, "Choose an interval from 5 minutes (PT5M) to 365 days (P365D), or PT0S to verify at every sign-in.");
        }

        var methods = new List<VerificationMethod>();
        if (document.Methods is null)
        {
            Add(Fields.Methods, "This field is missing. List at least one of \"email_otp\" and \"totp\".");
        }
        else if (document.Methods.Count == 0)
        {
            Add(Fields.Methods, "List at least one of \"email_otp\" and \"totp\".");
        }
        else
        {
            foreach (var text in document.Methods)
            {
                if (!PolicyWireNames.TryParseMethod(text, out var method))
                {
                    Add(Fields.Methods, $"\"{text}\" is not a verification method. Use \"email_otp\" or \"totp\".");
                }
                else if (methods.Contains(method))
                {
                    Add(Fields.Methods, $"\"{text}\" is listed more than once.");
                }
                else
                {
                    methods.Add(method);
                }
            }
        }

        var requireTwoStep = document.RequireTwoStepVerification ?? false;
        if (document.RequireTwoStepVerification is null)
        {
            Add(Fields.RequireTwoStepVerification, "This field is missing. Give true or false.");
        }
        else if (requireTwoStep && document.Methods is not null && !methods.Contains(VerificationMethod.Totp))
        {
            Add(Fields.RequireTwoStepVerification, "Two-step verification uses an authenticator app, so \"totp\" must be one of the methods.");
        }

        var apiTokens = ApiTokenAccess.Block;
        if (document.ApiTokens is null)
        {
            Add(Fields.ApiTokens, "This field is missing. Choose \"allow\" or \"block\".");
        }
        else if (!PolicyWireNames.TryParseApiTokenAccess(document.ApiTokens, out apiTokens))
        {
            Add(Fields.ApiTokens, "Choose \"allow\" or \"block\".");
        }

        if (document.ApiTokenMaxLifetimeDays is not { } maxDays)
        {
            Add(Fields.ApiTokenMaxLifetimeDays, "This field is missing. Give a number of days from 1 to 365.");
            maxDays = 0;
        }
        else if (maxDays is < ExternalUserPolicy.MinApiTokenLifetimeDays or > ExternalUserPolicy.MaxApiTokenLifetimeDays)
        {
            Add(Fields.ApiTokenMaxLifetimeDays, "Give a number of days from 1 to 365.");
        }

        if (errors.Count > 0)
        {
            return new ExternalUserPolicyValidation.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }

        return new ExternalUserPolicyValidation.Valid(new ExternalUserPolicy
        {
            Verification = verification,
            ReverifyEvery = reverifyEvery,
            Methods = methods,
            RequireTwoStepVerification = requireTwoStep,
            ApiTokens = apiTokens,
            ApiTokenMaxLifetimeDays = maxDays,
        });
    }
}
