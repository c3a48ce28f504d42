package org.classchain.core.peer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * Who is signed in where (DESIGN section 5): the people signed in at this computer (its own
 * student, and whoever logged in here), and, at a host of the teacher's account, who is signed in
 * at the other computers (and the modules they have), polled a few at a time and kept in the
 * {@link PeerDirectory}. Commands
 * that target users run where the roster shows them. Thread-safe.
 */
final class Roster {

    /** How many computers the teacher's host asks at a time. */
    static final int POLLED_AT_ONCE = 8;

    private final Transport transport;
    private final PeerDirectory directory;
    private final Set<String> here = ConcurrentHashMap.newKeySet();

    Roster(Transport transport, PeerDirectory directory) {
        this.transport = transport;
        this.directory = directory;
    }

    /** {@code user} is signed in at this computer. */
    void signedIn(String user) {
        here.add(user);
    }

    /** {@code user} is no longer signed in at this computer (renamed, or no longer hosted here). */
    void signedOut(String user) {
        here.remove(user);
    }

    /** The users signed in at this computer. */
    Set<String> here() {
        return Set.copyOf(here);
    }

    /** The users signed in at this computer, in name order. */
    List<String> hereSorted() {
        return here.stream().sorted().toList();
    }

    /** The teacher's host asks a few known computers at a time who is signed in there. */
    void poll() {
        for (String address : directory.nextToPoll(POLLED_AT_ONCE)) {
            transport.send(address, new Message.GetStatus()).whenComplete((reply, err) -> {
                if (reply instanceof Message.StatusReply st) {
                    directory.seen(address); // a status proves nothing about who answers
                    directory.heard(address, st.status().users(), st.status().modules(), st.status().macs());
                } else if (err != null) {
                    directory.failed(address);
                }
            });
        }
    }
}
