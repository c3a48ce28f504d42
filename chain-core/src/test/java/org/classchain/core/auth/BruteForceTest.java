package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.classchain.core.auth.AuthFixture.TEACHER;
import static org.classchain.core.auth.AuthFixture.TEACHER_PASSWORD;
import static org.classchain.core.auth.AuthFixture.rejected;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.spi.Message;
import org.classchain.spi.Message.AuthChallenge;
import org.classchain.spi.Message.AuthConfirmed;
import org.classchain.spi.Message.AuthStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BruteForceTest {

    static final String ATTACKER = "198.51.100.66";
    static final String OWNER = "192.0.2.20";

    /** Counts the host's random draws: each SRP start draws b (and then pays a modular exponentiation). */
    static final class CountingRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        final AtomicInteger draws = new AtomicInteger();

        @Override
        public void nextBytes(byte[] bytes) {
            draws.incrementAndGet();
            super.nextBytes(bytes);
        }
    }

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void aThousandWrongPasswordsFromOneAddressAreSlowedAndCheap() throws IOException {
        CountingRandom hostRandom = new CountingRandom();
        AuthFixture f = new AuthFixture(dir, hostRandom);
        SrpClient attacker = f.client();

        int unauthorized = 0;
        int limited = 0;
        int drawsWhenLimited = -1;
        AuthStart start = attacker.start(TEACHER);
        for (int i = 0; i < 1_000; i++) {
            Message reply = f.host.handle(start, ATTACKER);
            if (reply instanceof AuthChallenge challenge) {
                rejected(f.host.handle(attacker.respond(challenge, "guess-" + i), ATTACKER), 401);
                unauthorized++;
                start = attacker.start(TEACHER);
            } else {
                Message.Rejected r = rejected(reply, 429);
                assertThat(r.retryAfterSeconds()).isEqualTo(1);
                if (drawsWhenLimited < 0) {
                    drawsWhenLimited = hostRandom.draws.get();
                }
                limited++;
            }
        }
        assertThat(unauthorized).isEqualTo(AttemptLimiter.FREE_FAILURES);
        assertThat(limited).isEqualTo(1_000 - AttemptLimiter.FREE_FAILURES);
        // refused attempts cost the host no SRP work at all (and the host never runs PBKDF2)
        assertThat(hostRandom.draws.get()).isEqualTo(drawsWhenLimited);

        // the owner, at another address, waits out the account's delay and then signs in
        SrpClient owner = f.client();
        Message early = f.host.handle(owner.start(TEACHER), OWNER);
        assertThat(rejected(early, 429).retryAfterSeconds()).isEqualTo(1);
        f.clock.advance(Duration.ofSeconds(1));
        AuthChallenge challenge = (AuthChallenge) f.host.handle(owner.start(TEACHER), OWNER);
        AuthConfirmed confirmed = (AuthConfirmed) f.host.handle(owner.respond(challenge, TEACHER_PASSWORD), OWNER);
        assertThat(owner.verifyServer(confirmed)).isTrue();

        // the attacker's address keeps its own, growing delay: one more guess, then two seconds
        SrpClient patient = f.client();
        Message pc = f.host.handle(patient.start(TEACHER), ATTACKER);
        assertThat(pc).isInstanceOf(AuthChallenge.class);
        rejected(f.host.handle(patient.respond((AuthChallenge) pc, "guess-again"), ATTACKER), 401);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(rejected(f.host.handle(patient.start(TEACHER), ATTACKER), 429).retryAfterSeconds()).isEqualTo(1);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.host.handle(patient.start(TEACHER), ATTACKER)).isInstanceOf(AuthChallenge.class);
    }

    @Test
    @Timeout(60)
    void theRightPasswordFromTheAttackersAddressWaitsToo() throws IOException {
        AuthFixture f = new AuthFixture(dir);
        for (int i = 0; i < AttemptLimiter.FREE_FAILURES; i++) {
            SrpClient c = f.client();
            AuthChallenge challenge = (AuthChallenge) f.host.handle(c.start(TEACHER), ATTACKER);
            rejected(f.host.handle(c.respond(challenge, "nope"), ATTACKER), 401);
        }
        rejected(f.host.handle(f.client().start(TEACHER), ATTACKER), 429);
        f.clock.advance(Duration.ofSeconds(1));
        f.signIn(TEACHER, TEACHER_PASSWORD, ATTACKER);
    }
}
