using System.Collections.Concurrent;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Tests.Hosting;

public sealed class OffRequestQueueTests
{
    [Fact]
    public void A_full_queue_refuses_the_item_and_says_so()
    {
        var queue = new RecordingQueue(capacity: 2);

        Assert.True(queue.Enqueue("a"));
        Assert.True(queue.Enqueue("b"));
        Assert.False(queue.Enqueue("c"));

        Assert.Equal(["c"], queue.Dropped);
    }

    [Fact]
    public async Task The_worker_takes_items_in_order_and_goes_on_after_one_fails()
    {
        var queue = new RecordingQueue(capacity: 10);
        queue.Enqueue("a");
        queue.Enqueue("fail");
        queue.Enqueue("b");

        await queue.StartAsync(CancellationToken.None);
        try
        {
            Assert.True(await queue.AllDone.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await queue.StopAsync(CancellationToken.None);
        }

        Assert.Equal(["a", "b"], queue.Processed);
        Assert.Equal(["fail"], queue.Failed);
        Assert.True(queue.Enqueue("c"), "items taken by the worker free their room");
    }

    private sealed class RecordingQueue(int capacity) : OffRequestQueue<string>(capacity)
    {
        public ConcurrentQueue<string> Processed { get; } = new();
        public ConcurrentQueue<string> Dropped { get; } = new();
        public ConcurrentQueue<string> Failed { get; } = new();
        public TaskCompletionSource<bool> AllDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task ProcessAsync(string item, CancellationToken cancellationToken)
        {
            if (item == "fail")
            {
                throw new InvalidOperationException("the item's work failed");
            }
            Processed.Enqueue(item);
            if (item == "b")
            {
                AllDone.TrySetResult(true);
            }
            return Task.CompletedTask;
        }

        protected override void OnDropped(string item) => Dropped.Enqueue(item);

        protected override void OnFailed(string item, Exception exception) => Failed.Enqueue(item);
    }
}
