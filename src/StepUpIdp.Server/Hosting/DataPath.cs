namespace StepUpIdp.Server.Hosting;

/// <summary>The folder for the SQLite file, development keys and the outbox (config key <c>DataPath</c>).</summary>
public static class DataPath
{
    public static string Resolve(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["DataPath"];
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(environment.ContentRootPath, ".data")
            : Path.GetFullPath(configured, environment.ContentRootPath);
        Directory.CreateDirectory(path);
        return path;
    }
}
