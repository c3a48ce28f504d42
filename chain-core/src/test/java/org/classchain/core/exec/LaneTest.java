package org.classchain.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class LaneTest {

    private final PeerThreads shared = PeerThreads.shared(1);

    @AfterEach
    void close() {
        shared.close();
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
        CountDownLatch otherRan = new CountDownLatch(1);
        AtomicInteger busyDoneWhenOtherRan = new AtomicInteger(-1);
        AtomicInteger busyDone = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            busy.execute(() -> {
                sleep(1);
                busyDone.incrementAndGet();
            });
        }
        other.execute(() -> {
            busyDoneWhenOtherRan.set(busyDone.get());
            otherRan.countDown();
        });
        assertThat(otherRan.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(busyDoneWhenOtherRan.get()).isLessThan(100);
        busy.close();
        other.close();
    }

    @ParameterizedTest(name = "shared={0}")
    @ValueSource(booleans = {false, true})
    void closeDropsWhatIsQueuedAndInterruptsWhatRunsPastTheGrace(boolean onShared) throws Exception {
        Lane lane = lane(onShared, "close");
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        lane.execute(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        lane.execute(() -> queuedRan.set(true));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        long t0 = System.nanoTime();
        lane.close();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(interrupted).isTrue();
        assertThat(tookMs).isBetween(1_500L, 10_000L); // the grace, then the interrupt
        lane.execute(() -> queuedRan.set(true));
        Thread.sleep(100);
        assertThat(queuedRan).isFalse();
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
    void aPeriodicTaskRunsUntilClosedAndNeverPilesUp(boolean onShared) throws Exception {
        PeerThreads threads = onShared ? shared : PeerThreads.dedicated();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        Lane tick = threads.every(Duration.ofMillis(5), "tick", "periodic", () -> {
            if (concurrent.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            sleep(20); // slower than the period: runs are skipped, not queued
            runs.incrementAndGet();
            concurrent.decrementAndGet();
        });
        Thread.sleep(500);
        tick.close();
        int atClose = runs.get();
        Thread.sleep(200);
        assertThat(atClose).isBetween(5, 30);
        assertThat(runs.get()).isEqualTo(atClose);
        assertThat(overlapped).isFalse();
    }

    @Test
    void aSlowRunOfAPeriodicTaskOnSharedThreadsIsFollowedByOneRunNotABacklog() throws Exception {
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        AtomicLong slowEnded = new AtomicLong();
        Lane tick = shared.every(Duration.ofMillis(20), "tick", "coalescing", () -> {
            starts.add(System.nanoTime());
            if (starts.size() == 3) {
                sleep(400); // the timer fires about 20 times meanwhile
                slowEnded.set(System.nanoTime());
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (slowEnded.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        tick.close();
        assertThat(slowEnded.get()).isPositive();
        long inWindow;
        synchronized (starts) {
            // runs in the 50 ms after the slow one: the one queued meanwhile and two or three on time,
            // not the twenty that fired while it ran
            inWindow = starts.stream().filter(t -> t >= slowEnded.get() && t - slowEnded.get() < 50_000_000).count();
        }
        assertThat(inWindow).isBetween(1L, 5L);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
