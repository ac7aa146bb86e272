namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>
/// Takes back a passcode send whose email could not be delivered (<see cref="IPasscodeChallengeStore.RefundAsync"/>):
/// the send leaves the account's send set, so it counts toward neither the cool-down nor the window limit, and the
/// passcode is dropped unless a newer one has replaced it. One atomic step on the account key's slot; the client
/// network's send set is released separately (<see cref="PasscodeScripts.ReleaseIp"/>).
/// KEYS: challenge, sends by account. ARGV: send id, passcode hash.
/// </summary>
internal static class PasscodeRefundScript
{
    public const string Lua = """
        redis.call('ZREM', KEYS[2], ARGV[1])
        if redis.call('HGET', KEYS[1], 'hash') == ARGV[2] then
          redis.call('DEL', KEYS[1])
        end
        return 1
        """;
}
