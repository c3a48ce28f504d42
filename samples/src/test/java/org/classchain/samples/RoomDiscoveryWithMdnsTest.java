package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.NetworkInterface;
import org.junit.jupiter.api.BeforeAll;

/**
 * The room tests over real DNS-SD: JmDNS bound to 127.0.0.1, so its multicast stays on the
 * loopback interface, never another interface; {@code classchain rooms} run as a user types it.
 * The loopback interface carries multicast only once {@code ip link set lo multicast on} ran
 * ({@code .ci/run} does): without it these tests skip, except in CI, where they fail.
 */
class RoomDiscoveryWithMdnsTest extends RoomDiscoveryTests {

    @BeforeAll
    static void loopbackCarriesMulticast() throws Exception {
        boolean multicast = NetworkInterface.getByInetAddress(InetAddress.getByName("127.0.0.1")).supportsMulticast();
        if (System.getenv("CI") != null) {
            assertThat(multicast).as("multicast on the loopback interface (.ci/run: ip link set lo multicast on)")
                    .isTrue();
        }
        assumeTrue(multicast, "the loopback interface has no multicast: as root, ip link set lo multicast on");
    }

    @Override
    RoomDirectory directory(String name) throws java.io.IOException {
        return MdnsRoomDirectory.open(InetAddress.getByName("127.0.0.1"), name);
    }

    @Override
    String roomsListing() {
        return stdoutOf("rooms", "--host", "127.0.0.1", "--wait", "3s");
    }
}
