using AngleSharp.Html.Dom;

namespace StepUpIdp.Server.Tests.Fixtures;

/// <summary>Checks of what every page owes a person.</summary>
public static class PageAssert
{
    /// <summary>Every visible input has a &lt;label for&gt; naming it.</summary>
    public static void FieldsAreLabelled(Page page)
    {
        foreach (var input in page.Document.QuerySelectorAll("input").OfType<IHtmlInputElement>().Where(i => i.Type != "hidden"))
        {
            Assert.False(string.IsNullOrEmpty(input.Id), $"an input without id on {page.Url}");
            Assert.NotNull(page.Document.QuerySelector($"label[for='{input.Id}']"));
        }
    }
}
