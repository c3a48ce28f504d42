package org.classchain.core.exec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads peers run on.
 *
 * <p>{@link #dedicated()}, what a peer uses unless told otherwise: every activity of a peer has
 * a thread of its own named {@code classchain-<activity>-<peer>} (events, sync, tick, miner,
 * dispatch, and module threads while modules run), which is what a thread dump of a classroom
 * computer should show. Five or so threads per peer is nothing for one peer, but too many for
 * thousands of peers in one JVM (a simulation, a benchmark): those share one {@link #shared(int)}
 * instance, whose threads are a few workers for the short tasks, one timer, and a pool that grows
 * with the blocking work in flight (catch-up downloads, the dispatcher waiting for a module) and
 * shrinks when it is idle. Peers keep their order guarantees either way: each activity of a
 * peer is a {@link Lane}.
 *
 * <p>{@link #dedicatedWithManualTicks()} is {@link #dedicated()} with periodic tasks that run
 * only at {@link #tick()}: a test that asserts how many times something happens per tick counts
 * ticks, not milliseconds of a loaded machine.
 *
 * <p>Thread-safe. A shared instance is closed by its creator after every peer using it.
 */
public final class PeerThreads implements AutoCloseable {

    private static final Duration IDLE = Duration.ofSeconds(30);

    private final ExecutorService work;
    private final ExecutorService blocking;
    private final ScheduledExecutorService timer;
    /** The periodic tasks {@link #tick()} runs, or null when a timer runs them. */
    private final List<Periodic> manual;

    private record Periodic(Lane lane, Runnable task) {
    }

    private PeerThreads(ExecutorService work, ExecutorService blocking, ScheduledExecutorService timer,
                        List<Periodic> manual) {
        this.work = work;
        this.blocking = blocking;
        this.timer = timer;
        this.manual = manual;
    }

    /** Threads of its own for every lane; nothing to close. */
    public static PeerThreads dedicated() {
        return new PeerThreads(null, null, null, null);
    }

    /**
     * Like {@link #dedicated()}, except that a periodic task ({@link #every}) never runs on a
     * timer: once per {@link #tick()}, whatever its period. For tests that drive time.
     */
    public static PeerThreads dedicatedWithManualTicks() {
        return new PeerThreads(null, null, null, new CopyOnWriteArrayList<>());
    }

    /**
     * Runs every periodic task of these threads once, each on its lane, and returns when all have
     * run (a task whose lane is closed meanwhile is skipped). Only for
     * {@link #dedicatedWithManualTicks()}.
     *
     * @throws IllegalStateException when these threads run periodic tasks on a timer, or a task
     *                               ran longer than a minute
     * @throws InterruptedException when interrupted while a task runs
     */
    public void tick() throws InterruptedException {
        if (manual == null) {
            throw new IllegalStateException("these threads tick on a timer, not by hand");
        }
        for (Periodic p : manual) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            p.lane().execute(() -> {
                try {
                    p.task().run();
                } finally {
                    ran.complete(null);
                }
            });
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!ran.isDone() && manual.contains(p)) { // a closed lane drops the run: stop waiting
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("periodic task " + p.lane() + " ran longer than a minute");
                }
                try {
                    ran.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // not yet: look again (it never completes exceptionally)
                }
            }
        }
    }

    /**
     * Threads shared by every peer given this instance: {@code workers} threads
     * {@code classchain-work-<n>} for short tasks, a timer {@code classchain-timer}, and
     * {@code classchain-blocking-<n>} threads, as many as the blocking work in flight.
     */
    public static PeerThreads shared(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("at least one worker thread, not " + workers);
        }
        ThreadPoolExecutor work = new ThreadPoolExecutor(workers, workers, IDLE.toMillis(), TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), named("classchain-work-"));
        work.allowCoreThreadTimeOut(true);
        ThreadPoolExecutor blocking = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), named("classchain-blocking-"));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named("classchain-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        return new PeerThreads(work, blocking, timer, null);
    }

    /** Whether peers share these threads. */
    public boolean isShared() {
        return work != null;
    }

    /**
     * A lane for one activity of one peer. Dedicated: its own thread
     * {@code classchain-<activity>-<owner>}, stopped when the lane is closed. Shared: on the
     * workers, or, when its tasks may block for long ({@code blocking}), on the growing pool.
     */
    public Lane lane(String activity, String owner, boolean mayBlock) {
        String name = "classchain-" + activity + "-" + owner;
        if (!isShared()) {
            ScheduledThreadPoolExecutor own = ownThread(name);
            return new Lane(name, own, own, null);
        }
        return new Lane(name, mayBlock ? blocking : work, null, null);
    }

    /**
     * A lane that runs {@code task} every {@code period}, the first time one period from now; a run
     * is skipped rather than queued while the previous one has not begun. Closing the lane stops it.
     */
    public Lane every(Duration period, String activity, String owner, Runnable task) {
        String name = "classchain-" + activity + "-" + owner;
        long ms = Math.max(1, period.toMillis());
        if (manual != null) {
            ScheduledThreadPoolExecutor own = ownThread(name);
            Periodic[] entry = new Periodic[1];
            Lane lane = new Lane(name, own, own, () -> manual.remove(entry[0]));
            entry[0] = new Periodic(lane, task);
            manual.add(entry[0]);
            return lane;
        }
        if (!isShared()) {
            ScheduledThreadPoolExecutor own = ownThread(name);
            Lane lane = new Lane(name, own, own, null);
            own.scheduleWithFixedDelay(lane.coalescing(task), ms, ms, TimeUnit.MILLISECONDS);
            return lane;
        }
        ScheduledFuture<?>[] schedule = new ScheduledFuture<?>[1];
        Lane lane = new Lane(name, work, null, () -> schedule[0].cancel(false));
        schedule[0] = timer.scheduleWithFixedDelay(lane.coalescing(task), ms, ms, TimeUnit.MILLISECONDS);
        return lane;
    }

    /**
     * Where a peer's modules run, each command on a thread apart so that it can be timed out.
     * Dedicated: a new pool of at most {@code maxThreads} threads {@code classchain-module-<owner>-<n>}
     * that the caller owns and shuts down. Shared: the growing pool, which the caller must not shut
     * down ({@link #isShared()}).
     */
    public ExecutorService modulePool(String owner, int maxThreads) {
        if (isShared()) {
            return blocking;
        }
        return new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                named("classchain-module-" + owner + "-"));
    }

    /**
     * Threads that help one peer's miner search a nonce, {@code classchain-miner-<owner>-<n>}, at
     * most {@code threads}, started when a search needs them and gone after a minute idle; the
     * caller owns the pool and shuts it down. None (null) when shared or {@code threads} is 0: many
     * peers in one JVM (a simulation, a benchmark's students) mine on one thread each.
     */
    public ExecutorService minerHelpers(String owner, int threads) {
        if (isShared() || threads <= 0) {
            return null;
        }
        return new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                named("classchain-miner-" + owner + "-"));
    }

    /** Stops the shared threads, interrupting what still runs. Nothing for {@link #dedicated()}. */
    @Override
    public void close() {
        if (isShared()) {
            timer.shutdownNow();
            work.shutdownNow();
            blocking.shutdownNow();
        }
    }

    private static ScheduledThreadPoolExecutor ownThread(String name) {
        ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name));
        own.setRemoveOnCancelPolicy(true);
        return own;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> daemon(r, prefix + n.incrementAndGet());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
