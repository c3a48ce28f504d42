package org.classchain;

import java.util.List;
import java.util.Objects;

/**
 * A peer's view of itself, as {@code GET /api/v1/status} shows it.
 *
 * @param role TEACHER on the genesis creator and the devices the teacher enrolled, else STUDENT
 * @param nodeId this peer's node id
 * @param publicKey this peer's node key, from which the node id is derived
 * @param address where other peers reach it
 * @param chainId the chain it follows
 * @param height the best chain's height
 * @param headHash the best chain's head hash
 * @param neighbours the addresses of its current neighbours
 * @param users the users signed in at this peer
 * @param clockSkewMillis how far this peer's clock is ahead of the teacher's host, judged by the grant of the latest
 *                        block that reached it by announcement (0 if unknown); never by a header timestamp
 * @param modules the names of the command modules installed at this peer, sorted (whether or not its local policy
 *                runs them): how the teacher's host learns which modules the room has
 * @param macs the MAC addresses of this computer's network cards ({@code 52:54:00:12:34:56}), the one
 *             it is reached by first: how the teacher's host learns how to wake it (Wake-on-LAN)
 * @param desktop how this computer's desktop is doing (display, session agents and their restarts, interruptions of
 *                the blackout), or null where the peer has no desktop service or is from before it was reported:
 *                how the teacher's room learns at once that a student killed the agent
 * @param transfers the files this peer is fetching off the chain, and those it finished a moment ago (at 100 %),
 *                  as the peer itself says: the console's per-computer progress; empty when none or not reported
 */
public record PeerStatus(Role role, String nodeId, NodeKey publicKey, String address, String chainId, long height, Hash headHash,
                         List<String> neighbours, List<String> users, long clockSkewMillis, List<String> modules,
                         List<String> macs, DesktopHealth desktop, List<FileProgress> transfers) {

    /**
     * Copies the lists.
     *
     * @param role never null
     * @param nodeId never null
     * @param publicKey never null
     * @param address where other peers reach it
     * @param chainId the chain it follows
     * @param height the best chain's height
     * @param headHash the best chain's head hash
     * @param neighbours copied
     * @param users copied
     * @param clockSkewMillis 0 if unknown
     * @param modules copied
     * @param macs copied
     * @param desktop null when unknown
     * @param transfers copied; null reads as empty
     */
    public PeerStatus {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(publicKey, "publicKey");
        neighbours = List.copyOf(neighbours);
        users = List.copyOf(users);
        modules = List.copyOf(modules);
        macs = List.copyOf(macs);
        transfers = transfers == null ? List.of() : List.copyOf(transfers);
    }

    /**
     * A status that names no file in progress (a peer without a file service, or from before it was reported).
     *
     * @param role never null
     * @param nodeId never null
     * @param publicKey never null
     * @param address where other peers reach it
     * @param chainId the chain it follows
     * @param height the best chain's height
     * @param headHash the best chain's head hash
     * @param neighbours copied
     * @param users copied
     * @param clockSkewMillis 0 if unknown
     * @param modules copied
     * @param macs copied
     * @param desktop null when unknown
     */
    public PeerStatus(Role role, String nodeId, NodeKey publicKey, String address, String chainId, long height,
                      Hash headHash, List<String> neighbours, List<String> users, long clockSkewMillis,
                      List<String> modules, List<String> macs, DesktopHealth desktop) {
        this(role, nodeId, publicKey, address, chainId, height, headHash, neighbours, users, clockSkewMillis, modules,
                macs, desktop, List.of());
    }

    /**
     * A status that says nothing of the desktop (a peer from before it was reported, or one without a desktop).
     *
     * @param role never null
     * @param nodeId never null
     * @param publicKey never null
     * @param address where other peers reach it
     * @param chainId the chain it follows
     * @param height the best chain's height
     * @param headHash the best chain's head hash
     * @param neighbours copied
     * @param users copied
     * @param clockSkewMillis 0 if unknown
     * @param modules copied
     * @param macs copied
     */
    public PeerStatus(Role role, String nodeId, NodeKey publicKey, String address, String chainId, long height,
                      Hash headHash, List<String> neighbours, List<String> users, long clockSkewMillis,
                      List<String> modules, List<String> macs) {
        this(role, nodeId, publicKey, address, chainId, height, headHash, neighbours, users, clockSkewMillis, modules,
                macs, null);
    }

    /**
     * A status that names no MAC address (a peer from before they were reported).
     *
     * @param role never null
     * @param nodeId never null
     * @param publicKey never null
     * @param address where other peers reach it
     * @param chainId the chain it follows
     * @param height the best chain's height
     * @param headHash the best chain's head hash
     * @param neighbours copied
     * @param users copied
     * @param clockSkewMillis 0 if unknown
     * @param modules copied
     */
    public PeerStatus(Role role, String nodeId, NodeKey publicKey, String address, String chainId, long height,
                      Hash headHash, List<String> neighbours, List<String> users, long clockSkewMillis,
                      List<String> modules) {
        this(role, nodeId, publicKey, address, chainId, height, headHash, neighbours, users, clockSkewMillis, modules,
                List.of(), null);
    }

    /**
     * A status that names no modules (a peer from before modules were reported).
     *
     * @param role never null
     * @param nodeId never null
     * @param publicKey never null
     * @param address where other peers reach it
     * @param chainId the chain it follows
     * @param height the best chain's height
     * @param headHash the best chain's head hash
     * @param neighbours copied
     * @param users copied
     * @param clockSkewMillis 0 if unknown
     */
    public PeerStatus(Role role, String nodeId, NodeKey publicKey, String address, String chainId, long height,
                      Hash headHash, List<String> neighbours, List<String> users, long clockSkewMillis) {
        this(role, nodeId, publicKey, address, chainId, height, headHash, neighbours, users, clockSkewMillis,
                List.of(), List.of(), null);
    }
}
