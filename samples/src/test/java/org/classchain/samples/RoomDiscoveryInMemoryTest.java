package org.classchain.samples;

import java.util.List;

/** The room tests with the advertisements in memory: the same rules in seconds, without multicast. */
class RoomDiscoveryInMemoryTest extends RoomDiscoveryTests {

    private final MemoryRoomDirectory.Network network = new MemoryRoomDirectory.Network();

    @Override
    RoomDirectory directory(String name) {
        return network.open();
    }

    @Override
    String roomsListing() {
        try (RoomDirectory look = network.open()) {
            return RoomsCommand.table(look.seen());
        }
    }

    @Override
    List<String> peerOptions() {
        return List.of("--room-settle", "0s"); // every advertisement is there at once
    }
}
