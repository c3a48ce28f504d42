package org.classchain.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;

/**
 * Tells a harness's warm-up when the JIT compiler has gone quiet: a class of 31 peers in one JVM
 * keeps the compiler busy for about a minute (Jetty, Jackson, the crypto), and a click measured
 * meanwhile shares the two cores with it. A classroom's peers run for hours: their clicks meet
 * compiled code. Quiet means the compiler used less than {@code share} of one core over the last
 * {@code window} nanoseconds (long enough to span a long compilation, counted when it ends); a
 * harness also stops waiting after {@code patience} nanoseconds and says so.
 */
final class JitQuiet {
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();
    private final long window;
    private final double share;
    private final long started = System.nanoTime();
    private final long patience;

    JitQuiet(long windowNanos, double share, long patienceNanos) {
        this.window = windowNanos;
        this.share = share;
        this.patience = patienceNanos;
    }

    /** Whether this JVM reports its compile time (without it, no warm-up can wait for quiet). */
    boolean reports() {
        return jit != null && jit.isCompilationTimeMonitoringSupported();
    }

    /** Compilation time so far, in milliseconds (0 when the JVM does not report it). */
    long compileMillis() {
        return reports() ? jit.getTotalCompilationTime() : 0;
    }

    /** Marks the end of one warm-up step; true once the last {@code window} nanoseconds were quiet. */
    boolean stepQuiet() {
        long now = System.nanoTime();
        marks.addLast(new long[] {now, compileMillis()});
        while (marks.size() > 1 && now - marks.peekFirst()[0] > window) {
            long[] first = marks.removeFirst();
            if (now - marks.peekFirst()[0] < window) {
                marks.addFirst(first); // keep the last mark at least a window old
                break;
            }
        }
        long[] first = marks.peekFirst();
        if (now - first[0] < window) {
            return false;
        }
        return marks.peekLast()[1] - first[1] < share * (now - first[0]) / 1e6;
    }

    /** Whether the harness has waited as long as it will. */
    boolean outOfPatience() {
        return System.nanoTime() - started > patience;
    }

    /** Seconds since this watch began. */
    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }
}
