package org.classchain.samples;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.classchain.Role;

/**
 * What one peer advertises on the LAN as a member of a room: the DNS-SD TXT record of its
 * {@code _classchain._tcp} service. Nothing in it is authenticated: a peer only greets an address
 * it learnt here, and the handshake and the pinned genesis decide whether it is of the class.
 *
 * @param room the room's name, as the school set it ({@code --room} or {@code room=})
 * @param chainId the chain the peer follows
 * @param genesis the hex of that chain's genesis hash (which names the teacher's account and key)
 * @param role the peer's role on that chain
 * @param nodeId the peer's node id
 * @param address where the peer is called, e.g. {@code http://192.168.1.10:8080}
 */
record RoomAd(String room, String chainId, String genesis, Role role, String nodeId, String address) {

    /** The DNS-SD service type every peer advertises. */
    static final String SERVICE_TYPE = "_classchain._tcp.local.";

    RoomAd {
        if (room == null || room.isBlank() || chainId == null || genesis == null || role == null || nodeId == null
                || address == null) {
            throw new IllegalArgumentException("an advertisement needs a room, chain, genesis, role, node and address");
        }
        URI.create(address); // an address the transport can call, or an IllegalArgumentException
    }

    /** The TXT record's entries. */
    Map<String, String> text() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("room", room);
        m.put("chain", chainId);
        m.put("genesis", genesis);
        m.put("role", role.name());
        m.put("node", nodeId);
        m.put("addr", address);
        return m;
    }

    /** The advertisement a TXT record holds, empty when it lacks an entry or one is malformed. */
    static Optional<RoomAd> fromText(Map<String, String> text) {
        try {
            return Optional.of(new RoomAd(text.get("room"), text.get("chain"), text.get("genesis"),
                    Role.valueOf(String.valueOf(text.get("role"))), text.get("node"), text.get("addr")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The host and port of {@link #address}, as a person reads it. */
    String hostAndPort() {
        URI u = URI.create(address);
        return u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }

    /** Whether this advertisement is of {@code roomName} (names compare ignoring case and outer spaces). */
    boolean isOf(String roomName) {
        return room.trim().equalsIgnoreCase(roomName.trim());
    }
}
