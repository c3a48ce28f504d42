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
 * @param role its role as the listing peer's chain says (TEACHER when it hosts the teacher's account),
 *             whether or not it answers now; null when not known
 * @param macs the MAC addresses its status last named (Wake-on-LAN), kept while it is off
 */
public record PeerInfo(String nodeId, String address, boolean neighbour, List<String> users, Instant lastSeen,
                       List<String> modules, Role role, List<String> macs) {

    /**
     * Copies the lists.
     *
     * @param nodeId its node id
     * @param address never null
     * @param neighbour whether it is a current neighbour
     * @param users copied
     * @param lastSeen or null
     * @param modules copied
     * @param role or null
     * @param macs copied
     */
    public PeerInfo {
        Objects.requireNonNull(address, "address");
        users = List.copyOf(users);
        modules = List.copyOf(modules);
        macs = List.copyOf(macs);
    }

    /**
     * A roster row that names no MAC address.
     *
     * @param nodeId its node id
     * @param address never null
     * @param neighbour whether it is a current neighbour
     * @param users copied
     * @param lastSeen or null
     * @param modules copied
     * @param role or null
     */
    public PeerInfo(String nodeId, String address, boolean neighbour, List<String> users, Instant lastSeen,
                    List<String> modules, Role role) {
        this(nodeId, address, neighbour, users, lastSeen, modules, role, List.of());
    }

    /**
     * A roster row that names no role.
     *
     * @param nodeId its node id
     * @param address never null
     * @param neighbour whether it is a current neighbour
     * @param users copied
     * @param lastSeen or null
     * @param modules copied
     */
    public PeerInfo(String nodeId, String address, boolean neighbour, List<String> users, Instant lastSeen,
                    List<String> modules) {
        this(nodeId, address, neighbour, users, lastSeen, modules, null);
    }

    /**
     * {@return this row with the role given}
     *
     * @param newRole or null
     */
    public PeerInfo withRole(Role newRole) {
        return new PeerInfo(nodeId, address, neighbour, users, lastSeen, modules, newRole, macs);
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
        this(nodeId, address, neighbour, users, lastSeen, List.of(), null);
    }
}
