package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import org.classchain.Role;
import org.classchain.core.testing.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One advertisement over real mDNS on the loopback interface: seen whole by another directory, gone when closed. */
@Timeout(120)
class MdnsRoomDirectoryTest {

    @BeforeAll
    static void loopbackCarriesMulticast() throws Exception {
        RoomDiscoveryWithMdnsTest.loopbackCarriesMulticast();
    }

    @Test
    void anAdvertisementIsSeenWholeAndWithdrawnWithItsThreadsOnClose() throws Exception {
        byte[] id = new byte[4];
        new java.security.SecureRandom().nextBytes(id);
        String name = "cc-test-" + HexFormat.of().formatHex(id);
        RoomAd ad = new RoomAd("Room " + name, "c0ffee", "00c0ffee", Role.TEACHER, name, "http://127.0.0.1:45678");
        try (RoomDirectory watcher = MdnsRoomDirectory.open(InetAddress.getByName("127.0.0.1"), name + "-w")) {
            RoomDirectory teacher = MdnsRoomDirectory.open(InetAddress.getByName("127.0.0.1"), name);
            assertThat(threadsOf(name)).isPositive();
            teacher.advertise(ad);
            Await.until("the watcher sees the advertisement", Duration.ofSeconds(60), () -> watcher.seen().contains(ad));
            teacher.close();
            Await.until("the closed directory's JmDNS threads end", Duration.ofSeconds(5), () -> threadsOf(name) == 0);
            Await.until("the advertisement is withdrawn", Duration.ofSeconds(60), () -> !watcher.seen().contains(ad));
        }
    }

    private static long threadsOf(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().contains("(" + name + ")")).count();
    }
}
