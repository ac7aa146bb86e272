using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// An EF Core compiled query (<c>EF.CompileAsyncQuery</c>) for the few reads that run on every token request: compiled
/// once instead of translated again per call (docs/performance.md, "Database"). EF Core binds a compiled query to the
/// model it first ran with and refuses any other, and each database provider has its own model, so there is one
/// compilation per model.
/// </summary>
public sealed class PerModelCompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext db) => _byModel.GetOrAdd(db.Model, static (_, compile) => compile(), compile);
}
