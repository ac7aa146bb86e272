namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>
/// Takes back a passcode send whose email could not be delivered (<see cref="IPasscodeChallengeStore.RefundAsync"/>):
/// the send leaves both send sets, so it counts toward neither the cool-down nor the window limits, and the passcode
/// is dropped unless a newer one has replaced it. One atomic step, like the scripts of <see cref="PasscodeScripts"/>.
/// KEYS: challenge, sends by account, sends by IP. ARGV: send id, passcode hash.
/// </summary>
internal static class PasscodeRefundScript
{
    public const string Lua = """
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        if redis.call('HGET', KEYS[1], 'hash') == ARGV[2] then
          redis.call('DEL', KEYS[1])
        end
        return 1
        """;
}
