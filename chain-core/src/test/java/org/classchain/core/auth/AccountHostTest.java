package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.classchain.core.auth.AuthFixture.ADDRESS;
import static org.classchain.core.auth.AuthFixture.CHAIN;
import static org.classchain.core.auth.AuthFixture.STUDENT;
import static org.classchain.core.auth.AuthFixture.STUDENT_PASSWORD;
import static org.classchain.core.auth.AuthFixture.TEACHER;
import static org.classchain.core.auth.AuthFixture.TEACHER_PASSWORD;
import static org.classchain.core.auth.AuthFixture.rejected;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Role;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.LoginRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AccountHostTest {

    @TempDir
    Path dir;

    AuthFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new AuthFixture(dir);
    }

    // ------------------------------------------------------------------ sign-in

    @Test
    void rightPasswordSignsInBothSidesWithTheSameKey() {
        SrpClient client = f.client();
        AuthChallenge challenge = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        assertThat(challenge.salt()).hasSize(PasswordHardening.SALT_LENGTH);
        assertThat(challenge.iterations()).isEqualTo(1_000);
        assertThat(challenge.session()).matches("[A-Za-z0-9_-]{22}");

        AuthFinish finish = client.respond(challenge, TEACHER_PASSWORD);
        assertThat(finish.clientEvidence()).hasSize(32);
        AuthConfirmed confirmed = (AuthConfirmed) f.host.handle(finish, ADDRESS);
        assertThat(confirmed.serverEvidence()).hasSize(32);
        assertThat(confirmed.role()).isEqualTo(Role.TEACHER);
        assertThat(confirmed.expiresAt()).isEqualTo(f.clock.instant().plus(AccountHost.SESSION_IDLE_TIMEOUT));
        assertThat(client.verifyServer(confirmed)).isTrue();
        assertThat(client.role()).isEqualTo(Role.TEACHER);
        assertThat(client.sessionKey()).hasSize(32);

        assertThat(f.host.activeSessions()).isEqualTo(1);
        assertThat(f.host.session(challenge.session())).get()
                .extracting(AccountHost.SessionInfo::username, AccountHost.SessionInfo::role)
                .containsExactly(TEACHER, Role.TEACHER);
        // the host accepts MACs made with the client's K: the keys are equal
        assertThat(f.host.handle(client.login(f.identity.nodeId()), ADDRESS)).isInstanceOf(Message.Ack.class);
        assertThat(f.host.handle(client.grantRequest(List.of(f.command(Duration.ofMinutes(10))), List.of()), ADDRESS))
                .isInstanceOf(GrantIssued.class);
    }

    @Test
    void unfinishedSignInsThroughAnyRelayNeverKeepTheTeacherOut() {
        // one A for every start: a flood of challenges never finished, directly and relayed with made-up origins
        AuthStart flood = f.client().start(TEACHER);
        SrpClient teacher = f.client();
        AuthChallenge early = (AuthChallenge) f.host.handle(teacher.start(TEACHER), ADDRESS);
        for (int i = 0; i < PendingSignIns.MAX_PER_ACCOUNT + 100; i++) {
            assertThat(f.host.handle(flood, "198.51.100." + (i % 40))).isInstanceOf(AuthChallenge.class);
            assertThat(f.host.handle(flood, "198.51.100.200", "made-up-" + i)).isInstanceOf(AuthChallenge.class);
        }
        assertThat(f.host.pendingSignIns()).isEqualTo(PendingSignIns.MAX_PER_ACCOUNT);
        assertThat(f.host.handle(teacher.respond(early, TEACHER_PASSWORD), ADDRESS)).isInstanceOf(AuthConfirmed.class);
        SrpClient relayed = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(relayed.start(TEACHER), "198.51.100.200", ADDRESS);
        assertThat(f.host.handle(relayed.respond(c, TEACHER_PASSWORD), "198.51.100.200", ADDRESS))
                .isInstanceOf(AuthConfirmed.class);
        // and they all end on the host's clock
        f.clock.advance(AccountHost.HANDSHAKE_TIMEOUT);
        f.host.handle(f.client().start(TEACHER), ADDRESS);
        assertThat(f.host.pendingSignIns()).isEqualTo(1);
    }

    @Test
    void wrongPasswordIsRefusedAtFinishAndOpensNoSession() {
        SrpClient client = f.client();
        AuthChallenge challenge = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        Message reply = f.host.handle(client.respond(challenge, "Correct horse battery staple"), ADDRESS);
        assertThat(rejected(reply, 401).reason()).isEqualTo("wrong username or password");
        assertThat(f.host.activeSessions()).isZero();
        assertThat(f.host.session(challenge.session())).isEmpty();
        assertThatThrownBy(() -> client.grantRequest(List.of(f.command(Duration.ofMinutes(1))), List.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFinishCannotBeRetried() {
        SrpClient client = f.client();
        AuthChallenge challenge = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        AuthFinish finish = client.respond(challenge, TEACHER_PASSWORD);
        assertThat(f.host.handle(finish, ADDRESS)).isInstanceOf(AuthConfirmed.class);
        rejected(f.host.handle(finish, ADDRESS), 401);
    }

    @Test
    void tamperedAIsRefused() {
        SrpClient client = f.client();
        AuthStart start = client.start(TEACHER);
        byte[] a = start.clientPublic();
        a[a.length - 1] ^= 1;
        AuthChallenge challenge = (AuthChallenge) f.host.handle(new AuthStart(TEACHER, a), ADDRESS);
        rejected(f.host.handle(client.respond(challenge, TEACHER_PASSWORD), ADDRESS), 401);
        assertThat(f.host.activeSessions()).isZero();
    }

    @Test
    void tamperedBIsRefused() {
        SrpClient client = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        byte[] b = c.serverPublic();
        b[b.length - 1] ^= 1;
        AuthChallenge tampered = new AuthChallenge(c.session(), c.salt(), c.iterations(), b);
        rejected(f.host.handle(client.respond(tampered, TEACHER_PASSWORD), ADDRESS), 401);
    }

    @Test
    void tamperedSaltOrIterationsAreRefused() {
        SrpClient client = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        byte[] salt = c.salt();
        salt[0] ^= 1;
        rejected(f.host.handle(client.respond(new AuthChallenge(c.session(), salt, c.iterations(), c.serverPublic()),
                TEACHER_PASSWORD), ADDRESS), 401);

        SrpClient other = f.client();
        AuthChallenge d = (AuthChallenge) f.host.handle(other.start(TEACHER), ADDRESS);
        rejected(f.host.handle(other.respond(new AuthChallenge(d.session(), d.salt(), 1, d.serverPublic()),
                TEACHER_PASSWORD), ADDRESS), 401);
    }

    @Test
    void tamperedM1IsRefused() {
        SrpClient client = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        AuthFinish finish = client.respond(c, TEACHER_PASSWORD);
        byte[] m1 = finish.clientEvidence();
        m1[5] ^= (byte) 0x80;
        rejected(f.host.handle(new AuthFinish(TEACHER, c.session(), m1), ADDRESS), 401);
        // truncated evidence too
        SrpClient again = f.client();
        AuthChallenge d = (AuthChallenge) f.host.handle(again.start(TEACHER), ADDRESS);
        byte[] whole = again.respond(d, TEACHER_PASSWORD).clientEvidence();
        rejected(f.host.handle(new AuthFinish(TEACHER, d.session(), java.util.Arrays.copyOf(whole, 31)), ADDRESS), 401);
    }

    @Test
    void tamperedM2IsNotAcceptedByTheClient() {
        SrpClient client = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        AuthConfirmed ok = (AuthConfirmed) f.host.handle(client.respond(c, TEACHER_PASSWORD), ADDRESS);
        byte[] m2 = ok.serverEvidence();
        m2[31] ^= 1;
        assertThat(client.verifyServer(new AuthConfirmed(m2, ok.role(), ok.expiresAt()))).isFalse();
        assertThat(client.isSignedIn()).isFalse();
        assertThat(client.sessionKey()).isNull();
        assertThatThrownBy(() -> client.login("somewhere")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void finishForAnotherUsernameOrUnknownSessionIsRefused() {
        SrpClient client = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        AuthFinish finish = client.respond(c, TEACHER_PASSWORD);
        rejected(f.host.handle(new AuthFinish(STUDENT, c.session(), finish.clientEvidence()), ADDRESS), 401);
        rejected(f.host.handle(new AuthFinish(TEACHER, "no-such-session", finish.clientEvidence()), ADDRESS), 401);
    }

    @Test
    void aHandshakeExpiresAfterTwoMinutes() {
        SrpClient client = f.client();
        AuthChallenge c = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        f.clock.advance(AccountHost.HANDSHAKE_TIMEOUT);
        rejected(f.host.handle(client.respond(c, TEACHER_PASSWORD), ADDRESS), 401);
    }

    @Test
    void malformedStartsAreRefusedWith400() {
        rejected(f.host.handle(new AuthStart("no spaces allowed", new byte[] {5}), ADDRESS), 400);
        rejected(f.host.handle(new AuthStart(TEACHER, new byte[0]), ADDRESS), 400);
        rejected(f.host.handle(new AuthStart(TEACHER, new byte[257]), ADDRESS), 400);
        rejected(f.host.handle(new AuthStart(TEACHER, org.bouncycastle.util.BigIntegers.asUnsignedByteArray(
                Srp.GROUP.getN())), ADDRESS), 400);
    }

    @Test
    void requestsWithMissingFieldsAreRefusedWith400() {
        rejected(f.host.handle(new AuthFinish(TEACHER, null, new byte[32]), ADDRESS), 400);
        rejected(f.host.handle(new AuthFinish(null, "s", new byte[32]), ADDRESS), 400);
        rejected(f.host.handle(new LoginRequest(TEACHER, null, 1, "peer", new byte[32]), ADDRESS), 400);
        rejected(f.host.handle(new LoginRequest(TEACHER, "s", 1, null, new byte[32]), ADDRESS), 400);
        rejected(f.host.handle(new GrantRequest(TEACHER, null, 1, List.of(f.command(Duration.ofMinutes(1))),
                List.of(), new byte[32]), ADDRESS), 400);
    }

    @Test
    @Timeout(60)
    void manyClientsSignInAndGetGrantsAtOnce() throws Exception {
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "classchain-auth-test"));
        try {
            List<Future<Grant>> grants = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String address = "192.0.2." + (100 + i);
                grants.add(pool.submit(() -> {
                    SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD, address);
                    Message m = f.host.handle(client.grantRequest(List.of(f.command(Duration.ofMinutes(5))),
                            List.of()), address);
                    return ((GrantIssued) m).grant();
                }));
            }
            Set<java.util.UUID> ids = new HashSet<>();
            for (Future<Grant> g : grants) {
                ids.add(g.get().grantId());
            }
            assertThat(ids).hasSize(clients);
            assertThat(f.host.activeSessions()).isEqualTo(clients);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ unknown usernames

    @Test
    void unknownUsernamesGetAPlausibleChallengeAndFailLikeAWrongPassword() {
        SrpClient client = f.client();
        AuthChallenge real = (AuthChallenge) f.host.handle(client.start(TEACHER), ADDRESS);
        AuthChallenge ghost1 = (AuthChallenge) f.host.handle(f.client().start("ghost"), ADDRESS);
        SrpClient ghostClient = f.client();
        AuthChallenge ghost2 = (AuthChallenge) f.host.handle(ghostClient.start("ghost"), ADDRESS);
        AuthChallenge other = (AuthChallenge) f.host.handle(f.client().start("phantom"), ADDRESS);

        assertThat(ghost1.salt()).hasSize(real.salt().length).isEqualTo(ghost2.salt()).isNotEqualTo(other.salt());
        assertThat(ghost1.iterations()).isEqualTo(real.iterations());
        assertThat(ghost1.serverPublic()).isNotEqualTo(ghost2.serverPublic());
        assertThat(ghost1.serverPublic().length).isBetween(250, 256);

        Message reply = f.host.handle(ghostClient.respond(ghost2, "anything"), ADDRESS);
        Message wrong = f.host.handle(client.respond(real, "not it"), ADDRESS);
        assertThat(rejected(reply, 401)).isEqualTo(rejected(wrong, 401));
        assertThat(f.host.hosts("ghost")).isFalse();
        assertThat(f.host.hosts(TEACHER)).isTrue();
        assertThat(f.host.activeSessions()).isZero();
    }

    // ------------------------------------------------------------------ grants

    @Test
    void aTeacherGrantIsSignedByTheHostAndCoversTheBatch() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        List<Command> commands = List.of(f.command(Duration.ofMinutes(10)), f.command(Duration.ofDays(7)));
        List<Account> accounts = List.of(new Account("backup", Role.STUDENT, List.of(f.identity.publicKey())));
        GrantIssued issued = (GrantIssued) f.host.handle(client.grantRequest(commands, accounts), ADDRESS);
        Grant grant = issued.grant();

        assertThat(Ed25519Signatures.verify(f.identity.publicKey(), SigningBytes.grant(grant), grant.signature()))
                .isTrue();
        assertThat(grant.commandsHash()).isEqualTo(f.json.batchHash(commands, accounts));
        assertThat(grant.chainId()).isEqualTo(CHAIN);
        assertThat(grant.username()).isEqualTo(TEACHER);
        assertThat(grant.role()).isEqualTo(Role.TEACHER);
        assertThat(grant.hostNodeId()).isEqualTo(f.identity.nodeId());
        assertThat(grant.issuedAt()).isEqualTo(f.clock.instant());
        assertThat(grant.grantId().version()).isEqualTo(4);

        assertThat(grant.previousGrantId()).isEqualTo(Grant.FIRST);

        // the same batch again (a client that missed the answer): the same grant, not a second place
        GrantIssued again = (GrantIssued) f.host.handle(client.grantRequest(commands, accounts), ADDRESS);
        assertThat(again.grant()).isEqualTo(grant);
        // another batch: the next grant, following the first
        GrantIssued next = (GrantIssued) f.host.handle(client.grantRequest(List.of(f.command(Duration.ofMinutes(5))),
                List.of()), ADDRESS);
        assertThat(next.grant().grantId()).isNotEqualTo(grant.grantId());
        assertThat(next.grant().previousGrantId()).isEqualTo(grant.grantId());
    }

    @Test
    void alteredCommandsFailTheMac() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        GrantRequest r = client.grantRequest(List.of(f.command(Duration.ofMinutes(10))), List.of());
        GrantRequest altered = new GrantRequest(r.username(), r.session(), r.counter(),
                List.of(f.command(Duration.ofMinutes(10))), r.accounts(), r.mac());
        assertThat(rejected(f.host.handle(altered, ADDRESS), 401).reason()).isEqualTo("bad MAC");
        GrantRequest recounted = new GrantRequest(r.username(), r.session(), r.counter() + 1, r.commands(),
                r.accounts(), r.mac());
        assertThat(rejected(f.host.handle(recounted, ADDRESS), 401).reason()).isEqualTo("bad MAC");
        // the untouched request still goes through: a bad MAC does not burn the counter
        assertThat(f.host.handle(r, ADDRESS)).isInstanceOf(GrantIssued.class);
    }

    @Test
    void aReplayedCounterIsRefused() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        GrantRequest first = client.grantRequest(List.of(f.command(Duration.ofMinutes(10))), List.of());
        GrantRequest second = client.grantRequest(List.of(f.command(Duration.ofMinutes(10))), List.of());
        assertThat(f.host.handle(second, ADDRESS)).isInstanceOf(GrantIssued.class);
        assertThat(rejected(f.host.handle(second, ADDRESS), 401).reason()).isEqualTo("replayed counter");
        assertThat(rejected(f.host.handle(first, ADDRESS), 401).reason()).isEqualTo("replayed counter");
        LoginRequest login = client.login("peer-1");
        assertThat(f.host.handle(login, ADDRESS)).isInstanceOf(Message.Ack.class);
        assertThat(rejected(f.host.handle(login, ADDRESS), 401).reason()).isEqualTo("replayed counter");
    }

    @Test
    void aStudentCannotObtainAGrant() {
        SrpClient client = f.signIn(STUDENT, STUDENT_PASSWORD);
        assertThat(client.role()).isEqualTo(Role.STUDENT);
        Message reply = f.host.handle(client.grantRequest(List.of(f.command(Duration.ofMinutes(10))), List.of()),
                ADDRESS);
        assertThat(rejected(reply, 403).reason()).isEqualTo("students cannot add commands");
    }

    @Test
    void aSessionEndsAfterThirtyIdleMinutes() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        f.clock.advance(Duration.ofMinutes(29));
        assertThat(f.host.handle(client.login("peer-1"), ADDRESS)).isInstanceOf(Message.Ack.class);
        f.clock.advance(Duration.ofMinutes(29)); // 58 minutes after sign-in, 29 idle: still alive
        assertThat(f.host.handle(client.login("peer-1"), ADDRESS)).isInstanceOf(Message.Ack.class);
        f.clock.advance(Duration.ofMinutes(31));
        Message reply = f.host.handle(client.grantRequest(List.of(f.command(Duration.ofMinutes(10))), List.of()),
                ADDRESS);
        assertThat(rejected(reply, 401).reason()).contains("expired session");
        assertThat(f.host.activeSessions()).isZero();
        assertThat(f.host.session(client.session())).isEmpty();
    }

    @Test
    void batchesAreValidatedBeforeGranting() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        Command expired = f.command(Duration.ofMinutes(1));
        f.clock.advance(Duration.ofMinutes(2));
        rejected(f.host.handle(client.grantRequest(List.of(expired), List.of()), ADDRESS), 400);

        Command tooLong = new Command(java.util.UUID.randomUUID(), "message",
                new org.classchain.Target(org.classchain.Target.Kind.ALL, List.of()), java.util.Map.of(),
                f.clock.instant().plus(Command.MAX_TTL).plusSeconds(1));
        rejected(f.host.handle(client.grantRequest(List.of(tooLong), List.of()), ADDRESS), 400);

        rejected(f.host.handle(client.grantRequest(List.of(), List.of()), ADDRESS), 400);

        List<Command> many = new ArrayList<>();
        for (int i = 0; i <= AccountHost.MAX_BATCH_COMMANDS; i++) {
            many.add(f.command(Duration.ofMinutes(5)));
        }
        rejected(f.host.handle(client.grantRequest(many, List.of()), ADDRESS), 400);
        assertThat(f.host.handle(client.grantRequest(many.subList(0, AccountHost.MAX_BATCH_COMMANDS), List.of()),
                ADDRESS)).isInstanceOf(GrantIssued.class);

        Command c = f.command(Duration.ofMinutes(5));
        rejected(f.host.handle(client.grantRequest(List.of(c, c), List.of()), ADDRESS), 400);
    }

    @Test
    void noChainMeansNoGrant() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        f.chainId.set(null);
        rejected(f.host.handle(client.grantRequest(List.of(f.command(Duration.ofMinutes(5))), List.of()), ADDRESS),
                503);
    }

    @Test
    void aLoginIsAcknowledgedAndReported() {
        SrpClient client = f.signIn(STUDENT, STUDENT_PASSWORD);
        Message reply = f.host.handle(client.login("a1b2c3d4e5f6a7b8c9d0"), ADDRESS);
        assertThat(reply).isEqualTo(new Message.Ack("signed in sam at a1b2c3d4e5f6a7b8c9d0"));
        assertThat(f.signIns).containsExactly(
                new AccountHost.SignIn(STUDENT, Role.STUDENT, "a1b2c3d4e5f6a7b8c9d0", f.clock.instant()));

        LoginRequest r = client.login("peer-2");
        LoginRequest moved = new LoginRequest(r.username(), r.session(), r.counter(), "peer-3", r.mac());
        assertThat(rejected(f.host.handle(moved, ADDRESS), 401).reason()).isEqualTo("bad MAC");
        assertThat(f.signIns).hasSize(1);
    }

    @Test
    void requestsForAnotherUsersSessionAreRefused() {
        SrpClient client = f.signIn(TEACHER, TEACHER_PASSWORD);
        LoginRequest r = client.login("peer-1");
        rejected(f.host.handle(new LoginRequest(STUDENT, r.session(), r.counter(), r.peerNodeId(), r.mac()), ADDRESS),
                401);
        rejected(f.host.handle(new LoginRequest(TEACHER, "nope", r.counter(), r.peerNodeId(), r.mac()), ADDRESS), 401);
    }
}
