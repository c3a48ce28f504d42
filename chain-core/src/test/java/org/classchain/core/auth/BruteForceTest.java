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
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthStart;
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
    void aThousandWrongPasswordsFromOneAddressAreBoundedAndCheapAndTheOwnerIsNeverHeldBack() throws IOException {
        CountingRandom hostRandom = new CountingRandom();
        AuthFixture f = new AuthFixture(dir, hostRandom);
        SrpClient attacker = f.client();

        int unauthorized = 0;
        int limited = 0;
        int drawsWhenLimited = -1;
        // a refused start is sent again as it was, the way a script replays it: a fresh one would cost
        // this test a client-side modular exponentiation per attempt (16 s of 1,000 under load, the
        // 60 s timeout once) and the host the same nothing
        AuthStart start = null;
        for (int i = 0; i < 1_000; i++) {
            if (start == null) {
                start = attacker.start(TEACHER);
            }
            Message reply = f.host.handle(start, ATTACKER);
            if (reply instanceof AuthChallenge challenge) {
                start = null;
                rejected(f.host.handle(attacker.respond(challenge, "guess-" + i), ATTACKER), 401);
                unauthorized++;
            } else {
                Message.Rejected r = rejected(reply, 429);
                assertThat(r.reason()).startsWith("too many failed sign-ins: wait ");
                assertThat(r.retryAfterSeconds()).isEqualTo(AttemptLimiter.REFILL.toSeconds());
                if (drawsWhenLimited < 0) {
                    drawsWhenLimited = hostRandom.draws.get();
                }
                limited++;
            }
        }
        assertThat(unauthorized).isEqualTo(AttemptLimiter.BURST);
        assertThat(limited).isEqualTo(1_000 - AttemptLimiter.BURST);
        // refused attempts cost the host no SRP work at all (and the host never runs PBKDF2)
        assertThat(hostRandom.draws.get()).isEqualTo(drawsWhenLimited);

        // the owner, at another address, signs in at once: no waiting
        f.signIn(TEACHER, TEACHER_PASSWORD, OWNER);

        // the attacker gets one more guess when the budget has refilled by one
        f.clock.advance(AttemptLimiter.REFILL);
        SrpClient patient = f.client();
        Message pc = f.host.handle(patient.start(TEACHER), ATTACKER);
        assertThat(pc).isInstanceOf(AuthChallenge.class);
        rejected(f.host.handle(patient.respond((AuthChallenge) pc, "guess-again"), ATTACKER), 401);
        rejected(f.host.handle(patient.start(TEACHER), ATTACKER), 429);
    }

    @Test
    @Timeout(60)
    void overBudgetTheAttackersRightGuessIsRefusedLikeItsWrongOnes() throws IOException {
        AuthFixture f = new AuthFixture(dir);
        SrpClient c = f.client();
        AuthChallenge challenge = null;
        for (int i = 0; i < AttemptLimiter.BURST; i++) {
            challenge = (AuthChallenge) f.host.handle(c.start(TEACHER), ATTACKER);
            rejected(f.host.handle(c.respond(challenge, "nope"), ATTACKER), 401);
        }
        // a challenge started before the budget ran out, finished with the right password after
        SrpClient late = f.client();
        AuthChallenge pending = (AuthChallenge) f.host.handle(late.start(TEACHER), OWNER);
        Message.Rejected right = rejected(f.host.handle(late.respond(pending, TEACHER_PASSWORD), ATTACKER), 429);
        SrpClient other = f.client();
        AuthChallenge pending2 = (AuthChallenge) f.host.handle(other.start(TEACHER), OWNER);
        Message.Rejected wrong = rejected(f.host.handle(other.respond(pending2, "still wrong"), ATTACKER), 429);
        assertThat(right).isEqualTo(wrong);
        // and the owner, from the own address, is checked and gets in
        f.signIn(TEACHER, TEACHER_PASSWORD, OWNER);
    }

    @Test
    @Timeout(60)
    void anUnknownAccountIsBudgetedLikeAKnownOne() throws IOException {
        AuthFixture f = new AuthFixture(dir);
        for (String user : new String[] {TEACHER, "nobody"}) {
            int checked = 0;
            Message.Rejected last = null;
            for (int i = 0; i < AttemptLimiter.BURST + 5; i++) {
                SrpClient c = f.client();
                Message m = f.host.handle(c.start(user), ATTACKER);
                if (m instanceof AuthChallenge challenge) {
                    rejected(f.host.handle(c.respond(challenge, "nope"), ATTACKER), 401);
                    checked++;
                } else {
                    last = rejected(m, 429);
                }
            }
            assertThat(checked).as(user).isEqualTo(AttemptLimiter.BURST);
            assertThat(last.reason()).as(user).isEqualTo("too many failed sign-ins: wait 40 s");
        }
    }
}
