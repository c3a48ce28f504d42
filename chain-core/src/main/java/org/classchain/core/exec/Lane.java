package org.classchain.core.exec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on a thread of its own or on a pool shared with
 * other lanes: what one peer activity (its events, its catch-up, its miner) needs. Made by
 * {@link PeerThreads}.
 *
 * <p>Thread-safe. A task that throws (an {@link Error} too) is logged and the lane goes on. On a shared pool a lane
 * runs a few tasks, then lets the other lanes have the thread. {@link #close()} drops the tasks
 * not yet begun, waits a short grace for the one running, then interrupts it.
 */
public final class Lane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    /** Tasks run in a row before a lane on a shared pool gives the thread back. */
    static final int BATCH = 32;
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final String name;
    private final Executor executor;
    private final ExecutorService owned; // the lane's own thread, or null on a shared pool
    private final Runnable onClose;
    private final Duration grace;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled; // a drain is queued on or running in the executor
    private Thread runner;     // the thread running one of our tasks now, or null
    private boolean closed;

    Lane(String name, Executor executor, ExecutorService owned, Runnable onClose) {
        this(name, executor, owned, onClose, GRACE);
    }

    /** @param grace how long {@link #close()} waits for the running task before it interrupts it (tests) */
    Lane(String name, Executor executor, ExecutorService owned, Runnable onClose, Duration grace) {
        this.name = name;
        this.executor = executor;
        this.owned = owned;
        this.onClose = onClose;
        this.grace = grace;
    }

    /** Queues a task behind those queued before; ignored after {@link #close()}. */
    public void execute(Runnable task) {
        synchronized (this) {
            if (closed) {
                return;
            }
            tasks.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        schedule();
    }

    /**
     * Returns a task that queues {@code task} here unless a run of it is queued already and not yet
     * begun: for a trigger that may fire faster than the task runs (a periodic tick, a wake-up). A
     * trigger during a run queues one more run, so work added while a run drains is never missed.
     */
    public Runnable coalescing(Runnable task) {
        AtomicBoolean queued = new AtomicBoolean();
        Runnable run = () -> {
            queued.set(false);
            task.run();
        };
        return () -> {
            if (queued.compareAndSet(false, true)) {
                execute(run);
            }
        };
    }

    private void schedule() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                scheduled = false;
                tasks.clear();
            }
            if (!closed) {
                LOG.warn("lane {}: its threads are shut down; tasks dropped", name);
            }
        }
    }

    private void drain() {
        for (int n = 0; ; n++) {
            Runnable task;
            synchronized (this) {
                task = closed ? null : tasks.peek();
                if (task == null) {
                    scheduled = false;
                    runner = null;
                    notifyAll();
                    return;
                }
                if (n == BATCH && owned == null) {
                    runner = null; // let the other lanes of the pool have the thread; we go on after them
                    break;
                }
                tasks.poll();
                runner = Thread.currentThread();
            }
            try {
                task.run();
            } catch (Throwable e) { // an Error too: one bad task (a mod's listener, say) must not stop the lane
                LOG.error("lane {}: a task failed", name, e);
            } finally {
                synchronized (this) {
                    runner = null;
                    notifyAll();
                }
                // an interrupt meant for this task (close) or left by it must not reach the next one
                Thread.interrupted();
            }
        }
        schedule();
    }

    /**
     * Stops taking tasks, drops those not begun, waits up to two seconds for the running one,
     * then interrupts it and waits as long again. Idempotent.
     */
    @Override
    public void close() {
        boolean fromOwnTask;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            tasks.clear();
            fromOwnTask = runner == Thread.currentThread();
        }
        if (onClose != null) {
            onClose.run();
        }
        try {
            if (!awaitIdle(grace)) {
                synchronized (this) {
                    if (runner != null) {
                        runner.interrupt();
                    }
                }
                if (!awaitIdle(grace)) {
                    LOG.warn("lane {}: a task ignores its interrupt and keeps running", name);
                }
            }
            if (owned != null && fromOwnTask) {
                owned.shutdown(); // not shutdownNow: that would interrupt the caller, our own task
            } else if (owned != null) {
                owned.shutdownNow();
                owned.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runner != null && runner != Thread.currentThread()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    @Override
    public String toString() {
        return "Lane[" + name + "]";
    }
}
