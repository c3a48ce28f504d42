package org.classchain.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.classchain.Command;
import org.classchain.NodeKey;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.identity.NodeIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DispatcherTest {

    private static final Instant NOW = Instant.parse("2030-01-06T08:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final CanonicalJson codec = new CanonicalJson();
    private final NodeIdentity identity = NodeIdentity.generate(new SecureRandom());
    private final AtomicReference<Role> role = new AtomicReference<>(Role.STUDENT);
    private final AtomicReference<Set<String>> users = new AtomicReference<>(Set.of());
    private final InMemoryExecutionLog log = new InMemoryExecutionLog();
    private final List<Receipt> receipts = new CopyOnWriteArrayList<>();
    private final List<Command> receiptCommands = new CopyOnWriteArrayList<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();

    private TestModules.Recording recording;
    private TestModules.Hanging hanging;
    private ModuleRegistry registry;

    @BeforeEach
    void modules() {
        recording = new TestModules.Recording();
        hanging = new TestModules.Hanging();
        registry = ModuleRegistry.of(recording, hanging, new TestModules.Throwing(), new TestModules.Sad(), new TestModules.Unavailable(),
                new TestModules.Snapshot(), new TestModules.Strict());
    }

    @AfterEach
    void closeAll() {
        hanging.release.set(true);
        dispatchers.forEach(Dispatcher::close);
    }

    private Dispatcher start(Policy policy) {
        Dispatcher d = Dispatcher.builder().identity(identity).role(role::get).signedInUsers(users::get)
                .registry(registry).policy(policy).log(log).clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .signer(new ReceiptSigner(identity))
                .service(TestModules.Desktop.class, () -> "desk-7")
                .receipts((c, r) -> {
                    receiptCommands.add(c);
                    receipts.add(r);
                })
                .build();
        dispatchers.add(d);
        return d;
    }

    private Dispatcher start() {
        return start(Policy.allowAll());
    }

    private static Command command(String module, Target target, Map<String, String> args) {
        return new Command(UUID.randomUUID(), module, target, args, NOW.plus(Command.DEFAULT_TTL));
    }

    private static Command record(Target target) {
        return command("record", target, Map.of());
    }

    private void run(Dispatcher d, Command... commands) throws InterruptedException {
        d.submit(List.of(commands));
        assertThat(d.awaitIdle(WAIT)).as("dispatcher idle").isTrue();
    }

    private Receipt receiptOf(Command c) {
        return receipts.stream().filter(r -> r.commandId().equals(c.id())).findFirst()
                .orElseThrow(() -> new AssertionError("no receipt for " + c.module()));
    }

    private List<UUID> receiptIds() {
        return receipts.stream().map(Receipt::commandId).toList();
    }

    // ------------------------------------------------------------------ targets

    @Test
    void targetAllIsEveryStudentButNotTheTeacher() throws Exception {
        Dispatcher d = start();
        Command forStudents = record(Target.all());
        run(d, forStudents);
        role.set(Role.TEACHER);
        Command seenByTeacher = record(Target.all());
        run(d, seenByTeacher);

        assertThat(receiptIds()).containsExactly(forStudents.id());
        assertThat(recording.ran).containsExactly(forStudents.id());
        assertThat(log.begun(seenByTeacher.id())).as("an untargeted command is not journalled").isFalse();
    }

    @Test
    void targetPeerMatchesThisNodeIdOnly() throws Exception {
        Dispatcher d = start();
        Command mine = record(Target.peers("0123456789abcdef0123", identity.nodeId()));
        Command other = record(Target.peers("0123456789abcdef0123"));
        run(d, mine, other);

        assertThat(receiptIds()).containsExactly(mine.id());
        assertThat(recording.ran).containsExactly(mine.id());
        assertThat(receiptOf(mine).peerId()).isEqualTo(identity.nodeId());
    }

    @Test
    void targetUserMatchesWhereTheUserIsSignedIn() throws Exception {
        users.set(Set.of("alice"));
        Dispatcher d = start();
        Command alice = record(Target.users("alice", "carol"));
        Command bob = record(Target.users("bob"));
        run(d, alice, bob);

        assertThat(receiptIds()).containsExactly(alice.id());
        assertThat(receiptOf(alice).detail()).contains("[alice]");
    }

    @Test
    void targetRoleMatchesThePeersRole() throws Exception {
        role.set(Role.TEACHER);
        Dispatcher d = start();
        Command teachers = record(Target.role(Role.TEACHER));
        Command students = record(Target.role(Role.STUDENT));
        run(d, teachers, students);

        assertThat(receiptIds()).containsExactly(teachers.id());
        assertThat(recording.ran).containsExactly(teachers.id());
    }

    // ------------------------------------------------------------------ outcomes before execution

    @Test
    void expiredCommandIsReportedAndNeverRun() throws Exception {
        Dispatcher d = start();
        Command stale = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), NOW.minusSeconds(1));
        run(d, stale);

        Receipt r = receiptOf(stale);
        assertThat(r.status()).isEqualTo(ReceiptStatus.EXPIRED);
        assertThat(r.detail()).contains("expired");
        assertThat(recording.ran).isEmpty();
        assertThat(log.status(stale.id())).contains(ReceiptStatus.EXPIRED);
    }

    @Test
    void unknownModuleIsReported() throws Exception {
        Dispatcher d = start();
        Command c = command("teleport", Target.all(), Map.of());
        run(d, c);

        assertThat(receiptOf(c).status()).isEqualTo(ReceiptStatus.UNKNOWN_MODULE);
        assertThat(receiptOf(c).detail()).contains("teleport");
    }

    @Test
    void denyListRefusesWithoutRunning() throws Exception {
        Dispatcher d = start(Policy.deny(Set.of("record")));
        Command denied = record(Target.all());
        Command other = command("sad", Target.all(), Map.of());
        run(d, denied, other);

        assertThat(receiptOf(denied).status()).isEqualTo(ReceiptStatus.REFUSED);
        assertThat(receiptOf(denied).detail()).contains("policy", "record");
        assertThat(receiptOf(other).status()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(recording.ran).isEmpty();
    }

    @Test
    void allowListRefusesEverythingElse() throws Exception {
        Dispatcher d = start(Policy.allowOnly(Set.of("record")));
        Command allowed = record(Target.all());
        Command refused = command("snapshot", Target.all(), Map.of());
        run(d, allowed, refused);

        assertThat(receiptOf(allowed).status()).isEqualTo(ReceiptStatus.EXECUTED);
        assertThat(receiptOf(refused).status()).isEqualTo(ReceiptStatus.REFUSED);
        assertThat(recording.ran).containsExactly(allowed.id());
    }

    @Test
    void invalidArgumentsFailNamingTheProblems() throws Exception {
        Dispatcher d = start();
        Command missing = command("blackout", Target.all(), Map.of());
        Command wrongType = command("blackout", Target.all(), Map.of("seconds", "soon"));
        Command extra = command("record", Target.all(), Map.of("colour", "red"));
        Command fine = command("blackout", Target.all(), Map.of("seconds", "60"));
        run(d, missing, wrongType, extra, fine);

        assertThat(receiptOf(missing).status()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receiptOf(missing).detail()).contains("invalid arguments", "missing argument 'seconds'");
        assertThat(receiptOf(wrongType).detail()).contains("argument 'seconds' is not a whole number");
        assertThat(receiptOf(extra).detail()).contains("unknown argument 'colour'");
        assertThat(recording.ran).isEmpty();
        assertThat(receiptOf(fine).status()).isEqualTo(ReceiptStatus.EXECUTED);
        assertThat(receiptOf(fine).detail()).isEqualTo("dark for 60s");
    }

    @Test
    void problemsBeforeMiningIgnoreUnknownModules() {
        assertThat(Dispatcher.problems(command("teleport", Target.all(), Map.of("x", "y")), registry)).isEmpty();
        assertThat(Dispatcher.problems(command("blackout", Target.all(), Map.of("seconds", "10")), registry)).isEmpty();
        assertThat(Dispatcher.problems(command("blackout", Target.all(), Map.of("seconds", "ten")), registry))
                .containsExactly("argument 'seconds' is not a whole number");
    }

    // ------------------------------------------------------------------ execution

    @Test
    void aModuleThatLacksWhatItNeedsAnswersUnavailableNotExecuted() throws Exception {
        Dispatcher d = start();
        Command black = command("headless-only", Target.all(), Map.of());
        run(d, black);

        assertThat(receiptOf(black).status()).isEqualTo(ReceiptStatus.UNAVAILABLE);
        assertThat(receiptOf(black).detail()).isEqualTo("headless: no display to black out");
        assertThat(log.status(black.id())).contains(ReceiptStatus.UNAVAILABLE);
    }

    @Test
    void executedReceiptCarriesDetailServicesAndAttachment() throws Exception {
        users.set(Set.of("alice"));
        Dispatcher d = start();
        Command say = command("record", Target.all(), Map.of("text", "hello"));
        Command snap = command("snapshot", Target.all(), Map.of());
        Command sad = command("sad", Target.all(), Map.of());
        run(d, say, snap, sad);

        assertThat(receiptOf(say).status()).isEqualTo(ReceiptStatus.EXECUTED);
        assertThat(receiptOf(say).detail()).isEqualTo("said hello on desk-7 at " + identity.nodeId() + " for [alice]");
        assertThat(receiptOf(say).at()).isEqualTo(NOW);
        assertThat(receiptOf(snap).attachment()).isEqualTo(TestModules.Snapshot.THUMBNAIL);
        assertThat(receiptOf(sad).status()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receiptOf(sad).detail()).isEqualTo("no screen here");
        assertThat(log.status(say.id())).contains(ReceiptStatus.EXECUTED);
        assertThat(log.status(sad.id())).contains(ReceiptStatus.FAILED);
        assertThat(receiptCommands).containsExactly(say, snap, sad);
    }

    @Test
    void moduleThatThrowsFailsAndTheNextCommandStillRuns() throws Exception {
        Dispatcher d = start();
        Command boom = command("boom", Target.all(), Map.of());
        Command next = record(Target.all());
        run(d, boom, next);

        assertThat(receiptOf(boom).status()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receiptOf(boom).detail()).isEqualTo("java.lang.IllegalStateException: kaput");
        assertThat(receiptOf(next).status()).isEqualTo(ReceiptStatus.EXECUTED);
    }

    @Test
    void hungModuleTimesOutAndTheDispatcherMovesOn() throws Exception {
        Dispatcher d = start();
        Command hang = command("hang", Target.all(), Map.of());
        Command next = record(Target.all());
        long t0 = System.nanoTime();
        run(d, hang, next);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(receiptOf(hang).status()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receiptOf(hang).detail()).isEqualTo("timed out after 0.3s");
        assertThat(receiptOf(next).status()).isEqualTo(ReceiptStatus.EXECUTED);
        assertThat(took).as("took about the module's timeout, not its 10 s").isLessThan(Duration.ofSeconds(3));
        assertThat(hanging.interrupted.await(2, TimeUnit.SECONDS)).as("the module was interrupted").isTrue();

        // The first run still hangs: a second command of that module waits its own timeout, never overlaps.
        Command again = command("hang", Target.all(), Map.of());
        Command after = record(Target.all());
        run(d, again, after);
        assertThat(receiptOf(again).detail()).startsWith("timed out after 0.3s waiting for an earlier command");
        assertThat(hanging.started).containsExactly(hang.id());
        assertThat(receiptOf(after).status()).isEqualTo(ReceiptStatus.EXECUTED);
    }

    @Test
    void journalThatCannotRecordMeansTheCommandDoesNotRun() throws Exception {
        log.failing(true);
        Dispatcher d = start();
        Command c = record(Target.all());
        run(d, c);

        assertThat(receiptOf(c).status()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receiptOf(c).detail()).contains("not run", "journal", "disk full");
        assertThat(recording.ran).isEmpty();
    }

    // ------------------------------------------------------------------ at most once, order

    @Test
    void eachCommandRunsAtMostOnceAlsoAcrossARestart() throws Exception {
        Dispatcher first = start();
        Command c = record(Target.all());
        run(first, c, c);
        assertThat(recording.ran).containsExactly(c.id());
        assertThat(receipts).hasSize(1);
        first.close();

        Dispatcher restarted = start();
        Command fresh = record(Target.all());
        run(restarted, c, fresh);
        assertThat(recording.ran).containsExactly(c.id(), fresh.id());
        assertThat(receiptIds()).containsExactly(c.id(), fresh.id());
        assertThat(log.status(c.id())).contains(ReceiptStatus.EXECUTED);
    }

    @Test
    void chainOrderIsKept() throws Exception {
        Dispatcher d = start();
        List<Command> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(i % 7 == 3 ? command("boom", Target.all(), Map.of()) : record(Target.all()));
        }
        d.submit(batch.subList(0, 15));
        d.submit(batch.subList(15, 30));
        assertThat(d.awaitIdle(WAIT)).isTrue();

        assertThat(receiptIds()).containsExactlyElementsOf(batch.stream().map(Command::id).toList());
        assertThat(recording.ran).containsExactlyElementsOf(
                batch.stream().filter(c -> c.module().equals("record")).map(Command::id).toList());
    }

    // ------------------------------------------------------------------ receipts

    @Test
    void receiptsAreSignedAndTamperingShows() throws Exception {
        Dispatcher d = start();
        Command c = command("snapshot", Target.all(), Map.of());
        run(d, c);
        Receipt r = receiptOf(c);
        assertThat(r.peerKey()).isEqualTo(identity.publicKey());
        assertThat(ReceiptSigner.verify(r)).isTrue();

        Receipt otherStatus = new Receipt(r.commandId(), r.peerId(), r.peerKey(), ReceiptStatus.FAILED, r.detail(), r.at(),
                r.attachment(), r.signature());
        Receipt otherDetail = new Receipt(r.commandId(), r.peerId(), r.peerKey(), r.status(), r.detail() + "!", r.at(),
                r.attachment(), r.signature());
        Receipt noAttachment = new Receipt(r.commandId(), r.peerId(), r.peerKey(), r.status(), r.detail(), r.at(),
                null, r.signature());
        byte[] flipped = r.signature();
        flipped[5] ^= 1;
        Receipt badSignature = new Receipt(r.commandId(), r.peerId(), r.peerKey(), r.status(), r.detail(), r.at(),
                r.attachment(), flipped);
        Receipt unsigned = new Receipt(r.commandId(), r.peerId(), r.peerKey(), r.status(), r.detail(), r.at(),
                r.attachment(), null);
        assertThat(ReceiptSigner.verify(otherStatus)).isFalse();
        assertThat(ReceiptSigner.verify(otherDetail)).isFalse();
        assertThat(ReceiptSigner.verify(noAttachment)).isFalse();
        assertThat(ReceiptSigner.verify(badSignature)).isFalse();
        assertThat(ReceiptSigner.verify(unsigned)).isFalse();
    }

    @Test
    void receiptSignedByAnotherKeyThanItsPeerIdDoesNotVerify() {
        NodeIdentity mallory = NodeIdentity.generate(new SecureRandom());
        ReceiptSigner malloryS = new ReceiptSigner(mallory);
        Receipt own = malloryS.sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "ok", NOW, null);
        assertThat(ReceiptSigner.verify(own)).isTrue();

        // Claims to come from our peer but is signed (validly) by mallory's key.
        Receipt claimed = new Receipt(own.commandId(), identity.nodeId(), mallory.publicKey(), own.status(), own.detail(),
                own.at(), null, own.signature());
        assertThat(ReceiptSigner.verify(claimed)).isFalse();
        NodeKey ours = identity.publicKey();
        Receipt swappedKey = new Receipt(own.commandId(), own.peerId(), ours, own.status(), own.detail(), own.at(), null,
                own.signature());
        assertThat(ReceiptSigner.verify(swappedKey)).isFalse();
        assertThatThrownBy(() -> malloryS.sign(claimed)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void closeStopsItsThreadsAndRefusesMoreWork() throws Exception {
        Dispatcher d = start();
        run(d, record(Target.all()));
        List<Thread> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("classchain-dispatch-" + identity.nodeId())
                        || t.getName().startsWith("classchain-module-" + identity.nodeId() + "-"))
                .toList();
        assertThat(ours).extracting(Thread::getName).contains("classchain-dispatch-" + identity.nodeId());
        d.close();
        for (Thread t : ours) {
            t.join(2000);
            assertThat(t.isAlive()).as(t.getName() + " stopped").isFalse();
        }
        assertThatThrownBy(() -> d.submit(List.of(record(Target.all())))).isInstanceOf(IllegalStateException.class);
        d.close(); // idempotent
    }

    @Test
    void builderNamesAMissingSetting() {
        assertThatThrownBy(() -> Dispatcher.builder().identity(identity).build())
                .isInstanceOf(NullPointerException.class).hasMessage("role");
    }
}
