using System.Text.Json;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Tests.Policy;

public class ExternalUserPolicyValidatorTests
{
    private static readonly ExternalUserPolicyDocument ValidDocument = new()
    {
        Verification = "required",
        ReverifyEvery = "P7D",
        Methods = ["email_otp", "totp"],
        RequireTwoStepVerification = false,
        ApiTokens = "allow",
        ApiTokenMaxLifetimeDays = 365,
    };

    private static ExternalUserPolicy AssertValid(ExternalUserPolicyDocument document) =>
        Assert.IsType<ExternalUserPolicyValidation.Valid>(ExternalUserPolicyValidator.Validate(document)).Policy;

    private static IReadOnlyDictionary<string, string[]> AssertInvalid(ExternalUserPolicyDocument? document) =>
        Assert.IsType<ExternalUserPolicyValidation.Invalid>(ExternalUserPolicyValidator.Validate(document)).Errors;

    [Fact]
    public void The_documented_example_becomes_a_policy()
    {
        var policy = AssertValid(ValidDocument);

        Assert.Equal(VerificationRequirement.Required, policy.Verification);
        Assert.Equal(TimeSpan.FromDays(7), policy.ReverifyEvery);
        Assert.Equal([VerificationMethod.EmailOtp, VerificationMethod.Totp], policy.Methods);
        Assert.False(policy.RequireTwoStepVerification);
        Assert.Equal(ApiTokenAccess.Allow, policy.ApiTokens);
        Assert.Equal(365, policy.ApiTokenMaxLifetimeDays);
    }

    [Fact]
    public void The_documented_json_with_its_camel_case_names_is_read_into_the_document()
    {
        const string json = """
            {"verification":"off","reverifyEvery":"PT1H","methods":["totp"],
             "requireTwoStepVerification":true,"apiTokens":"block","apiTokenMaxLifetimeDays":30}
            """;

        var policy = AssertValid(JsonSerializer.Deserialize<ExternalUserPolicyDocument>(json)!);

        Assert.Equal(VerificationRequirement.Off, policy.Verification);
        Assert.Equal(TimeSpan.FromHours(1), policy.ReverifyEvery);
        Assert.Equal([VerificationMethod.Totp], policy.Methods);
        Assert.True(policy.RequireTwoStepVerification);
        Assert.Equal(ApiTokenAccess.Block, policy.ApiTokens);
        Assert.Equal(30, policy.ApiTokenMaxLifetimeDays);
    }

