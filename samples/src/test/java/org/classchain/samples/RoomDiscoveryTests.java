package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.classchain.Role;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A room found by its name: real peers over Jetty on 127.0.0.1, started as the launcher's
 * {@code peer} command starts them, with the rooms advertised in the directory a subclass gives
 * (DNS-SD on the loopback interface, or in memory). Each run uses a room name of its own, so that
 * two builds on one machine do not meet.
 */
@Timeout(240)
abstract class RoomDiscoveryTests {

    /** A directory on the test's network (as {@link MdnsRoomDirectory#open}). */
    abstract RoomDirectory directory(String name) throws java.io.IOException;

    /** What {@code classchain rooms} prints on the test's network. */
    abstract String roomsListing() throws Exception;

    /** Extra options of every peer. */
    List<String> peerOptions() {
        return List.of();
    }

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private String room;
    private Path passwordFile;

    @BeforeEach
    void setUp() throws Exception {
        byte[] suffix = new byte[3];
        new java.security.SecureRandom().nextBytes(suffix);
        room = "Room 101 " + HexFormat.of().formatHex(suffix);
        passwordFile = tmp.resolve("pw.txt");
        Files.writeString(passwordFile, "correct horse battery\n");
    }

    /** Closes every peer at once: each withdraws its advertisement, which JmDNS takes seconds to say goodbye to. */
    @AfterEach
    void closeAll() {
        CompletableFuture.allOf(open.stream().map(c -> CompletableFuture.runAsync(() -> {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).toArray(CompletableFuture[]::new)).join();
    }

    @Test
    void aTeacherAndThreeStudentsWithOnlyTheRoomsNameFormOneChainAndRoomsListsIt() throws Exception {
        PeerCommand.Running teacher = peer("teacher", teacherArgs());
        List<PeerCommand.Running> students = threeStudents();
        String chain = teacher.peer().chain().chainId();
        for (PeerCommand.Running s : students) {
            assertThat(s.peer().chain().chainId()).isEqualTo(chain);
            assertThat(s.peer().role()).isEqualTo(Role.STUDENT);
            RoomPin pin = RoomPin.read(tmp.resolve(dirOf(s))).orElseThrow();
            assertThat(pin.chainId()).isEqualTo(chain);
            assertThat(pin.genesis()).isEqualTo(teacher.peer().chain().genesis().hash().hex());
            assertThat(pin.teacherKey()).isEqualTo(teacher.peer().status().publicKey().hex());
        }
        until("the teacher has the three students as neighbours", () -> teacher.peer().status().neighbours()
                .containsAll(students.stream().map(s -> s.peer().address()).toList()));
        until("every student is with the teacher", () -> students.stream()
                .allMatch(s -> s.keeper().status().equals(RoomKeeper.WITH_TEACHER)));
        assertThat(teacher.keeper().status()).isEqualTo(RoomKeeper.TEACHING);

        String listed = roomsListing();
        String line = listed.lines().filter(l -> l.startsWith(room)).findFirst().orElseThrow(() ->
                new AssertionError("rooms did not list " + room + ":\n" + listed));
        assertThat(line).contains(chain).contains(teacher.peer().address().substring("http://".length()))
                .endsWith(" 4");
    }

    @Test
    void pinnedStudentsRefuseAStudentsChainCalledLikeTheRoomAndNewcomersRefuseToGuess() throws Exception {
        PeerCommand.Running teacher = peer("teacher", teacherArgs());
        List<PeerCommand.Running> students = threeStudents();
        String chain = teacher.peer().chain().chainId();

        // the attack: a student starts a chain of their own and advertises it as the room, as a script would
        PeerCommand.Running rogue = peer("rogue", "--user", "mallory", "--password-file", passwordFile.toString());
        Peer mallory = rogue.peer();
        assertThat(mallory.chain().chainId()).isNotEqualTo(chain);
        RoomDirectory fake = directory("mallory");
        open.add(fake);
        fake.advertise(new RoomAd(room, mallory.chain().chainId(), mallory.chain().genesis().hash().hex(), Role.TEACHER,
                mallory.nodeId(), mallory.address()));

        until("every pinned student refused the rogue advertisement", () -> students.stream()
                .allMatch(s -> s.keeper().refused().contains(mallory.nodeId())));
        for (PeerCommand.Running s : students) {
            assertThat(s.peer().chain().chainId()).isEqualTo(chain);
            assertThat(s.peer().status().neighbours()).doesNotContain(mallory.address());
            assertThat(s.keeper().status()).isEqualTo(RoomKeeper.WITH_TEACHER);
        }
        assertThat(mallory.status().neighbours()).as("no student ever greeted the rogue peer").isEmpty();

        // a computer that never joined sees two chains under the name: it refuses to guess and says so
        until("a fresh listener sees both chains", this::twoChainsSeen);
        assertThatThrownBy(() -> peer("newcomer", "--room", room))
                .hasMessageContaining("2 chains are advertised as room '" + room + "'")
                .hasMessageContaining("refuses to guess").hasMessageContaining("chain=");
        assertThat(tmp.resolve("newcomer").resolve(RoomPin.FILE_NAME)).doesNotExist();
        // unless the admin pinned the teacher's chain in its settings
        Files.createDirectories(tmp.resolve("pinned"));
        Files.writeString(tmp.resolve("pinned").resolve(PeerSettings.FILE_NAME), "room=" + room + "\nchain=" + chain + "\n");
        PeerCommand.Running admitted = peer("pinned");
        assertThat(admitted.peer().chain().chainId()).isEqualTo(chain);
        assertThat(mallory.status().neighbours()).isEmpty();
    }

    @Test
    void aTeacherWhoLeavesStopsAdvertisingAndStudentsWaitForTheTeacherUntilItIsBack() throws Exception {
        PeerCommand.Running teacher = peer("teacher", teacherArgs());
        List<PeerCommand.Running> students = threeStudents();
        String teacherNode = teacher.peer().nodeId();
        RoomDirectory watcher = directory("watcher");
        open.add(watcher);
        until("the watcher sees the teacher", () -> watcher.seen().stream().anyMatch(a -> a.nodeId().equals(teacherNode)));

        open.remove(teacher);
        teacher.close();
        until("the teacher's advertisement is withdrawn", () -> watcher.seen().stream()
                .noneMatch(a -> a.nodeId().equals(teacherNode)));
        until("every student waits for the teacher", () -> students.stream()
                .allMatch(s -> s.keeper().status().equals(RoomKeeper.WAITING)));
        until("classchain status says so", () -> stdoutOf("status", "--peer", students.get(0).peer().address())
                .contains("teacher:    " + RoomKeeper.WAITING));
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .noneMatch(n -> n.equals("classchain-room-" + teacherNode.substring(0, 8)));

        // a computer that never joined finds the room through any member that answers: here, the students
        PeerCommand.Running latecomer = peer("latecomer", "--room", room);
        assertThat(latecomer.peer().chain().chainId()).isEqualTo(students.get(0).peer().chain().chainId());
        until("the latecomer waits for the teacher", () -> latecomer.keeper().status().equals(RoomKeeper.WAITING));
        students.add(latecomer);

        // the laptop is back in the room (another port: another address); the students find it by its name
        PeerCommand.Running back = peer("teacher", teacherArgs());
        assertThat(back.peer().nodeId()).isEqualTo(teacherNode);
        until("every student is with the teacher again", () -> students.stream()
                .allMatch(s -> s.keeper().status().equals(RoomKeeper.WITH_TEACHER)));
        until("the teacher has its students again", () -> back.peer().status().neighbours()
                .containsAll(students.stream().map(s -> s.peer().address()).toList()));
        until("classchain status names the teacher again", () -> stdoutOf("status", "--peer",
                students.get(0).peer().address()).contains("teacher:    with the teacher at " + back.peer().address()));
    }

    private boolean twoChainsSeen() {
        try (RoomDirectory look = directory("look")) {
            Thread.sleep(1500); // the answers to the query sent at its start, as a newcomer waits for them
            return look.seen().stream().filter(a -> a.isOf(room)).map(RoomAd::genesis).distinct().count() == 2;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The teacher's first start in the room (and every later one: the same command line). */
    private String[] teacherArgs() {
        return new String[] {"--room", room, "--create-room", "--user", "teacher", "--password-file",
                passwordFile.toString()};
    }

    private List<PeerCommand.Running> threeStudents() throws Exception {
        List<CompletableFuture<PeerCommand.Running>> starting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String name = "student" + i;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return peer(name, "--room", room);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<PeerCommand.Running> out = new ArrayList<>();
        for (CompletableFuture<PeerCommand.Running> f : starting) {
            out.add(f.get());
        }
        return out;
    }

    private final java.util.Map<PeerCommand.Running, String> dirs = new java.util.concurrent.ConcurrentHashMap<>();

    private String dirOf(PeerCommand.Running r) {
        return dirs.get(r);
    }

    /** Starts {@code classchain peer --data-dir TMP/NAME --port 0 --host 127.0.0.1 ARGS} in this JVM. */
    private PeerCommand.Running peer(String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--data-dir", tmp.resolve(name).toString(), "--port", "0",
                "--host", "127.0.0.1", "--difficulty", "8", "--join-timeout", "60s"));
        all.addAll(peerOptions());
        all.addAll(List.of(args));
        PeerCommand cmd = new PeerCommand();
        cmd.roomDirectories = (address, machine) -> directory(machine);
        new CommandLine(cmd).parseArgs(all.toArray(String[]::new));
        PeerCommand.Running r = cmd.start();
        synchronized (open) {
            open.add(r);
        }
        dirs.put(r, name);
        return r;
    }

    static String stdoutOf(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(ClassChainCli.run(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(60), condition);
    }
}
