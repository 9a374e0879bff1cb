using System.ClientModel;
using System.ClientModel.Primitives;
using Deckard.Core.Steps;

namespace Deckard.UnitTests.Pipeline;

public sealed class StepFailureTests
{
    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    public void Only_rate_limits_and_server_errors_from_openai_are_worth_retrying(int status, bool transient)
    {
        var failure = StepFailure.From(new ClientResultException($"HTTP {status} (server_error: )\n\nThe server had an error.", Response(status)));

        Assert.Equal(transient, failure.IsTransient);
        Assert.Contains($"HTTP {status}", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Retry_after_seconds_from_openai_are_kept()
    {
        var failure = StepFailure.From(new ClientResultException("HTTP 429 (requests: rate_limit_exceeded)\n\nSlow down.", Response(429, ("Retry-After", "2"))));

        Assert.Equal(TimeSpan.FromSeconds(2), failure.RetryAfter);
        Assert.Contains("rate-limiting", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_key_says_to_check_the_key()
    {
        var failure = StepFailure.From(new ClientResultException("HTTP 401 (invalid_request_error: invalid_api_key)\n\nIncorrect API key provided.", Response(401)));

        Assert.False(failure.IsTransient);
        Assert.Contains("Check the OpenAI API key", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_decides_itself_whether_its_failure_is_transient()
    {
        Assert.False(StepFailure.From(new StepFailedException("No speech was recognised.")).IsTransient);
        Assert.True(StepFailure.From(new StepFailedException("The router answered without a tool.", isTransient: true)).IsTransient);
    }

    [Fact]
    public void A_network_failure_is_transient_and_an_unexpected_bug_is_not()
    {
        Assert.True(StepFailure.From(new HttpRequestException("connection refused")).IsTransient);
        Assert.False(StepFailure.From(new InvalidOperationException("bug")).IsTransient);
    }

    private static PipelineResponse Response(int status, params (string Name, string Value)[] headers)
    {
        var response = new TestResponse(status);
        foreach (var (name, value) in headers)
        {
            response.HeaderValues[name] = value;
        }

        return response;
    }

    private sealed class TestResponse(int status) : PipelineResponse
    {
        public Dictionary<string, string> HeaderValues { get; } = new(StringComparer.OrdinalIgnoreCase);

        public override int Status => status;

        public override string ReasonPhrase => "";

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override BinaryData Content => BinaryData.FromString("");

        protected override PipelineResponseHeaders HeadersCore => new DictionaryHeaders(HeaderValues);

        public override BinaryData BufferContent(CancellationToken cancellationToken = default) => Content;

        public override ValueTask<BinaryData> BufferContentAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Content);

        public override void Dispose()
        {
        }

        private sealed class DictionaryHeaders(Dictionary<string, string> values) : PipelineResponseHeaders
        {
            public override bool TryGetValue(string name, out string? value)
            {
                var found = values.TryGetValue(name, out var text);
                value = text;
                return found;
            }

            public override bool TryGetValues(string name, out IEnumerable<string>? value)
            {
                var found = values.TryGetValue(name, out var text);
                value = found ? [text!] : null;
                return found;
            }

            public override IEnumerator<KeyValuePair<string, string>> GetEnumerator() => values.GetEnumerator();
        }
    }
}
