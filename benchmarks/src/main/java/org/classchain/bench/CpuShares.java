package org.classchain.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU a stretch of work used, whole and by kind of thread: what sets the floor under a
 * latency when every peer shares the same cores. Thread names are grouped into kinds as in the
 * harness's thread census (a peer's node-id suffix and digits dropped); the process's CPU beyond
 * its Java threads is the JVM's own (garbage collection, the JIT compiler), which
 * {@link ThreadMXBean} does not list. Threads that end inside the stretch are not counted by kind
 * (they are in the process total). Not thread-safe: one harness thread takes both snapshots.
 */
final class CpuShares {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os = osBean();
    private final Map<Long, Long> startByThread = new HashMap<>();
    private final long processStart;

    /** Takes the first snapshot. */
    CpuShares() {
        processStart = processNanos();
        if (threads.isThreadCpuTimeSupported()) {
            for (long id : threads.getAllThreadIds()) {
                long ns = threads.getThreadCpuTime(id);
                if (ns >= 0) {
                    startByThread.put(id, ns);
                }
            }
        }
    }

    /** Whether the process's CPU time is known (without it there is nothing to report). */
    boolean measures() {
        return os != null && processStart >= 0;
    }

    /**
     * The CPU used since the first snapshot, in milliseconds per unit of work: the whole process,
     * then the kinds of thread that used the most (at most {@code top}), then the JVM's own.
     */
    String perUnit(int units, int top) {
        double per = Math.max(1, units);
        long process = processNanos() - processStart;
        Map<String, Long> byKind = new TreeMap<>();
        long javaThreads = 0;
        if (threads.isThreadCpuTimeSupported()) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                long ns = threads.getThreadCpuTime(t.getId());
                if (ns < 0) {
                    continue;
                }
                long used = ns - startByThread.getOrDefault(t.getId(), 0L);
                javaThreads += used;
                byKind.merge(kind(t.getName()), used, Long::sum);
            }
        }
        StringBuilder b = new StringBuilder(Results.f("%.1f ms of CPU a click (%.1f ms on each of %d cores)",
                process / 1e6 / per, process / 1e6 / per / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors()));
        b.append("; by thread kind:");
        byKind.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(top)
                .forEach(e -> b.append(Results.f(" %s %.1f;", e.getKey(), e.getValue() / 1e6 / per)));
        b.append(Results.f(" the JVM's own (GC, JIT) %.1f", Math.max(0, process - javaThreads) / 1e6 / per));
        return b.toString();
    }

    /** A thread's kind: its name without a peer's node-id suffix, digits folded into '#'. */
    static String kind(String threadName) {
        return threadName.replaceAll("-[0-9a-f]{8}$", "-<peer>").replaceAll("[0-9]+", "#");
    }

    private long processNanos() {
        return os == null ? -1 : os.getProcessCpuTime();
    }

    private static com.sun.management.OperatingSystemMXBean osBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o
                ? o : null;
    }
}
