package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.Test;

/** Issue 19, item 9: the magic packet, as a computer's network card listening for it would receive it. */
class WakeOnLanModuleTest {

    @Test
    void theMagicPacketOfEachMacArrivesOnTheUdpPortItWasSentTo() throws Exception {
        try (DatagramSocket card = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            card.setSoTimeout(10_000);
            Outcome o = new WakeOnLanModule().execute(new TestContext(), TestContext.command("wake-on-lan", Map.of(
                    "macs", "52:54:00:12:34:56, AA-BB-CC-DD-EE-FF,52:54:00:12:34:56", "address", "127.0.0.1",
                    "port", String.valueOf(card.getLocalPort()))));
            assertThat(o.success()).as(o.detail()).isTrue();
            assertThat(o.detail()).contains("52:54:00:12:34:56, aa:bb:cc:dd:ee:ff").contains("127.0.0.1:" + card.getLocalPort());
            for (String mac : new String[] {"525400123456", "aabbccddeeff"}) {
                for (int i = 0; i < WakeOnLanModule.REPEAT; i++) {
                    DatagramPacket p = new DatagramPacket(new byte[1024], 1024);
                    card.receive(p);
                    byte[] got = Arrays.copyOf(p.getData(), p.getLength());
                    assertThat(got).hasSize(102);
                    assertThat(HexFormat.of().formatHex(got)).isEqualTo("ffffffffffff" + mac.repeat(16));
                }
            }
        }
    }

    @Test
    void badMacsAndAddressesFailWithTheReason() throws Exception {
        WakeOnLanModule m = new WakeOnLanModule();
        Outcome o = m.execute(new TestContext(), TestContext.command("wake-on-lan", Map.of("macs", "52:54:00:12:34")));
        assertThat(o.success()).isFalse();
        assertThat(o.detail()).contains("'52:54:00:12:34' is not a MAC address");
        o = m.execute(new TestContext(), TestContext.command("wake-on-lan", Map.of("macs", "525400123456",
                "address", "intranet.example")));
        assertThat(o.detail()).contains("numeric IP address");
        o = m.execute(new TestContext(), TestContext.command("wake-on-lan", Map.of("macs", "525400123456", "port", "0")));
        assertThat(o.detail()).contains("between 1 and 65535");
    }
}
