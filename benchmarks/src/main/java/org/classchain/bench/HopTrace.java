package org.classchain.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.PeerListener;
import org.classchain.Receipt;

/**
 * The click harness's trace ({@code -Dbench.trace=true}): System.nanoTime per command's block at
 * each step of its way, seen from outside the peers (their transports and listeners), so that a
 * hop's time splits into where it waits: the teacher's block on its chain → the teacher's POST to
 * a neighbour started → the neighbour's handler entered → its reply (the intake) → the block on the
 * neighbour's chain → its relay POSTs started → its receipt made → the receipt's POST started → the
 * receipt at the teacher. Instrumentation of the benchmark only.
 */
final class HopTrace {

    enum Kind { APPENDED, SEND_START, SEND_DONE, RECEIVED, HANDLED, DISPATCHED, RECEIPT_SEND, RECEIPT_KEPT }

    record Event(Kind kind, UUID command, int peer, int other, long nanos) {
    }

    static final boolean ON = Boolean.getBoolean("bench.trace");

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Integer> byNode = new ConcurrentHashMap<>();
    volatile boolean recording;

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** Wall and CPU nanoseconds of each call to send a block announcement (the calling thread's). */
    private final ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>();

    static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    void call(UUID command, long wallNanos, long cpuNanos) {
        if (recording && command != null) {
            calls.add(new long[] {wallNanos, cpuNanos});
        }
    }

    void peer(int index, String address, String nodeId) {
        byAddress.put(address, index);
        byNode.put(nodeId, index);
    }

    int index(String address) {
        return address == null ? -1 : byAddress.getOrDefault(address, -1);
    }

    void add(Kind kind, UUID command, int peer, int other) {
        if (recording && command != null) {
            events.add(new Event(kind, command, peer, other, System.nanoTime()));
        }
    }

    static UUID commandOf(Block b) {
        List<Command> cs = b.payload().commands();
        return cs.isEmpty() ? null : cs.get(0).id();
    }

    /** The listener of peer {@code index} (0: the teacher). */
    PeerListener listener(int index) {
        return new PeerListener() {
            @Override
            public void blockAppended(Block block) {
                add(Kind.APPENDED, commandOf(block), index, -1);
            }

            @Override
            public void commandDispatched(Command command, Receipt receipt) {
                add(Kind.DISPATCHED, command.id(), index, -1);
            }

            @Override
            public void receiptReceived(Receipt r) {
                add(Kind.RECEIPT_KEPT, r.commandId(), index, byNode.getOrDefault(r.peerId(), -1));
            }
        };
    }

    /** Lines of the report: the median (and p90) of each step, over commands and students. */
    List<String> report(List<UUID> measured, int[] hop) {
        Map<UUID, List<Event>> byCommand = new HashMap<>();
        for (Event e : events) {
            byCommand.computeIfAbsent(e.command(), k -> new ArrayList<>()).add(e);
        }
        String[] names = {
            "teacher's block on its chain -> its POST to the student started",
            "POST started -> student's handler entered",
            "handler entered -> handler replied (intake)",
            "POST started -> finished at the teacher",
            "handler entered -> block on the student's chain (listener, events lane)",
            "block on the student's chain -> its first relay POST started",
            "block on the student's chain -> receipt made (dispatcher)",
            "receipt made -> receipt POST started",
            "receipt POST started -> receipt at the teacher",
            "teacher's block on its chain -> the student's receipt at the teacher",
            "teacher: first -> last of its block POSTs started",
        };
        List<List<Double>> d = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            d.add(new ArrayList<>());
        }
        for (UUID id : measured) {
            List<Event> es = byCommand.get(id);
            if (es == null) {
                continue;
            }
            long t0 = first(es, Kind.APPENDED, 0, -1);
            if (t0 < 0) {
                continue;
            }
            long firstSend = Long.MAX_VALUE;
            long lastSend = Long.MIN_VALUE;
            for (Event e : es) {
                if (e.kind() == Kind.SEND_START && e.peer() == 0) {
                    firstSend = Math.min(firstSend, e.nanos());
                    lastSend = Math.max(lastSend, e.nanos());
                }
            }
            if (firstSend != Long.MAX_VALUE) {
                d.get(10).add((lastSend - firstSend) / 1e6);
            }
            for (int s = 1; s < hop.length; s++) {
                if (hop[s] != 1) {
                    continue;
                }
                long sent = first(es, Kind.SEND_START, 0, s);
                long done = first(es, Kind.SEND_DONE, 0, s);
                long in = first(es, Kind.RECEIVED, s, 0);
                long out = first(es, Kind.HANDLED, s, 0);
                long appended = first(es, Kind.APPENDED, s, -1);
                long relay = first(es, Kind.SEND_START, s, -2);
                long made = first(es, Kind.DISPATCHED, s, -1);
                long rsend = first(es, Kind.RECEIPT_SEND, s, -1);
                long kept = first(es, Kind.RECEIPT_KEPT, 0, s);
                gap(d.get(0), t0, sent);
                gap(d.get(1), sent, in);
                gap(d.get(2), in, out);
                gap(d.get(3), sent, done);
                gap(d.get(4), in, appended);
                gap(d.get(5), appended, relay);
                gap(d.get(6), appended, made);
                gap(d.get(7), made, rsend);
                gap(d.get(8), rsend, kept);
                gap(d.get(9), t0, kept);
            }
        }
        List<String> lines = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (long[] c : calls) {
            wall.add(c[0] / 1e6);
            cpu.add(c[1] / 1e6);
        }
        if (!wall.isEmpty()) {
            lines.add(Results.f("trace: one call of Transport.send (a block POST) on the sending thread: wall p50 %.3f, "
                    + "p90 %.3f ms; that thread's CPU p50 %.3f, p90 %.3f ms (n=%d)", Results.quantile(wall, 0.5),
                    Results.quantile(wall, 0.9), Results.quantile(cpu, 0.5), Results.quantile(cpu, 0.9), wall.size()));
        }
        lines.add("trace, the teacher's neighbours (hop 1), ms p50 / p90 / max over commands x students:");
        for (int i = 0; i < names.length; i++) {
            List<Double> v = d.get(i);
            lines.add(v.isEmpty() ? "  " + names[i] + ": none"
                    : Results.f("  %s: %.2f / %.2f / %.2f (n=%d)", names[i], Results.quantile(v, 0.5),
                    Results.quantile(v, 0.9), Results.quantile(v, 1.0), v.size()));
        }
        return lines;
    }

    private static void gap(List<Double> into, long from, long to) {
        if (from >= 0 && to >= 0) {
            into.add((to - from) / 1e6);
        }
    }

    /** The earliest event of a kind at a peer ({@code other} -1: any; -2: any but the teacher). */
    private static long first(List<Event> es, Kind kind, int peer, int other) {
        long t = -1;
        for (Event e : es) {
            if (e.kind() == kind && e.peer() == peer
                    && (other == -1 || e.other() == other || (other == -2 && e.other() != 0))
                    && (t < 0 || e.nanos() < t)) {
                t = e.nanos();
            }
        }
        return t;
    }
}
