package org.classchain.samples;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.classchain.Role;

/**
 * Which chain a computer that never joined takes for a room's name: the only chain advertised
 * under that name (or, when the admin pinned one with {@code chain=}, that one). Two chains under
 * one name are refused rather than guessed between: one of them may be a student's.
 */
final class RoomChoice {

    private RoomChoice() {
    }

    /**
     * The chain to join and the addresses to join it through (its teacher's first).
     *
     * @param required a chain id or genesis hash the admin pinned, or null
     * @return empty when no chain is advertised under {@code room} (yet)
     * @throws IllegalStateException when two chains are, saying which and what to do
     */
    static Optional<Found> choose(String room, Collection<RoomAd> ads, String required) {
        Map<String, List<RoomAd>> byGenesis = ads.stream()
                .filter(a -> a.isOf(room))
                .filter(a -> required == null || required.equalsIgnoreCase(a.chainId())
                        || required.equalsIgnoreCase(a.genesis()))
                .collect(Collectors.groupingBy(RoomAd::genesis, TreeMap::new, Collectors.toList()));
        if (byGenesis.size() > 1) {
            throw new IllegalStateException(byGenesis.size() + " chains are advertised as room '" + room + "': "
                    + byGenesis.values().stream().map(RoomChoice::describe).collect(Collectors.joining("; "))
                    + ". This computer refuses to guess (one may be a student's): set chain=ID in peer.properties "
                    + "(or --chain ID) to the teacher's chain");
        }
        return byGenesis.values().stream().findFirst().map(members -> {
            List<String> addresses = members.stream()
                    .sorted(Comparator.comparing((RoomAd a) -> a.role() != Role.TEACHER).thenComparing(RoomAd::nodeId))
                    .map(RoomAd::address).distinct().toList();
            return new Found(members.get(0).chainId(), members.get(0).genesis(), addresses);
        });
    }

    /** {@code chain 1a2b (teacher at 10.0.0.5:8080, 4 computers)}. */
    static String describe(List<RoomAd> members) {
        String teacher = members.stream().filter(a -> a.role() == Role.TEACHER).map(RoomAd::hostAndPort).findFirst()
                .orElse("not seen");
        long computers = members.stream().map(RoomAd::nodeId).distinct().count();
        return "chain " + members.get(0).chainId() + " (teacher at " + teacher + ", " + computers
                + (computers == 1 ? " computer)" : " computers)");
    }

    /**
     * A room's chain, found.
     *
     * @param chainId its id
     * @param genesis the hex of its genesis hash: what the join expects
     * @param addresses its members' addresses, the teacher's first
     */
    record Found(String chainId, String genesis, List<String> addresses) {
    }
}
