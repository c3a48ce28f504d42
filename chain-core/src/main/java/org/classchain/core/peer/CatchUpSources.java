package org.classchain.core.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What this peer holds against each source its {@link CatchUp} catches up from: whether a catch-up from it runs,
 * its back-off after failing or serving nothing new (half a second, doubling up to
 * {@link #MAX_BACK_OFF}, by the peer's clock; a clock set back does not stretch it), and the
 * page size it is asked for (a quarter after a page timed out, doubling again with each full
 * page that came quickly). Thread-safe.
 */
final class CatchUpSources {
    static final Duration FIRST_BACK_OFF = Duration.ofMillis(500);
    static final Duration MAX_BACK_OFF = Duration.ofSeconds(8);
    /** Sources remembered at most (those backed off or given smaller pages; the others are forgotten). */
    static final int MAX_REMEMBERED = 1024;

    private static final class State {
        boolean running;
        int failures;
        long until;
        int limit = CatchUp.PAGE;
    }

    private final Clock clock;
    private final Map<String, State> states = new HashMap<>();

    CatchUpSources(Clock clock) {
        this.clock = clock;
    }

    /** Marks a catch-up from {@code address} as running; false when one runs already or it is backed off. */
    synchronized boolean begin(String address) {
        State s = states.get(address);
        if (s != null && (s.running || backedOff(s))) {
            return false;
        }
        if (s == null) {
            makeRoom();
            s = new State();
            states.put(address, s);
        }
        s.running = true;
        return true;
    }

    /** Records how a catch-up from {@code address} ended. */
    synchronized void end(String address, CatchUp.Outcome outcome) {
        State s = states.get(address);
        if (s == null) {
            return;
        }
        s.running = false;
        if (outcome == CatchUp.Outcome.PROGRESS) {
            s.failures = 0;
            s.until = 0;
        } else if (outcome == CatchUp.Outcome.NOTHING_NEW || outcome == CatchUp.Outcome.FAILED) {
            s.failures++;
            long doubled = FIRST_BACK_OFF.toMillis() << Math.min(s.failures - 1, 20);
            s.until = clock.millis() + Math.min(MAX_BACK_OFF.toMillis(), doubled);
        }
        forgetIfPlain(address, s);
    }

    /** Whether no catch-up from {@code address} runs and it is not backed off. */
    synchronized boolean idle(String address) {
        State s = states.get(address);
        return s == null || !s.running && !backedOff(s);
    }

    /** How long {@code address} stays backed off (zero when it is not). */
    synchronized Duration backOff(String address) {
        State s = states.get(address);
        return s == null || !backedOff(s) ? Duration.ZERO : Duration.ofMillis(s.until - clock.millis());
    }

    /** The page size to ask {@code address} for. */
    synchronized int limit(String address) {
        State s = states.get(address);
        return s == null ? CatchUp.PAGE : s.limit;
    }

    /** A page from {@code address} did not come in time: smaller pages from now on. */
    synchronized void timedOut(String address) {
        State s = states.get(address);
        if (s != null) {
            s.limit = Math.max(1, s.limit / 4);
        }
    }

    /** A full page from {@code address} came quickly: larger pages again, up to {@link CatchUp#PAGE}. */
    synchronized void quick(String address) {
        State s = states.get(address);
        if (s != null) {
            s.limit = Math.min(CatchUp.PAGE, s.limit * 2);
            forgetIfPlain(address, s);
        }
    }

    private boolean backedOff(State s) {
        long left = s.until - clock.millis();
        return left > 0 && left <= MAX_BACK_OFF.toMillis();
    }

    private void forgetIfPlain(String address, State s) {
        if (!s.running && s.failures == 0 && s.limit == CatchUp.PAGE) {
            states.remove(address);
        }
    }

    /** When full, forgets a source neither caught up from nor backed off, else the first not caught up from. */
    private void makeRoom() {
        if (states.size() < MAX_REMEMBERED) {
            return;
        }
        String victim = null;
        for (Iterator<Map.Entry<String, State>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, State> e = it.next();
            if (!e.getValue().running) {
                if (!backedOff(e.getValue())) {
                    it.remove();
                    return;
                }
                victim = victim == null ? e.getKey() : victim;
            }
        }
        if (victim != null) {
            states.remove(victim);
        }
    }

    /** How many sources are remembered (tests). */
    synchronized int size() {
        return states.size();
    }
}
