package org.classchain.samples;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@code send --wait} and {@code demo} show.
 */
final class ReceiptWaiter {
    private final TeacherClient client;
    private final String entryPeer;
    private final PrintStream out;

    ReceiptWaiter(TeacherClient client, String entryPeer, PrintStream out) {
        this.client = client;
        this.entryPeer = entryPeer;
        this.out = out;
    }

    /** True when every expected target reported EXECUTED before {@code deadline}. */
    boolean await(Command command, Instant deadline) throws Exception {
        String host = client.hostNodeId();
        List<PeerInfo> known = client.peers(entryPeer);
        String hostAddress = known.stream().filter(p -> p.nodeId().equals(host)).map(PeerInfo::address).findFirst()
                .orElse(entryPeer);
        List<PeerInfo> roster = client.peers(hostAddress);
        Set<String> expected = new TreeSet<>();
        for (PeerInfo p : roster) {
            if (p.nodeId().isEmpty() || p.nodeId().equals(host)) {
                continue;
            }
            Target t = command.target();
            boolean targeted = switch (t.kind()) {
                case ALL, ROLE -> true;
                case PEERS -> t.values().contains(p.nodeId());
                case USERS -> p.users().stream().anyMatch(t.values()::contains);
            };
            if (targeted) {
                expected.add(p.nodeId());
            }
        }
        if (command.target().kind() == Target.Kind.PEERS) {
            expected.addAll(command.target().values());
        }
        CommandReport report = client.report(hostAddress, command.id());
        int lastCount = -1;
        Instant quietSince = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            report = client.report(hostAddress, command.id());
            Set<String> reported = new TreeSet<>();
            report.receipts().forEach(r -> reported.add(r.peerId()));
            if (!expected.isEmpty() && reported.containsAll(expected)) {
                break;
            }
            if (reported.size() != lastCount) {
                lastCount = reported.size();
                quietSince = Instant.now();
            } else if (expected.isEmpty() && lastCount > 0 && Instant.now().isAfter(quietSince.plusSeconds(3))) {
                break; // targets unknown to the roster: stop once receipts have come and gone quiet
            }
            Thread.sleep(200);
        }
        Map<String, Receipt> byPeer = new LinkedHashMap<>();
        report.receipts().forEach(r -> byPeer.put(r.peerId(), r));
        Set<String> rows = new TreeSet<>(expected);
        rows.addAll(byPeer.keySet());
        out.printf("%-22s %-15s %s%n", "PEER", "STATUS", "DETAIL");
        boolean allExecuted = !rows.isEmpty();
        for (String peer : rows) {
            Receipt r = byPeer.get(peer);
            out.printf("%-22s %-15s %s%n", peer, r == null ? "(no receipt)" : r.status(), r == null ? "" : r.detail());
            allExecuted &= r != null && r.status() == ReceiptStatus.EXECUTED;
        }
        out.println("block height: " + (report.height() == null ? "pending" : report.height()));
        return allExecuted;
    }
}
