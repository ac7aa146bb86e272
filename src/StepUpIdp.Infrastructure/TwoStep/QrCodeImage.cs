using QRCoder;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>Draws an otpauth URI as a PNG data URI, so the enrolment page needs no script and no second request.</summary>
public static class QrCodeImage
{
    public static string PngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
