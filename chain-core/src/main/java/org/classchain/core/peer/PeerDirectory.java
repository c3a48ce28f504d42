package org.classchain.core.peer;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.PeerInfo;

/**
 * The peers this one knows, by address, and which of them are neighbours (at most
 * {@code maxNeighbours}). A neighbour that fails {@link #MAX_FAILURES} times in a row is dropped
 * and another known peer takes its place at the next maintenance tick. Thread-safe.
 *
 * <p>A peer fills at most half of its slots itself (outbound: it asked, the other accepted) and
 * keeps the rest for peers that ask it (inbound). Were every peer to fill all its slots itself,
 * the early peers would be full by the time the late ones look for neighbours, the late ones
 * would link only among themselves, and the overlay would stretch out along the order of joining
 * (10,000 simulated peers: 8 hops from the teacher to the farthest without the split, 7 with it;
 * BENCHMARKS.md, gossip).
 */
final class PeerDirectory {

    static final int MAX_FAILURES = 3;
    static final int MAX_KNOWN = 1000;

    static final class Entry {
        final String address;
        volatile String nodeId;
        volatile boolean neighbour;
        volatile boolean outbound; // a neighbour because we asked
        volatile int failures;
        volatile Instant lastSeen;
        volatile List<String> users = List.of();

        Entry(String address) {
            this.address = address;
        }
    }

    private final String self;
    private final int maxNeighbours;
    private final int maxOutbound;
    private final Clock clock;
    private final Map<String, Entry> known = new ConcurrentHashMap<>();

    PeerDirectory(String self, int maxNeighbours, Clock clock) {
        this.self = self;
        this.maxNeighbours = maxNeighbours;
        this.maxOutbound = (maxNeighbours + 1) / 2;
        this.clock = clock;
    }

    /** Learns an address (no-op for our own or when the list is full). */
    Optional<Entry> learn(String address) {
        if (address == null || address.isBlank() || address.equals(self)) {
            return Optional.empty();
        }
        Entry e = known.get(address);
        if (e == null && known.size() < MAX_KNOWN) {
            e = known.computeIfAbsent(address, Entry::new);
        }
        return Optional.ofNullable(e);
    }

    /** Records that {@code address} (node {@code nodeId}) answered or wrote to us. */
    void seen(String address, String nodeId) {
        learn(address).ifPresent(e -> {
            if (nodeId != null) {
                e.nodeId = nodeId;
            }
            e.failures = 0;
            e.lastSeen = clock.instant();
        });
    }

    /**
     * Records a handshake that claims {@code nodeId} serves {@code address}. The claim is signed
     * but the address is not proven (only calling it proves that), so it never replaces the node
     * id of an address known already.
     */
    void claimed(String address, String nodeId) {
        learn(address).ifPresent(e -> {
            if (e.nodeId == null) {
                e.nodeId = nodeId;
            }
            e.failures = 0;
            e.lastSeen = clock.instant();
        });
    }

    /** Records a failed call; drops the neighbour after repeated failures. */
    void failed(String address) {
        Entry e = known.get(address);
        if (e != null && ++e.failures >= MAX_FAILURES && e.neighbour) {
            e.neighbour = false;
        }
    }

    /** Drops a misbehaving peer as a neighbour and marks it failing, so it is not taken back soon. */
    void ban(String address) {
        Entry e = address == null ? null : known.get(address);
        if (e != null) {
            e.neighbour = false;
            e.failures = Math.max(e.failures, MAX_FAILURES);
        }
    }

    /**
     * Makes {@code address} a neighbour if there is room; true if it is one now.
     *
     * @param outbound true when it accepted our handshake, false when it asks us
     */
    synchronized boolean offerNeighbour(String address, boolean outbound) {
        Optional<Entry> e = learn(address);
        if (e.isEmpty()) {
            return false;
        }
        if (e.get().neighbour) {
            return true;
        }
        if (neighbourCount() >= maxNeighbours) {
            return false;
        }
        e.get().outbound = outbound;
        e.get().neighbour = true;
        return true;
    }

