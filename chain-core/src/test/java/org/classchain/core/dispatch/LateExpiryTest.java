package org.classchain.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.Command;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.identity.NodeIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A command that is still valid when the dispatcher looks at it but expires before its module
 * gets to run it (it waited for an earlier command of the same module, which outlived its
 * timeout) is reported EXPIRED and never run: no module is ever asked to run an expired command.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LateExpiryTest {

    static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);

    /** Says {@link #NOW} the first time it is read and an hour later ever after: time passes between check and run. */
    static final class SteppingClock extends Clock {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return reads.getAndIncrement() == 0 ? NOW : NOW.plus(Duration.ofHours(1));
        }
    }

    @Test
    void aCommandThatExpiresBeforeItsModuleRunsIsExpiredAndNotRun() throws Exception {
        TestModules.Recording recording = new TestModules.Recording();
        NodeIdentity identity = NodeIdentity.generate(new SecureRandom());
        List<Receipt> receipts = new CopyOnWriteArrayList<>();
        try (Dispatcher d = Dispatcher.builder().identity(identity).role(() -> Role.STUDENT).signedInUsers(java.util.Set::of)
                .registry(ModuleRegistry.of(recording)).policy(Policy.allowAll()).log(new InMemoryExecutionLog())
                .clock(new SteppingClock()).signer(new ReceiptSigner(identity))
                .receipts((c, r) -> receipts.add(r)).build()) {
            Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), NOW.plusSeconds(60));
            d.submit(List.of(c));
            assertThat(d.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(recording.ran).isEmpty();
            assertThat(receipts).singleElement().satisfies(r -> {
                assertThat(r.status()).isEqualTo(ReceiptStatus.EXPIRED);
                assertThat(r.detail()).contains("not run");
            });
        }
    }
}