    [Fact]
    public void Every_missing_field_is_named_in_the_errors()
    {
        var errors = AssertInvalid(JsonSerializer.Deserialize<ExternalUserPolicyDocument>("{}")!);

        Assert.Equal(
            ["apiTokenMaxLifetimeDays", "apiTokens", "methods", "requireTwoStepVerification", "reverifyEvery", "verification"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, messages => Assert.Contains("missing", Assert.Single(messages)));
    }

    [Fact]
    public void A_missing_boolean_is_not_taken_as_false()
    {
        var errors = AssertInvalid(ValidDocument with { RequireTwoStepVerification = null });

        Assert.Equal(["requireTwoStepVerification"], errors.Keys);
    }

    [Fact]
    public void No_document_at_all_is_refused()
    {
        Assert.Contains("$", AssertInvalid(null).Keys);
    }

    [Theory]
    [InlineData("Required")]
    [InlineData("on")]
    [InlineData("")]
    public void Verification_must_be_required_or_off(string value)
    {
        var errors = AssertInvalid(ValidDocument with { Verification = value });

        Assert.Equal(["verification"], errors.Keys);
        Assert.Contains("\"required\" or \"off\"", errors["verification"][0]);
    }

    [Theory]
    [InlineData("PT0S")]
    [InlineData("PT5M")]
    [InlineData("PT1H")]
    [InlineData("P365D")]
    [InlineData("P52W")]
    public void Reverify_interval_of_zero_or_from_five_minutes_to_a_year_is_accepted(string value)
    {
        AssertValid(ValidDocument with { ReverifyEvery = value });
    }

    [Theory]
    [InlineData("PT4M59S")]
    [InlineData("PT1S")]
    [InlineData("P365DT1S")]
    [InlineData("P366D")]
    public void Reverify_interval_outside_the_range_is_refused(string value)
    {
        var errors = AssertInvalid(ValidDocument with { ReverifyEvery = value });

        Assert.Contains("5 minutes", Assert.Single(errors["reverifyEvery"]));
    }

    [Theory]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    public void Reverify_interval_in_years_or_months_is_refused_with_a_suggestion_to_use_days(string value)
    {
        var errors = AssertInvalid(ValidDocument with { ReverifyEvery = value });

        Assert.Contains("days", Assert.Single(errors["reverifyEvery"]));
    }

    [Theory]
    [InlineData("-P1D")]
    [InlineData("weekly")]
    public void Reverify_interval_that_is_negative_or_garbage_is_refused(string value)
    {
        Assert.Equal(["reverifyEvery"], AssertInvalid(ValidDocument with { ReverifyEvery = value }).Keys);
    }

    [Fact]
    public void Methods_cannot_be_empty()
    {
        Assert.Equal(["methods"], AssertInvalid(ValidDocument with { Methods = [] }).Keys);
    }

    [Fact]
    public void Methods_cannot_repeat()
    {
        var errors = AssertInvalid(ValidDocument with { Methods = ["totp", "totp"] });

        Assert.Contains("more than once", Assert.Single(errors["methods"]));
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("TOTP")]
    [InlineData(null)]
    public void Methods_must_be_email_otp_or_totp(string? value)
    {
        var errors = AssertInvalid(ValidDocument with { Methods = ["email_otp", value] });

        Assert.Contains("not a verification method", Assert.Single(errors["methods"]));
    }

    [Fact]
    public void Two_step_verification_needs_totp_among_the_methods()
    {
        var errors = AssertInvalid(ValidDocument with { Methods = ["email_otp"], RequireTwoStepVerification = true });

        Assert.Equal(["requireTwoStepVerification"], errors.Keys);
        Assert.Contains("totp", errors["requireTwoStepVerification"][0]);
    }

    [Theory]
    [InlineData("deny")]
    [InlineData("Allow")]
    public void Api_tokens_must_be_allow_or_block(string value)
    {
        Assert.Equal(["apiTokens"], AssertInvalid(ValidDocument with { ApiTokens = value }).Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(366)]
    public void Api_token_lifetime_must_be_from_one_to_365_days(int days)
    {
        Assert.Equal(["apiTokenMaxLifetimeDays"], AssertInvalid(ValidDocument with { ApiTokenMaxLifetimeDays = days }).Keys);
    }

    [Fact]
    public void Several_bad_fields_are_all_reported_at_once()
    {
        var errors = AssertInvalid(ValidDocument with { Verification = "maybe", ReverifyEvery = "P1Y", ApiTokenMaxLifetimeDays = 0 });

        Assert.Equal(["apiTokenMaxLifetimeDays", "reverifyEvery", "verification"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_stored_policy_reads_back_as_the_same_policy()
    {
        var policy = new ExternalUserPolicy
        {
            Verification = VerificationRequirement.Off,
            ReverifyEvery = TimeSpan.FromHours(36),
            Methods = [VerificationMethod.Totp],
            RequireTwoStepVerification = true,
            ApiTokens = ApiTokenAccess.Block,
            ApiTokenMaxLifetimeDays = 90,
        };

        var document = ExternalUserPolicyDocument.From(policy);

        Assert.Equal("P1DT12H", document.ReverifyEvery);
        Assert.Equal(policy, AssertValid(document));
    }

    [Fact]
    public void The_document_is_written_with_the_published_field_names()
    {
        var json = JsonSerializer.Serialize(ExternalUserPolicyDocument.From(ExternalUserPolicy.Default));

        Assert.Equal(
            """{"verification":"required","reverifyEvery":"P7D","methods":["email_otp","totp"],"requireTwoStepVerification":false,"apiTokens":"allow","apiTokenMaxLifetimeDays":365}""",
            json);
    }
}
