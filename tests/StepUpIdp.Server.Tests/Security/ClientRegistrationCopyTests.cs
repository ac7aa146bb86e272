using OpenIddict.EntityFrameworkCore.Models;
using StepUpIdp.Server.Oidc;

namespace StepUpIdp.Server.Tests.Security;

/// <summary>A cached client registration is handed out as a copy with every stored field: none left at its default.</summary>
public sealed class ClientRegistrationCopyTests
{
    [Fact]
    public void Every_settable_field_is_copied_and_related_rows_are_not_shared()
    {
        var original = new OpenIddictEntityFrameworkCoreApplication();
        var settable = typeof(OpenIddictEntityFrameworkCoreApplication).GetProperties().Where(p => p.CanWrite && p.PropertyType == typeof(string)).ToList();
        Assert.NotEmpty(settable);
        foreach (var property in settable)
        {
            property.SetValue(original, "value of " + property.Name);
        }

        var copy = ClientRegistrationCopy.Of(original);

        Assert.All(settable, property => Assert.Equal("value of " + property.Name, property.GetValue(copy)));
        Assert.DoesNotContain(typeof(OpenIddictEntityFrameworkCoreApplication).GetProperties(), p => p.CanWrite && p.PropertyType != typeof(string));
        Assert.NotSame(original.Tokens, copy.Tokens);
        Assert.NotSame(original.Authorizations, copy.Authorizations);
    }
}
