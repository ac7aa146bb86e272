using StepUpIdp.Domain.People;

namespace StepUpIdp.Domain.Tests.People;

public class PagingTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("7", 7)]
    public void A_page_given_as_a_whole_number_or_not_at_all_is_read(string? raw, int? expected)
    {
        var errors = new FieldErrors();
        Assert.Equal(expected, Paging.Parse(raw, "page", errors));
        Assert.Equal(0, errors.Count);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("99999999999")]
    [InlineData("1,2")]
    public void Anything_else_is_an_error_on_the_field(string raw)
    {
        var errors = new FieldErrors();
        Assert.Null(Paging.Parse(raw, "pageSize", errors));
        Assert.True(errors.ToDictionary().ContainsKey("pageSize"));
    }
}
