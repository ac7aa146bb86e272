using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using OpenIddict.EntityFrameworkCore.Models;
using StepUpIdp.Infrastructure.Apps;
using StepUpIdp.Infrastructure.Policies;

namespace StepUpIdp.Infrastructure.Data.Registrations;

/// <summary>
/// Moves the <see cref="RegistrationGeneration"/> on whenever a save adds, changes or removes a registration, whoever
/// saves it (admin pages and APIs, the bootstrap command, OpenIddict's own application manager): one place, so no
/// editor can forget to. A save inside a transaction moves it on again at the commit, so a request that read the old
/// rows between the save and the commit cannot keep them.
/// </summary>
public sealed class RegistrationChangeInterceptor(RegistrationGeneration generation) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private static readonly HashSet<Type> Watched =
    [
        typeof(Organisation), typeof(OrganisationDomain), typeof(App), typeof(AppSpace), typeof(AppOrigin),
        typeof(NamedExternalPolicy), typeof(ExternalPolicyDomain), typeof(ExternalPolicyPilotAccount),
        typeof(OpenIddictEntityFrameworkCoreApplication),
    ];

    // Contexts with a registration change saved in a transaction that has not committed yet.
    private readonly ConditionalWeakTable<DbContext, object> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Saved(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Saved(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries().Any(IsRegistrationChange))
        {
            _pending.AddOrUpdate(context, this);
        }
    }

    private void Saved(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out _))
        {
            return;
        }

        if (context.Database.CurrentTransaction is null)
        {
            _pending.Remove(context);
        }

        generation.ChangedLocally();
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _pending.Remove(context))
        {
            generation.ChangedLocally();
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private static bool IsRegistrationChange(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry) =>
        entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && Watched.Contains(Owner(entry.Metadata).ClrType);

    // An owned value (an organisation's default policy) is a change of its owner.
    private static IReadOnlyEntityType Owner(IReadOnlyEntityType type)
    {
        while (type.FindOwnership() is { } ownership)
        {
            type = ownership.PrincipalEntityType;
        }

        return type;
    }
}
