using OtpNet;
using StepUpIdp.Infrastructure.TwoStep;

namespace StepUpIdp.Infrastructure.Tests.TwoStep;

public sealed class TotpAlgorithmTests
{
    // RFC 6238 appendix B: the SHA-1 test key, and 59 s -> 94287082 (8 digits), so 287082 with 6 digits.
    private static readonly byte[] RfcKey = "12345678901234567890"u8.ToArray();

    [Fact]
    public void Matches_the_RFC_6238_test_vector_and_names_its_time_step()
    {
        Assert.Equal(1L, TotpAlgorithm.MatchStep(RfcKey, "287082", DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Equal(1L, TotpAlgorithm.MatchStep(RfcKey, "287 082", DateTimeOffset.FromUnixTimeSeconds(59)));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(1, true)]
    [InlineData(-2, false)]
    [InlineData(2, false)]
    public void One_step_of_drift_either_way_is_accepted_and_two_are_not(int steps, bool accepted)
    {
        var now = new DateTimeOffset(2026, 3, 2, 9, 0, 10, TimeSpan.Zero);
        var code = new Totp(RfcKey).ComputeTotp(now.UtcDateTime.AddSeconds(30 * steps));

        Assert.Equal(accepted, TotpAlgorithm.MatchStep(RfcKey, code, now) is not null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public void Anything_but_six_digits_is_not_a_code(string code) => Assert.Null(TotpAlgorithm.Normalize(code));

    [Fact]
    public void The_otpauth_uri_names_issuer_account_and_the_fixed_parameters()
    {
        var secret = TotpAlgorithm.NewSecret();
        var uri = TotpAlgorithm.OtpAuthUri("StepUpIdp", "bob@partner.test", secret);

        Assert.Equal(20, secret.Length);
        Assert.Equal(
            $"otpauth://totp/StepUpIdp:bob%40partner.test?secret={TotpAlgorithm.ManualKey(secret)}&issuer=StepUpIdp&algorithm=SHA1&digits=6&period=30",
            uri);
        Assert.Equal(secret, Base32Encoding.ToBytes(TotpAlgorithm.ManualKey(secret)));
        Assert.StartsWith("data:image/png;base64,", QrCodeImage.PngDataUri(uri));
    }
}

public sealed class RecoveryCodesTests
{
    [Fact]
    public void Ten_distinct_codes_of_eighty_bits_in_four_groups()
    {
        var codes = RecoveryCodes.Generate();

        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$", code));
    }

    [Fact]
    public void Hash_ignores_case_and_separators_and_differs_per_account()
    {
        Assert.Equal(RecoveryCodes.Hash("a1", "7k2m-9q4t-xa3c-0bvw"), RecoveryCodes.Hash("a1", " 7K2M 9Q4T XA3C 0BVW "));
        Assert.NotEqual(RecoveryCodes.Hash("a1", "7k2m-9q4t-xa3c-0bvw"), RecoveryCodes.Hash("a2", "7k2m-9q4t-xa3c-0bvw"));
    }
}
