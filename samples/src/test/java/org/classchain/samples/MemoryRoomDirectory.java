package org.classchain.samples;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link RoomDirectory} whose network is a list in memory: every directory of one {@link Network} sees the others at once. */
final class MemoryRoomDirectory implements RoomDirectory {

    /** The directories that see each other. */
    static final class Network {
        private final List<MemoryRoomDirectory> members = new CopyOnWriteArrayList<>();

        /** A directory on this network. */
        MemoryRoomDirectory open() {
            MemoryRoomDirectory d = new MemoryRoomDirectory(this);
            members.add(d);
            return d;
        }

        private void changed() {
            members.forEach(m -> m.listeners.forEach(Runnable::run));
        }
    }

    private final Network network;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile RoomAd own;

    private MemoryRoomDirectory(Network network) {
        this.network = network;
    }

    @Override
    public void advertise(RoomAd ad) {
        own = ad;
        network.changed();
    }

    @Override
    public List<RoomAd> seen() {
        return network.members.stream().map(m -> m.own).filter(Objects::nonNull).toList();
    }

    @Override
    public void refresh() {
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        network.members.remove(this);
        network.changed();
    }
}
