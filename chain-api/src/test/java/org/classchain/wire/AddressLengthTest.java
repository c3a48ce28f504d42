package org.classchain.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.classchain.NodeKey;
import org.junit.jupiter.api.Test;

/** Addresses named in messages are at most {@link Message.Hello#MAX_ADDRESS} characters. */
class AddressLengthTest {

    private static final NodeKey KEY = new NodeKey(new byte[NodeKey.LENGTH]);
    private static final String LONGEST = "http://" + "a".repeat(Message.Hello.MAX_ADDRESS - 7);
    private static final String TOO_LONG = LONGEST + "a";

    @Test
    void aHelloOrAWelcomeNamingALongerAddressIsRefused() {
        assertThat(new Message.Hello("n", KEY, LONGEST, "", "").address()).hasSize(Message.Hello.MAX_ADDRESS);
        assertThatThrownBy(() -> new Message.Hello("n", KEY, TOO_LONG, "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> new Message.Welcome("n", null, null, null, false, List.of(), KEY, TOO_LONG, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWelcomesSampleDropsLongerAddresses() {
        Message.Welcome w = new Message.Welcome("n", null, null, null, false, List.of("http://a:1", TOO_LONG, LONGEST),
                KEY, "http://b:2", "");
        assertThat(w.peers()).containsExactly("http://a:1", LONGEST);
    }
}
