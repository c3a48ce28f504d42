package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.classchain.Command;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.testing.FakeClock;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;

/** A host with a teacher and a student account, a fake clock and helpers to sign in. */
final class AuthFixture {
    static final String TEACHER = "teacher";
    static final String TEACHER_PASSWORD = "correct horse battery staple";
    static final String STUDENT = "sam";
    static final String STUDENT_PASSWORD = "hunter2!";
    static final String ADDRESS = "192.0.2.10";
    static final String CHAIN = "chain-test";
    /** Fast PBKDF2 for tests; production refuses fewer than 100,000. */
    static final PasswordPolicy FAST = new PasswordPolicy(1_000, 1_000);

    final SecureRandom random = new SecureRandom();
    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T08:00:00Z"));
    final CanonicalJson json = new CanonicalJson();
    final NodeIdentity identity = NodeIdentity.generate(random);
    final CredentialStore store;
    final AtomicReference<String> chainId = new AtomicReference<>(CHAIN);
    final List<AccountHost.SignIn> signIns = new CopyOnWriteArrayList<>();
    /** Every grant the host issued, in order: the fixture's chain of grants. */
    final List<org.classchain.Grant> issued = new CopyOnWriteArrayList<>();
    final GrantSequence order = new GrantSequence() {
        @Override
        public java.util.UUID next() {
            return issued.isEmpty() ? org.classchain.Grant.FIRST : issued.get(issued.size() - 1).grantId();
        }

        @Override
        public void issued(org.classchain.Grant grant) {
            issued.add(grant);
        }
    };
    final AccountHost host;

    AuthFixture(Path dataDir) throws IOException {
        this(dataDir, new SecureRandom());
    }

    AuthFixture(Path dataDir, SecureRandom hostRandom) throws IOException {
        store = CredentialStore.open(dataDir, FAST, random);
        store.create(TEACHER, TEACHER_PASSWORD, Role.TEACHER);
        store.create(STUDENT, STUDENT_PASSWORD, Role.STUDENT);
        host = new AccountHost(store, identity, json, clock, hostRandom, chainId::get, signIns::add, order);
    }

    SrpClient client() {
        return new SrpClient(json, random);
    }

    /** A full sign-in that must succeed; returns the signed-in client. */
    SrpClient signIn(String username, String password) {
        return signIn(username, password, ADDRESS);
    }

    SrpClient signIn(String username, String password, String address) {
        SrpClient client = client();
        Message challenge = host.handle(client.start(username), address);
        assertThat(challenge).isInstanceOf(AuthChallenge.class);
        Message confirmed = host.handle(client.respond((AuthChallenge) challenge, password), address);
        assertThat(confirmed).isInstanceOf(AuthConfirmed.class);
        assertThat(client.verifyServer((AuthConfirmed) confirmed)).isTrue();
        return client;
    }

    /** One command valid for {@code ttl} from the fake clock's now. */
    Command command(Duration ttl) {
        return Command.create("message", new Target(Target.Kind.ALL, List.of()), Map.of("text", "hello"),
                clock.instant(), ttl);
    }

    static Message.Rejected rejected(Message m, int code) {
        assertThat(m).isInstanceOf(Message.Rejected.class);
        Message.Rejected r = (Message.Rejected) m;
        assertThat(r.code()).as("code of %s", r).isEqualTo(code);
        return r;
    }
}
