package org.classchain.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU a stretch of work used, whole and by kind of thread: what sets the floor under a
 * latency when every peer shares the same cores. Thread names are grouped into kinds as in the
 * harness's thread census (a peer's node id, or its first 8 hex digits, and digits dropped); the
 * process's CPU beyond its live Java threads is the JVM's own (garbage collection, the JIT
 * compiler: {@link ThreadMXBean} does not list their threads) and that of Java threads that ended
 * inside the stretch. GC pause time is reported beside it (the harness reports compile time).
 * Not thread-safe: one harness thread takes both snapshots.
 */
final class CpuShares {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os = osBean();
    private final Map<Long, Long> startByThread = new HashMap<>();
    private final long processStart;
    private final long gcStart = gcMillis();

    /** Takes the first snapshot. */
    CpuShares() {
        processStart = processNanos();
        if (byThread()) {
            for (long id : threads.getAllThreadIds()) {
                long ns = threads.getThreadCpuTime(id);
                if (ns >= 0) {
                    startByThread.put(id, ns);
                }
            }
        }
    }

    private boolean byThread() {
        return threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
    }

    /** Whether the process's CPU time is known (without it there is nothing to report). */
    boolean measures() {
        return os != null && processStart >= 0;
    }

    /**
     * The CPU used since the first snapshot, in milliseconds per unit of work: the whole process,
     * then the kinds of thread that used the most (at most {@code top}) and the other kinds
     * together, then the rest (the JVM's own and ended threads), then the GC's pauses.
     */
    String perUnit(int units, int top) {
        double per = Math.max(1, units);
        long process = processNanos() - processStart;
        Map<String, Long> byKind = new TreeMap<>();
        long javaThreads = 0;
        if (byThread()) {
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
        int cores = Runtime.getRuntime().availableProcessors();
        StringBuilder b = new StringBuilder(Results.f("%.1f ms of CPU a click (%.1f ms on each of %d cores)",
                process / 1e6 / per, process / 1e6 / per / cores, cores));
        if (!byThread()) {
            return b.append("; this JVM does not measure its threads' CPU").toString();
        }
        b.append("; by thread kind:");
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(byKind.entrySet());
        sorted.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        long listed = 0;
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            b.append(Results.f(" %s %.1f;", e.getKey(), e.getValue() / 1e6 / per));
            listed += e.getValue();
        }
        b.append(Results.f(" %d other kinds %.1f; the JVM's own and ended threads %.1f", Math.max(0, sorted.size() - top),
                (javaThreads - listed) / 1e6 / per, (process - javaThreads) / 1e6 / per));
        b.append(Results.f(" (GC pauses %.1f ms a click; compiling: the line above)", (gcMillis() - gcStart) / per));
        return b.toString();
    }

    /**
     * A thread's kind: its name with a peer's node id (whole, or its first 8 hex digits) as
     * {@code <peer>}, before a dash or at the end, and other digits folded into '#'.
     */
    static String kind(String threadName) {
        return threadName.replaceAll("-[0-9a-f]{8,}(?=-|$)", "-<peer>").replaceAll("[0-9]+", "#");
    }

    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private long processNanos() {
        return os == null ? -1 : os.getProcessCpuTime();
    }

    private static com.sun.management.OperatingSystemMXBean osBean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean o
                ? o : null;
    }
}
