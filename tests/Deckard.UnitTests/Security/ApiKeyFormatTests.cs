using Deckard.Core.Identity;

namespace Deckard.UnitTests.Security;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void A_generated_key_carries_its_prefix_and_looks_like_a_key()
    {
        var (key, prefix) = ApiKeyFormat.Generate();

        Assert.StartsWith($"dk_{prefix}_", key, StringComparison.Ordinal);
        Assert.Equal(8, prefix.Length);
        Assert.True(ApiKeyFormat.LooksLikeKey(key));
        Assert.True(key.Length >= 50, "256 random bits after the prefix");
    }

    [Fact]
    public void Two_keys_never_repeat_and_hash_differently()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.Generate().Key).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(keys.Count, keys.Select(key => Convert.ToHexString(ApiKeyFormat.Hash(key))).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("deckard-dev-key")]
    [InlineData("dk_short")]
    [InlineData("dk_abcdefghXsecret")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.sig")]
    public void Other_tokens_do_not_look_like_keys(string token) => Assert.False(ApiKeyFormat.LooksLikeKey(token));

    [Theory]
    [InlineData("alice", true)]
    [InlineData("0b5a9d0e-8f7c-4c65-9d47-3f1b1a2b3c4d", true)]
    [InlineData("user@example.com", true)]
    [InlineData("", false)]
    [InlineData("-leading-dash", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("alice\n", false)]
    [InlineData("name with spaces", false)]
    public void Principals_are_plain_names(string principal, bool valid) => Assert.Equal(valid, Principals.IsValid(principal));

    [Fact]
    public void A_principal_is_at_most_128_characters() =>
        Assert.False(Principals.IsValid(new string('a', 129)));
}
