using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StepUpIdp.Infrastructure.Telemetry;

/// <summary>
/// The IdP's own instruments, on the meter <c>StepUpIdp</c> (docs/operations.md lists them). Every call site is one line;
/// an instrument nobody listens to costs a check of one flag, so hot paths stay as they were.
/// </summary>
public static class IdpMetrics
{
    public const string MeterName = "StepUpIdp";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> SignIns = Meter.CreateCounter<long>(
        "stepupidp.sign_ins", "{sign-in}", "Password sign-ins by result: success, wrong_password, locked, unknown.");

    private static readonly Counter<long> PasscodesSent = Meter.CreateCounter<long>(
        "stepupidp.passcodes.sent", "{passcode}", "Emailed passcodes delivered to the mail server.");

    private static readonly Counter<long> PasscodeSendsRefused = Meter.CreateCounter<long>(
        "stepupidp.passcodes.send_refused", "{passcode}", "Passcode sends refused, by reason: cooldown, rate_limited, locked, delivery_failed.");

    private static readonly Counter<long> PasscodesVerified = Meter.CreateCounter<long>(
        "stepupidp.passcodes.verified", "{passcode}", "Emailed passcodes entered correctly.");

    private static readonly Counter<long> PasscodesFailed = Meter.CreateCounter<long>(
        "stepupidp.passcodes.failed", "{passcode}", "Emailed passcode tries that failed, by reason: wrong, expired, too_many, locked.");

    private static readonly Counter<long> LockOuts = Meter.CreateCounter<long>(
        "stepupidp.lockouts", "{lock-out}", "Lock-outs set, by kind: password (sign-in) or verification (passcodes, authenticator and recovery codes).");

    private static readonly Counter<long> TokensIssued = Meter.CreateCounter<long>(
        "stepupidp.tokens.issued", "{response}", "Successful token endpoint responses, by grant type.");

    private static readonly Histogram<double> RedisDuration = Meter.CreateHistogram<double>(
        "stepupidp.redis.duration", "s", "Duration of the IdP's Redis operations (one store call: a command or a script, or two for a passcode send).");

    private static readonly Histogram<double> DatabaseDuration = Meter.CreateHistogram<double>(
        "stepupidp.database.duration", "s", "Duration of database commands.");

    public static void SignIn(string result) => SignIns.Add(1, new KeyValuePair<string, object?>("result", result));

    public static void PasscodeSent() => PasscodesSent.Add(1);

    public static void PasscodeSendRefused(string reason) => PasscodeSendsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void PasscodeVerified() => PasscodesVerified.Add(1);

    public static void PasscodeFailed(string reason) => PasscodesFailed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void LockedOut(string kind) => LockOuts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void TokenIssued(string grantType) => TokensIssued.Add(1, new KeyValuePair<string, object?>("grant_type", grantType));

    /// <summary>Records a Redis operation that began at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void RedisOperation(long startTimestamp, bool failed)
    {
        if (RedisDuration.Enabled)
        {
            RedisDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, new KeyValuePair<string, object?>("outcome", failed ? "error" : "ok"));
        }
    }

    public static void DatabaseCommand(TimeSpan duration)
    {
        if (DatabaseDuration.Enabled)
        {
            DatabaseDuration.Record(duration.TotalSeconds);
        }
    }
}
