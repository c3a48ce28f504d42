package org.classchain.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lanes, with no bound on wall time: tasks wait on latches and conditions, the grace is the test's, and the coalescing of a periodic trigger runs on an executor the test drives. */
@Timeout(30)
class LaneTest {

    private final PeerThreads shared = PeerThreads.shared(1);
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        shared.close();
        pool.shutdownNow();
    }

    private Lane lane(boolean onShared, String owner) {
        return (onShared ? shared : PeerThreads.dedicated()).lane("test", owner, false);
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = {false, true})
    void runsTasksOneAtATimeInOrderAndSurvivesAFailingOne(boolean onShared) throws Exception {
        Lane lane = lane(onShared, "order");
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 200; i++) {
            int n = i;
            lane.execute(() -> {
                if (running.incrementAndGet() > 1) {
                    overlapped.set(true);
                }
                seen.add(n);
                running.decrementAndGet();
                if (n == 50) {
                    throw new IllegalStateException("a failing task");
                }
            });
        }
        lane.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(overlapped).isFalse();
        assertThat(seen).hasSize(200).isSorted();
        lane.close();
    }

    @Test
    void aBusyLaneOnASharedPoolLetsTheOthersRun() throws Exception {
        // one worker: the busy lane must hand the thread over after a batch, not after all its tasks
        Lane busy = lane(true, "busy");
        Lane other = lane(true, "other");
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch otherRan = new CountDownLatch(1);
        AtomicInteger busyDoneWhenOtherRan = new AtomicInteger(-1);
        AtomicInteger busyDone = new AtomicInteger();
        busy.execute(() -> awaitQuietly(queued)); // holds the worker until every task is queued
        for (int i = 0; i < 1000; i++) {
            busy.execute(busyDone::incrementAndGet);
        }
        other.execute(() -> {
            busyDoneWhenOtherRan.set(busyDone.get());
            otherRan.countDown();
        });
        queued.countDown();
        assertThat(otherRan.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(busyDoneWhenOtherRan.get()).as("busy tasks run before the other lane's").isLessThan(Lane.BATCH);
        busy.close();
        other.close();
    }

    /** A lane like {@link PeerThreads}' own, with the grace before an interrupt and a hook run when close begins. */
    private Lane lane(boolean onShared, Duration grace, Runnable onClose) {
        if (onShared) {
            return new Lane("test-close", pool, null, onClose, grace);
        }
        ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1);
        return new Lane("test-close", own, own, onClose, grace);
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = {false, true})
    void closeWaitsTheGraceForTheRunningTaskAndDropsWhatIsQueued(boolean onShared) throws Exception {
        CountDownLatch closing = new CountDownLatch(1);
        Lane lane = lane(onShared, Duration.ofMinutes(5), closing::countDown);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        lane.execute(() -> {
            started.countDown();
            try {
                closing.await(); // ends on its own once close has begun: within the grace
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        lane.execute(() -> queuedRan.set(true));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        lane.close(); // returns when the running task has ended
        assertThat(interrupted).as("interrupted within the grace").isFalse();
        lane.execute(() -> queuedRan.set(true));
        if (onShared) {
            // the pool's one thread runs in order: once a later task ran there, a drain of the lane would have too
            pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
        assertThat(queuedRan).as("a queued task, or one given after close").isFalse();
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = {false, true})
    void closeInterruptsATaskThatRunsPastTheGrace(boolean onShared) throws Exception {
        Lane lane = lane(onShared, Duration.ofMillis(50), null);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        lane.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        lane.close(); // the grace, the interrupt, and the wait for the task to end
        assertThat(interrupted).isTrue();
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = {false, true})
    void anInterruptOrAnErrorOfOneTaskDoesNotReachTheNext(boolean onShared) throws Exception {
        Lane lane = lane(onShared, "interrupt");
        AtomicBoolean nextSawInterrupt = new AtomicBoolean(true);
        AtomicBoolean ranAfterError = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        lane.execute(() -> { // holds the lane until the rest is queued: all run in one drain of the lane
            try {
                queued.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        lane.execute(() -> Thread.currentThread().interrupt()); // a task that leaves its interrupt behind
        lane.execute(() -> nextSawInterrupt.set(Thread.currentThread().isInterrupted()));
        lane.execute(() -> {
            throw new AssertionError("an Error, not an exception");
        });
        lane.execute(() -> {
            ranAfterError.set(true);
            done.countDown();
        });
        queued.countDown();
        assertThat(done.await(5, TimeUnit.SECONDS)).as("the lane goes on after an Error").isTrue();
        assertThat(nextSawInterrupt).isFalse();
        assertThat(ranAfterError).isTrue();
        lane.close();
    }

    @Test
    void closingADedicatedLaneFromItsOwnTaskDoesNotInterruptThatTask() throws Exception {
        Lane lane = PeerThreads.dedicated().lane("self", "close", false);
        AtomicBoolean interrupted = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(1);
        lane.execute(() -> {
            lane.close();
            interrupted.set(Thread.currentThread().isInterrupted());
            done.countDown();
        });
        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isFalse();
    }

    @Test
    void aDedicatedLaneStopsItsNamedThreadOnClose() throws Exception {
        Lane lane = PeerThreads.dedicated().lane("events", "abcd1234", false);
        CountDownLatch ran = new CountDownLatch(1);
        Thread[] thread = new Thread[1];
        lane.execute(() -> {
            thread[0] = Thread.currentThread();
            ran.countDown();
        });
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(thread[0].getName()).isEqualTo("classchain-events-abcd1234");
        lane.close();
        thread[0].join(2000);
        assertThat(thread[0].isAlive()).isFalse();
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = {false, true})
    void aPeriodicTaskRunsUntilClosedAndNeverOverlaps(boolean onShared) throws Exception {
        PeerThreads threads = onShared ? shared : PeerThreads.dedicated();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        Lane tick = threads.every(Duration.ofMillis(5), "tick", "periodic", () -> {
            if (concurrent.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            sleep(20); // slower than the period
            runs.incrementAndGet();
            concurrent.decrementAndGet();
        });
        Await.until("five runs", Duration.ofSeconds(20), () -> runs.get() >= 5);
        tick.close();
        int atClose = runs.get();
        // time goes on for these threads: once another periodic task has run ten times, a run of
        // the closed one would have come too
        AtomicInteger witness = new AtomicInteger();
        Lane other = threads.every(Duration.ofMillis(5), "tick", "witness", witness::incrementAndGet);
        Await.until("ten runs of another periodic task", Duration.ofSeconds(20), () -> witness.get() >= 10);
        other.close();
        assertThat(runs.get()).as("runs after close").isEqualTo(atClose);
        assertThat(overlapped).isFalse();
    }

    @Test
    void aPeriodicTriggerDuringASlowRunQueuesOneRunNotABacklog() {
        // the test is the executor: nothing runs but when it says
        List<Runnable> executor = new ArrayList<>();
        Lane lane = new Lane("test-coalescing", executor::add, null, null);
        AtomicInteger runs = new AtomicInteger();
        Runnable[] timer = new Runnable[1];
        timer[0] = lane.coalescing(() -> {
            if (runs.incrementAndGet() == 1) {
                for (int i = 0; i < 20; i++) {
                    timer[0].run(); // the timer fires twenty times while the first run is slow
                }
            }
        });
        timer[0].run();
        timer[0].run(); // fired again before the first run began: still one run
        while (!executor.isEmpty()) {
            executor.remove(0).run();
        }
        assertThat(runs).as("the first run and one for the twenty triggers during it").hasValue(2);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
