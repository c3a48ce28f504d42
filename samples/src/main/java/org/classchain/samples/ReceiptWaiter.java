package org.classchain.samples;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.PeerInfo;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;

/**
 * Waits for the receipts of one command at the teacher's host and prints a per-peer table: what
 * {@code send --wait} and {@code demo} show. It stops as soon as every target the teacher's host
 * knows has answered or is known to be offline (its status call fails), never waiting out the
 * command's lifetime for computers that cannot answer (issue 19, item 2).
 */
final class ReceiptWaiter {
    /** How often the targets that have not answered are asked whether they are up. */
    static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    /** With no target in the roster: how long without a new receipt ends the wait. */
    static final Duration QUIET = Duration.ofSeconds(3);

    private final TeacherClient client;
    private final String entryPeer;
    private final PrintStream out;

    ReceiptWaiter(TeacherClient client, String entryPeer, PrintStream out) {
        this.client = client;
        this.entryPeer = entryPeer;
        this.out = out;
    }

    /** The teacher's host's address, as the entry peer knows it (the entry peer when it does not). */
    String hostAddress() throws Exception {
        String host = client.hostNodeId();
        return client.peers(entryPeer).stream().filter(p -> p.nodeId().equals(host)).map(PeerInfo::address)
                .findFirst().orElse(entryPeer);
    }

    /**
     * True when every expected target reported EXECUTED before {@code deadline}. Returns earlier
     * when every target has reported or does not answer (offline), printing the offline ones.
     */
    boolean await(Command command, Instant deadline) throws Exception {
        String host = client.hostNodeId();
        String hostAddress = hostAddress();
        Map<String, String> expected = targets(command, host, client.peers(hostAddress));
        Set<String> offline = new TreeSet<>();
        CommandReport report = client.report(hostAddress, command.id());
        Instant nextProbe = Instant.now();
        int lastCount = 0;
        Instant quietSince = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            report = client.report(hostAddress, command.id());
            Set<String> waiting = new TreeSet<>(expected.keySet());
            report.receipts().forEach(r -> waiting.remove(r.peerId()));
            offline.retainAll(waiting);
            if (expected.isEmpty()) {
                // targets the roster does not know (yet): stop once receipts came and went quiet, or none came
                if (report.receipts().size() != lastCount) {
                    lastCount = report.receipts().size();
                    quietSince = Instant.now();
                } else if (Instant.now().isAfter(quietSince.plus(QUIET))) {
                    break;
                }
            } else if (offline.containsAll(waiting)) {
                break;
            }
            if (!Instant.now().isBefore(nextProbe)) {
                nextProbe = Instant.now().plus(PROBE_EVERY);
                offline.clear();
                for (String id : waiting) {
                    if (!answers(expected.get(id))) {
                        offline.add(id);
                    }
                }
                if (!expected.isEmpty() && offline.containsAll(waiting)) {
                    report = client.report(hostAddress, command.id()); // one last look: a receipt may have come
                    report.receipts().forEach(r -> offline.remove(r.peerId()));
                    break;
                }
            }
            Thread.sleep(200);
        }
        return print(report, expected.keySet(), offline, command);
    }

    private boolean print(CommandReport report, Set<String> expected, Set<String> offline, Command command) {
        Map<String, Receipt> byPeer = new LinkedHashMap<>();
        report.receipts().forEach(r -> byPeer.put(r.peerId(), r));
        Set<String> rows = new TreeSet<>(expected);
        rows.addAll(byPeer.keySet());
        out.printf("%-22s %-15s %s%n", "PEER", "STATUS", "DETAIL");
        boolean allExecuted = !rows.isEmpty();
        for (String peer : rows) {
            Receipt r = byPeer.get(peer);
            String status = r != null ? r.status().name() : offline.contains(peer) ? "OFFLINE" : "(no receipt)";
            String detail = r != null ? r.detail() : offline.contains(peer) ? "will run when it returns" : "";
            out.printf("%-22s %-15s %s%n", peer, status, detail);
            allExecuted &= r != null && r.status() == ReceiptStatus.EXECUTED;
        }
        if (rows.isEmpty()) {
            out.println("no computer the teacher's peer knows is a target of " + command.target().kind()
                    .name().toLowerCase(java.util.Locale.ROOT) + ":" + String.join(",", command.target().values()));
        }
        if (!offline.isEmpty()) {
            out.println("offline: " + String.join(", ", offline) + " (the command runs there if it returns before "
                    + command.notAfter() + ")");
        }
        out.println("block height: " + (report.height() == null ? "pending" : report.height()));
        return allExecuted;
    }

    /** The targets of {@code command} among the host's roster, by node id, with their address (null when unknown). */
    static Map<String, String> targets(Command command, String host, List<PeerInfo> roster) {
        Map<String, String> expected = new TreeMap<>();
        Target t = command.target();
        for (PeerInfo p : roster) {
            if (p.nodeId().isEmpty() || p.nodeId().equals(host)) {
                continue;
            }
            boolean targeted = switch (t.kind()) {
                case ALL, ROLE -> true;
                case PEERS -> t.values().contains(p.nodeId());
                case USERS -> p.users().stream().anyMatch(t.values()::contains);
            };
            if (targeted) {
                expected.put(p.nodeId(), p.address());
            }
        }
        if (t.kind() == Target.Kind.PEERS) {
            t.values().stream().filter(id -> !id.equals(host)).forEach(id -> expected.putIfAbsent(id, null));
        }
        return expected;
    }

    /** Whether the peer at {@code address} answers its status now (false when its address is unknown). */
    private boolean answers(String address) {
        if (address == null) {
            return false;
        }
        try {
            client.status(address);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
