package org.classchain.core.peer;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.NodeKey;
import org.classchain.PeerInfo;

/**
 * The peers this one knows, by address, and which of them are neighbours (at most
 * {@code maxNeighbours}). A neighbour that fails {@link #MAX_FAILURES} times in a row is dropped
 * and another known peer takes its place at the next maintenance tick. Thread-safe.
 *
 * <p>An address is <em>verified</em> once it answered a handshake of ours with a Welcome signed,
 * for that very address, by the node key it claims: only then is its node id bound to it, and
 * only verified peers are neighbours, listed ({@link #infos()}, the room and the roster), handed
 * out in samples, polled for the roster or counted. Addresses this peer only heard of (seeds,
 * samples, block senders) or that a handshake claimed are <em>unverified</em>: at most
 * {@link #MAX_UNVERIFIED} of them, and at most {@link #MAX_CLAIMS_PER_SOURCE} claims per sender
 * waiting for their call-back, so that a script sending handshakes in the thousands from one
 * machine fills nothing. The verified table holds {@link #MAX_KNOWN} entries and at most
 * {@link #MAX_PER_HOST} per machine of the LAN; when full, a new peer takes the place of the
 * entry that failed longest ago, else of the one seen least recently (never of a neighbour).
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
    /** Verified peers kept. */
    static final int MAX_KNOWN = 1000;
    /** Addresses heard of or claimed but not verified yet. */
    static final int MAX_UNVERIFIED = 256;
    /** Handshake claims one sender may have waiting for their call-back. */
    static final int MAX_CLAIMS_PER_SOURCE = 8;
    /** Verified peers kept per machine (host) of the LAN; loopback addresses count apart. */
    static final int MAX_PER_HOST = 32;
    /** Module names kept of what one peer says it has installed. */
    static final int MAX_MODULES = 256;
    /** The most users kept per computer from its status (a student's peer may claim thousands). */
    static final int MAX_USERS = 32;

    /** What a handshake's claim of an address comes to. */
    enum Claim {
        /** The address is verified for that key already. */
        PROVEN,
        /** Recorded as unverified: the caller must call the address back ({@link #checked}). */
        CHECK,
        /** Not recorded now (a call-back is running, or the sender has too many claims waiting). */
        NOT_NOW
    }

    static final class Entry {
        final String address;
        volatile String nodeId;
        volatile NodeKey key;
        volatile boolean verified;
        /** Who claimed this address, while it waits for its call-back; null when only heard of. */
        volatile String source;
        volatile boolean checking;
        volatile boolean neighbour;
        volatile boolean outbound; // a neighbour because we asked
        volatile int failures;
        volatile Instant lastSeen;
        volatile Instant added;
        volatile List<String> users = List.of();
        volatile List<String> modules = List.of();
        volatile List<String> macs = List.of();

        Entry(String address, Instant added) {
            this.address = address;
            this.added = added;
        }
    }

    private final String self;
    private final int maxNeighbours;
    private final int maxOutbound;
    private final Clock clock;
    private final Map<String, Entry> known = new ConcurrentHashMap<>();
    /**
     * Node id to address of the peers verified before this peer's restart ({@link PeerBook}) that
     * have not been verified again since: listed as offline, so that a computer that is off while the
     * teacher's peer restarts stays in the room (issue 19, item 1). At most {@link #MAX_KNOWN}.
     */
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    /** Where a node remembered from before a restart was, and the MAC addresses it had named. */
    private record Remembered(String address, List<String> macs) {
    }

    PeerDirectory(String self, int maxNeighbours, Clock clock) {
        this.self = self;
        this.maxNeighbours = maxNeighbours;
        this.maxOutbound = (maxNeighbours + 1) / 2;
        this.clock = clock;
    }

    private boolean ours(String address) {
        return address == null || address.isBlank() || address.equals(self);
    }

    /** Learns an address as unverified (no-op for our own; the oldest unverified one may make room). */
    synchronized Optional<Entry> learn(String address) {
        if (ours(address)) {
            return Optional.empty();
        }
        Entry e = known.get(address);
        if (e == null && roomForUnverified()) {
            e = new Entry(address, clock.instant());
            known.put(address, e);
        }
        return Optional.ofNullable(e);
    }

    private boolean roomForUnverified() {
        List<Entry> unverified = select(x -> !x.verified);
        if (unverified.size() < MAX_UNVERIFIED) {
            return true;
        }
        Optional<Entry> oldest = unverified.stream().filter(x -> !x.checking)
                .min(Comparator.comparing((Entry x) -> x.added));
        oldest.ifPresent(x -> known.remove(x.address));
        return oldest.isPresent();
    }

    /**
     * Remembers that the node {@code nodeId} was verified at {@code address} before a restart
     * (from this peer's own {@link PeerBook}): listed by {@link #infos()}, offline, until it is
     * verified again (at any address) or another node is verified at that address. The address is
     * learned as unverified, to be greeted.
     */
    synchronized void remember(String address, String nodeId, List<String> macs) {
        if (ours(address) || nodeId == null || nodeId.isBlank() || remembered.size() >= MAX_KNOWN) {
            return;
        }
        learn(address);
        boolean known = this.known.values().stream().anyMatch(x -> x.verified
                && (nodeId.equals(x.nodeId) || address.equals(x.address)));
        if (!known) {
            remembered.put(nodeId, new Remembered(address, MacAddresses.kept(macs)));
        }
    }

    /**
     * Whether the node {@code nodeId} is offline as far as this peer knows: remembered from before a
     * restart and not verified since, or the last call to its (least failing) address failed.
     */
    boolean offline(String nodeId) {
        return failuresOf(nodeId) > 0;
    }

    /** Records that {@code address} answered or wrote to us (learning it, unverified, if new). Binds nothing. */
    void seen(String address) {
        learn(address).ifPresent(e -> {
            e.failures = 0;
            e.lastSeen = clock.instant();
        });
    }

    /**
     * Records a handshake's claim that the node with {@code key} serves at {@code address}, sent
     * by {@code source} (the transport's address of the sender). The claim is signed but the
     * address is not proven: only calling it back proves it, so nothing is bound here.
     *
     * @param mayCheck false when the caller will not call back (it is greeting that address itself)
     */
    synchronized Claim claim(String address, NodeKey key, String source, boolean mayCheck) {
        if (ours(address)) {
            return Claim.NOT_NOW;
        }
        Entry e = known.get(address);
        if (e != null && e.verified && key.equals(e.key)) {
            e.failures = 0;
            e.lastSeen = clock.instant();
            return Claim.PROVEN;
        }
        if (!mayCheck || e != null && e.checking) {
            return Claim.NOT_NOW;
        }
        if (e == null || !e.verified && !source.equals(e.source)) {
            long waiting = known.values().stream().filter(x -> !x.verified && source.equals(x.source)).count();
            if (waiting >= MAX_CLAIMS_PER_SOURCE) {
                return Claim.NOT_NOW;
            }
        }
        if (e == null) {
            if (!roomForUnverified()) {
                return Claim.NOT_NOW;
            }
            e = new Entry(address, clock.instant());
            known.put(address, e);
        }
        if (!e.verified) {
            e.source = source;
        }
        e.checking = true;
        return Claim.CHECK;
    }

    /**
     * The call-back of a {@link Claim#CHECK} ended: {@code proven} is the key whose signed Welcome
     * for this address came back, or null when the address did not answer so; an unverified
     * claim that did not hold is forgotten.
     */
    synchronized void checked(String address, NodeKey proven) {
        Entry e = known.get(address);
        if (e == null) {
            return;
        }
        e.checking = false;
        if (proven != null) {
            verified(address, proven);
        } else if (!e.verified && e.source != null) {
            known.remove(address);
        }
    }

    /**
     * Binds {@code address} to the node with {@code key}: it answered a handshake of ours with a
     * Welcome signed by that key for that address. May evict another entry to make room.
     */
    synchronized void verified(String address, NodeKey key) {
        if (ours(address)) {
            return;
        }
        Entry e = known.get(address);
        if (e == null || !e.verified) {
            if (!roomForVerified(address)) {
                return;
            }
            if (e == null) {
                e = new Entry(address, clock.instant());
                known.put(address, e);
            }
        }
        e.key = key;
        e.nodeId = key.nodeId();
        e.verified = true;
        Remembered before = remembered.remove(e.nodeId);
        if (before != null && e.macs.isEmpty()) {
            e.macs = before.macs(); // until its status names them again
        }
        remembered.values().removeIf(r -> r.address().equals(address));
        e.source = null;
        e.failures = 0;
        e.lastSeen = clock.instant();
    }

    /** Makes room for one more verified entry at {@code address}: false when every candidate is a neighbour. */
    private boolean roomForVerified(String address) {
        String host = hostOf(address);
        if (host != null) {
            List<Entry> same = select(x -> x.verified && host.equals(hostOf(x.address)));
            if (same.size() >= MAX_PER_HOST && !evictOne(same)) {
                return false;
            }
        }
        List<Entry> all = select(x -> x.verified);
        return all.size() < MAX_KNOWN || evictOne(all);
    }

    /** Evicts the entry that failed longest ago, else the one seen least recently; never a neighbour. */
    private boolean evictOne(List<Entry> among) {
        Comparator<Entry> order = Comparator.comparing((Entry x) -> x.failures < MAX_FAILURES)
                .thenComparing(x -> x.lastSeen == null ? x.added : x.lastSeen);
        Optional<Entry> victim = among.stream().filter(x -> !x.neighbour).min(order);
        victim.ifPresent(x -> known.remove(x.address));
        return victim.isPresent();
    }

    /** The machine an address is on, or null for loopback and host-less addresses (each counts apart). */
    static String hostOf(String address) {
        try {
            String host = URI.create(address).getHost();
            if (host == null) {
                return null;
            }
            String h = host.toLowerCase(Locale.ROOT);
            boolean loopback = h.startsWith("127.") || h.equals("localhost") || h.equals("[::1]") || h.equals("::1");
            return loopback ? null : h;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<Entry> select(Predicate<Entry> p) {
        return known.values().stream().filter(p).toList();
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
     * Makes the verified peer at {@code address} a neighbour if there is room; true if it is one now.
     *
     * @param outbound true when it accepted our handshake, false when it asks us
     */
    synchronized boolean offerNeighbour(String address, boolean outbound) {
        Entry e = known.get(address);
        if (e == null || !e.verified) {
            return false;
        }
        if (e.neighbour) {
            return true;
        }
        if (neighbourCount() >= maxNeighbours) {
            return false;
        }
        e.outbound = outbound;
        e.neighbour = true;
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
     * Known peers that are not neighbours (and not being called back), in random order: those that
     * have not been failing, or, when there are none, any of them (a peer that timed out under
     * load is tried again rather than leaving this one isolated for good).
     */
    List<String> candidates(Random random) {
        return candidates(random, true);
    }

    /** As {@link #candidates(Random)}, falling back on the failing ones only when {@code orFailing}. */
    List<String> candidates(Random random, boolean orFailing) {
        List<String> out = new ArrayList<>(known.values().stream()
                .filter(x -> !x.neighbour && !x.checking && x.failures < MAX_FAILURES).map(x -> x.address).toList());
        if (out.isEmpty() && orFailing) {
            out.addAll(known.values().stream().filter(x -> !x.neighbour && !x.checking).map(x -> x.address).toList());
        }
        Collections.shuffle(out, random);
        return out;
    }

    /** Known addresses (not being called back) that have not been failing, or all of them when {@code orFailing}. */
    List<String> reachable(boolean orFailing) {
        return known.values().stream().filter(x -> !x.checking && (orFailing || x.failures < MAX_FAILURES))
                .map(x -> x.address).toList();
    }

    /**
     * Up to {@code n} addresses to push a block produced here to: the neighbours, then the other
     * verified peers that have not been failing (and are not being called back), in address order.
     * A producer that pushes to each computer of a room reaches it in one hop, not one per level of
     * the overlay (issue 22).
     */
    List<String> pushTargets(int n) {
        List<String> out = new ArrayList<>(neighbours());
        known.values().stream().filter(x -> x.verified && !x.neighbour && !x.checking && x.failures < MAX_FAILURES)
                .map(x -> x.address).sorted().forEach(out::add);
        return out.subList(0, Math.min(n, out.size()));
    }

    /** Up to {@code n} verified addresses, neighbours first, for a handshake reply. */
    List<String> sample(int n, Random random) {
        List<String> out = new ArrayList<>(neighbours());
        Collections.shuffle(out, random);
        List<String> others = new ArrayList<>(known.values().stream()
                .filter(x -> x.verified && !x.neighbour && x.failures < MAX_FAILURES).map(x -> x.address).toList());
        Collections.shuffle(others, random);
        out.addAll(others);
        return out.subList(0, Math.min(n, out.size()));
    }

    private int pollCursor;

    /** The next {@code n} verified addresses in a round robin over all of them. */
    synchronized List<String> nextToPoll(int n) {
        List<String> all = known.values().stream().filter(x -> x.verified).map(x -> x.address).sorted().toList();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, all.size()); i++) {
            out.add(all.get((pollCursor + i) % all.size()));
        }
        pollCursor = all.isEmpty() ? 0 : (pollCursor + out.size()) % all.size();
        return out;
    }

    /** Consecutive failures of the (least failing) verified address of this node; large when unknown. */
    int failuresOf(String nodeId) {
        return known.values().stream().filter(x -> x.verified && nodeId.equals(x.nodeId)).mapToInt(x -> x.failures)
                .min().orElse(Integer.MAX_VALUE / 2);
    }

    /**
     * Records who is signed in at {@code address}, which modules it has and its MAC addresses, as
     * its status last said: at most {@link #MAX_USERS} well-formed user names and
     * {@link #MAX_MODULES} well-formed module names (a peer's say,
     * never proof); MAC addresses only when it names some (they outlive a status without them).
     */
    void heard(String address, List<String> users, List<String> modules, List<String> macs) {
        Entry e = known.get(address);
        if (e != null && e.verified) {
            e.users = users.stream().filter(Account::isValidUsername).distinct().limit(MAX_USERS).toList();
            if (!macs.isEmpty()) {
                e.macs = MacAddresses.kept(macs);
            }
            e.modules = modules.stream().filter(Command::isValidModuleName).distinct().limit(MAX_MODULES).toList();
        }
    }

    /** The modules the verified peers said they have installed, as last heard. */
    Set<String> modules() {
        Set<String> out = new TreeSet<>();
        known.values().stream().filter(x -> x.verified).forEach(x -> out.addAll(x.modules));
        return out;
    }

    /** Who is signed in at the node with this id, as its least-failing verified address last said. */
    List<String> usersOf(String nodeId) {
        return verifiedEntryOf(nodeId).map(e -> e.users).orElse(List.of());
    }

    /** Known addresses whose node is not verified yet and that are not being called back. */
    List<String> unidentified() {
        return known.values().stream().filter(x -> !x.verified && !x.checking && x.failures < MAX_FAILURES)
                .map(x -> x.address).toList();
    }

    /** Where the node with this id was verified: the least-failing address, even if it has been failing. */
    Optional<String> addressOf(String nodeId) {
        return verifiedEntryOf(nodeId).map(x -> x.address);
    }

    /** Where a host of {@code account} was verified: the first of its hosts that was, if any. */
    Optional<String> addressOfHost(Account account) {
        return account.hostKeys().stream().map(NodeKey::nodeId).map(this::addressOf).flatMap(Optional::stream)
                .findFirst();
    }

    /** The key a handshake call-back verified for this node id, if any. */
    Optional<NodeKey> keyOf(String nodeId) {
        return verifiedEntryOf(nodeId).map(x -> x.key);
    }

    private Optional<Entry> verifiedEntryOf(String nodeId) {
        return known.values().stream().filter(x -> x.verified && nodeId.equals(x.nodeId))
                .min(Comparator.comparingInt(x -> x.failures));
    }

    Optional<Entry> entry(String address) {
        return Optional.ofNullable(known.get(address));
    }

    /** How many verified and unverified entries there are (tests). */
    int[] sizes() {
        int verified = (int) known.values().stream().filter(x -> x.verified).count();
        return new int[] {verified, known.size() - verified};
    }

    /**
     * The verified peers, and those {@link #remember remembered} from before a restart (never seen
     * since: no users, no last-seen time), by address: the roster and the room.
     */
    List<PeerInfo> infos() {
        List<PeerInfo> out = new ArrayList<>(known.values().stream().filter(x -> x.verified)
                .map(e -> new PeerInfo(e.nodeId, e.address, e.neighbour, e.users, e.lastSeen, e.modules, null, e.macs))
                .toList());
        remembered.forEach((nodeId, r) -> out.add(new PeerInfo(nodeId, r.address(), false, List.of(), null, List.of(),
                null, r.macs())));
        out.sort(Comparator.comparing(PeerInfo::address));
        return out;
    }
}
