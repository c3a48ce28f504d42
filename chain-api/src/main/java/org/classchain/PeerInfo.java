package org.classchain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A peer as another peer knows it: the roster row of {@code GET /api/v1/peers}.
 *
 * @param nodeId its node id
 * @param address where it is reached
 * @param neighbour whether it is a current neighbour
 * @param users the users signed in there, as last heard
 * @param lastSeen when it last answered or wrote, or null
 * @param modules the command modules installed there, as last heard (empty until its status was read)
 */
public record PeerInfo(String nodeId, String address, boolean neighbour, List<String> users, Instant lastSeen,
                       List<String> modules) {

    /**
     * Copies the lists.
     *
     * @param nodeId its node id
     * @param address never null
     * @param neighbour whether it is a current neighbour
     * @param users copied
     * @param lastSeen or null
     * @param modules copied
     */
    public PeerInfo {
        Objects.requireNonNull(address, "address");
        users = List.copyOf(users);
        modules = List.copyOf(modules);
    }

    /**
     * A roster row that names no modules.
     *
     * @param nodeId its node id
     * @param address never null
     * @param neighbour whether it is a current neighbour
     * @param users copied
     * @param lastSeen or null
     */
    public PeerInfo(String nodeId, String address, boolean neighbour, List<String> users, Instant lastSeen) {
        this(nodeId, address, neighbour, users, lastSeen, List.of());
    }
}
