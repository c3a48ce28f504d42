package org.classchain.samples;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * Where a room's peers advertise themselves and see the others: DNS-SD over mDNS on the LAN
 * ({@link MdnsRoomDirectory}), or a shared in-memory list in tests. Thread-safe.
 */
interface RoomDirectory extends AutoCloseable {

    /** Advertises {@code ad} for this peer, replacing what this directory advertised before. */
    void advertise(RoomAd ad) throws IOException;

    /** The advertisements currently seen, this peer's own included. */
    List<RoomAd> seen();

    /** Asks the network again for the advertisements (after a silence); returns without waiting for answers. */
    void refresh();

    /** Calls {@code listener} (on the directory's own thread) whenever an advertisement appears or goes. */
    void onChange(Runnable listener);

    /** Withdraws this peer's advertisement and stops the directory's threads. */
    @Override
    void close();

    /** Opens a directory on the network of one of this machine's addresses. */
    @FunctionalInterface
    interface Opener {
        /**
         * @param address the address whose network is used
         * @param name this machine's name there
         */
        RoomDirectory open(InetAddress address, String name) throws IOException;
    }
}
