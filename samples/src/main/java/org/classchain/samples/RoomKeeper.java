package org.classchain.samples;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.Role;
import org.classchain.core.peer.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a started peer in its room: advertises it, greets the members of its pinned chain as they
 * appear, refuses (with a log line) every other chain advertised under the room's name, and, while
 * the teacher is not seen or no neighbour answers, tries the chain's members it has seen and asks
 * the network again, with back-off: its status then says "waiting for the teacher". Its one thread
 * is named {@code classchain-room-NAME} and stops on {@link #close}, which also withdraws the
 * advertisement.
 */
final class RoomKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoomKeeper.class);
    static final String WAITING = "waiting for the teacher";
    static final String WITH_TEACHER = "with the teacher";
    static final String TEACHING = "teaching";

    private final Peer peer;
    private final RoomDirectory directory;
    private final RoomPin pin;
    private final Duration maxBackoff;
    private final Thread thread;
    private final Object wake = new Object();
    private final Map<String, String> members = new LinkedHashMap<>(); // node id -> last address seen
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Set<String> greeted = new HashSet<>();
    private boolean dirty;
    private volatile boolean closed;
    private volatile String status = WAITING;

    /**
     * @param pin the room and chain this peer is pinned to (its own chain's)
     * @param maxBackoff the longest pause between two tries while waiting for the teacher
     */
    RoomKeeper(Peer peer, RoomDirectory directory, RoomPin pin, Duration maxBackoff) {
        this.peer = peer;
        this.directory = directory;
        this.pin = pin;
        this.maxBackoff = maxBackoff;
        this.thread = new Thread(this::run, "classchain-room-" + peer.nodeId().substring(0, 8));
        thread.setDaemon(true);
    }

    /** Advertises the peer in its room and starts watching the room. */
    void start() throws IOException {
        directory.advertise(new RoomAd(pin.room(), pin.chainId(), pin.genesis(), peer.role(), peer.nodeId(),
                peer.address()));
        directory.onChange(() -> {
            synchronized (wake) {
                dirty = true;
                wake.notifyAll();
            }
        });
        thread.start();
    }

    /** {@value #TEACHING}, {@value #WITH_TEACHER} or {@value #WAITING}. */
    String status() {
        return status;
    }

    /** The node ids whose advertisements under this room's name were refused: another chain. */
    Set<String> refused() {
        return Set.copyOf(refused);
    }

    private void run() {
        long backoff = 1000;
        while (!closed) {
            boolean waiting;
            try {
                waiting = pass(false);
            } catch (RuntimeException e) {
                LOG.warn("room {}: watching failed: {}", pin.room(), e.toString());
                waiting = true;
            }
            long delay = waiting ? backoff : 5000;
            synchronized (wake) {
                if (!dirty && !closed) {
                    try {
                        wake.wait(delay);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                boolean woken = dirty;
                dirty = false;
                if (woken) {
                    continue; // an advertisement came or went: look at once, keep the back-off
                }
            }
            if (waiting && !closed) {
                LOG.info("room {}: {}: trying the chain's {} known members again and asking the network (next in {} s)",
                        pin.room(), WAITING, members.size(), Math.min(backoff * 2, maxBackoff.toMillis()) / 1000);
                directory.refresh();
                pass(true);
                backoff = Math.min(backoff * 2, maxBackoff.toMillis());
            } else {
                backoff = 1000;
            }
        }
    }

    /** One look at the room; returns whether the peer is waiting for the teacher. */
    private boolean pass(boolean retryAll) {
        boolean teacherSeen = false;
        for (RoomAd ad : directory.seen()) {
            if (ad.nodeId().equals(peer.nodeId())) {
                continue;
            }
            if (!pin.admits(ad)) {
                if (ad.isOf(pin.room()) && refused.size() < MdnsRoomDirectory.MAX_SEEN && refused.add(ad.nodeId())) {
                    LOG.warn("room {}: refused the advertisement of {} (node {}, {}): it is chain {} (genesis {}), "
                            + "this computer is pinned to chain {} (genesis {}) in {}", pin.room(), ad.hostAndPort(),
                            ad.nodeId(), ad.role(), ad.chainId(), ad.genesis(), pin.chainId(), pin.genesis(),
                            RoomPin.FILE_NAME);
                }
                continue;
            }
            teacherSeen |= ad.role() == Role.TEACHER;
            if (members.size() < MdnsRoomDirectory.MAX_SEEN || members.containsKey(ad.nodeId())) {
                members.put(ad.nodeId(), ad.address());
            }
        }
        List<String> neighbours = peer.status().neighbours();
        for (String address : members.values()) {
            if (!neighbours.contains(address) && (retryAll || greeted.add(address))) {
                peer.greet(address);
            }
        }
        String now = peer.role() == Role.TEACHER ? TEACHING : teacherSeen && !neighbours.isEmpty() ? WITH_TEACHER : WAITING;
        if (!now.equals(status)) {
            LOG.info("room {}: {}", pin.room(), now);
            status = now;
        }
        return now.equals(WAITING);
    }

    /** Stops watching and withdraws the advertisement (the goodbye goes out at once). */
    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        directory.close();
    }
}