    int neighbourCount() {
        return (int) known.values().stream().filter(x -> x.neighbour).count();
    }

    /** Whether this peer should look for another neighbour itself. */
    boolean hasRoom() {
        return neighbourCount() < maxNeighbours
                && known.values().stream().filter(x -> x.neighbour && x.outbound).count() < maxOutbound;
    }

    List<String> neighbours() {
        return known.values().stream().filter(x -> x.neighbour).map(x -> x.address).sorted().toList();
    }

    /**
     * Known peers that are not neighbours, in random order: those that have not been failing, or,
     * when there are none, any of them (a peer that timed out under load is tried again rather than
     * leaving this one isolated for good).
     */
    List<String> candidates(Random random) {
        return candidates(random, true);
    }

    /** As {@link #candidates(Random)}, falling back on the failing ones only when {@code orFailing}. */
    List<String> candidates(Random random, boolean orFailing) {
        List<String> out = new ArrayList<>(known.values().stream()
                .filter(x -> !x.neighbour && x.failures < MAX_FAILURES).map(x -> x.address).toList());
        if (out.isEmpty() && orFailing) {
            out.addAll(known.values().stream().filter(x -> !x.neighbour).map(x -> x.address).toList());
        }
        Collections.shuffle(out, random);
        return out;
    }

    /** Every known address. */
    List<String> all() {
        return List.copyOf(known.keySet());
    }

    /** Known addresses that have not been failing, or all of them when {@code orFailing}. */
    List<String> reachable(boolean orFailing) {
        return known.values().stream().filter(x -> orFailing || x.failures < MAX_FAILURES).map(x -> x.address).toList();
    }

    /** Up to {@code n} known addresses, neighbours first, for a handshake reply. */
    List<String> sample(int n, Random random) {
        List<String> out = new ArrayList<>(neighbours());
        Collections.shuffle(out, random);
        for (String c : candidates(random)) {
            out.add(c);
        }
        return out.subList(0, Math.min(n, out.size()));
    }

    private int pollCursor;

    /** The next {@code n} known addresses in a round robin over all of them. */
    synchronized List<String> nextToPoll(int n) {
        List<String> all = known.keySet().stream().sorted().toList();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, all.size()); i++) {
            out.add(all.get((pollCursor + i) % all.size()));
        }
        pollCursor = all.isEmpty() ? 0 : (pollCursor + out.size()) % all.size();
        return out;
    }

    /** Consecutive failures of the (least failing) address of this node; large when unknown. */
    int failuresOf(String nodeId) {
        return known.values().stream().filter(x -> nodeId.equals(x.nodeId)).mapToInt(x -> x.failures).min()
                .orElse(Integer.MAX_VALUE / 2);
    }

    /** Records who is signed in at {@code address}, as it last said. */
    void users(String address, List<String> users) {
        Entry e = known.get(address);
        if (e != null) {
            e.users = List.copyOf(users);
        }
    }

    /** Known addresses whose node id we have not learned yet (never answered a handshake). */
    List<String> unidentified() {
        return known.values().stream().filter(x -> x.nodeId == null && x.failures < MAX_FAILURES).map(x -> x.address)
                .toList();
    }

    /** Where the node with this id was last seen: the least-failing address, even if it has been failing. */
    Optional<String> addressOf(String nodeId) {
        return known.values().stream().filter(x -> nodeId.equals(x.nodeId))
                .min(java.util.Comparator.comparingInt(x -> x.failures)).map(x -> x.address);
    }

    Optional<Entry> entry(String address) {
        return Optional.ofNullable(known.get(address));
    }

    List<PeerInfo> infos() {
        return known.values().stream().sorted((a, b) -> a.address.compareTo(b.address))
                .map(e -> new PeerInfo(e.nodeId == null ? "" : e.nodeId, e.address, e.neighbour, e.users, e.lastSeen))
                .toList();
    }
}
