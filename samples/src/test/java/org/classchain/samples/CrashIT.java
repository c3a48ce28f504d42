package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.classchain.Command;
import org.classchain.PeerStatus;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.store.Journal;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crashes with real processes: the teacher's peer stays up while a student's peer is killed with
 * SIGKILL at random moments (now and then while it is still starting), {@code -Dclasschain.crashRuns} times (3 in {@code mvn verify}, 50 in
 * the {@code long} profile), as commands are submitted in a loop; it is restarted on the same
 * data dir each time. Checked after every kill: {@code classchain verify} on the killed peer's
 * dir exits 0, or exits 2 reporting only a torn last record (an incomplete header or payload at
 * the end of the block log: what a kill mid-append leaves, dropped at the next start; a CRC
 * mismatch or an invalid block would fail); every block the student logged as appended (it logs
 * "block #H HASH" after the fsync) is on the chain verify reads; the peer always starts again;
 * and, at the end, no command ran twice there (each command's unique text appears at most once in
 * its notices.txt), and every accepted command ran there except one that a kill interrupted while
 * it ran (begun in the journal, never completed: at most once means it never runs again).
 */
class CrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashIT.class);
    private static final Pattern APPENDED = Pattern.compile("block #(\\d+) ([0-9a-f]{12}) with \\d+ command");
    private static final Pattern TORN = Pattern.compile("DAMAGED: record \\d+ at offset \\d+ is damaged "
            + "\\(incomplete (header|payload)[^)]*\\)");

    @TempDir
    Path tmp;

    @Test
    @Timeout(1800)
    void aStudentKilledAtRandomMomentsLosesNoStoredBlockAndRunsNothingTwice() throws Exception {
        int runs = Integer.getInteger("classchain.crashRuns", 3);
        long seed = Long.getLong("classchain.seed", System.nanoTime());
        LOG.info("crash test: {} kills, seed {} (replay the kill timing with -Dclasschain.seed={})", runs, seed, seed);
        Random random = new Random(seed);
        Path pw = tmp.resolve("pw.txt");
        Files.writeString(pw, "a teacher's secret\n");
        try (PeerProcesses procs = new PeerProcesses(tmp);
             JettyTransport transport = JettyTransport.builder().build()) {
            PeerProcesses.Running teacher = procs.peer("teacher", Duration.ofSeconds(60), "--user", "teacher",
                    "--password-file", pw.toString());
            PeerProcesses.Running student = procs.peer("student", Duration.ofSeconds(60), "--seed", teacher.url());
            String studentId = student.nodeId();

            TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(10));
            assertThat(client.signIn(teacher.url(), "teacher", "a teacher's secret"))
                    .isInstanceOf(Message.AuthConfirmed.class);
            Map<UUID, String> accepted = Collections.synchronizedMap(new LinkedHashMap<>());
            AtomicBoolean stop = new AtomicBoolean();
            Thread submitter = new Thread(() -> {
                int n = 0;
                while (!stop.get()) {
                    String text = "crash-test " + (++n) + " " + UUID.randomUUID();
                    Command c = Command.create("message", Target.all(), Map.of("text", text), Instant.now(),
                            Duration.ofMinutes(30));
                    try {
                        if (client.submit(teacher.url(), List.of(c)) instanceof Message.Submitted) {
                            accepted.put(c.id(), text);
                        }
                        Thread.sleep(50 + random.nextInt(150));
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        LOG.warn("submit failed: {}", e.toString());
                    }
                }
            }, "test-submitter");
            submitter.start();

            int torn = 0;
            int early = 0;
            Process current = student.process();
            boolean started = true;
            for (int kill = 1; kill <= runs; kill++) {
                // a started peer some time after it started; a starting one during JVM start-up,
                // opening its data dir or catching up
                Thread.sleep(started ? 300 + random.nextInt(2200) : 100 + random.nextInt(900));
                current.destroyForcibly().waitFor();
                List<String[]> logged = appendedBlocks(procs.log("student"));
                PeerProcesses.Result verify = procs.run(Duration.ofSeconds(60), "verify", "--data-dir",
                        procs.dataDir("student").toString());
                LOG.info("kill {}{}: verify exited {}: {}", kill, started ? "" : " (while starting)", verify.exit(),
                        lastLines(verify.output(), 2));
                if (verify.exit() == 2) {
                    torn++;
                    assertThat(verify.output()).as("kill %d: only a torn last record may be damaged", kill)
                            .containsPattern(TORN).doesNotContain("INVALID").doesNotContain("WARNING");
                } else {
                    assertThat(verify.exit()).as("kill %d: verify: %s", kill, verify.output()).isZero();
                }
                for (String[] b : logged) {
                    assertThat(verify.output()).as("kill %d: block #%s %s that the student logged as stored", kill,
                            b[0], b[1]).contains("#" + b[0] + " " + b[1] + " ");
                }
                long logHeight = logged.stream().mapToLong(b -> Long.parseLong(b[0])).max().orElse(0);
                if (kill < runs && random.nextInt(4) == 0) {
                    early++;
                    current = procs.launch("student", "--seed", teacher.url());
                    started = false;
                } else {
                    student = procs.peer("student", Duration.ofSeconds(60), "--seed", teacher.url());
                    current = student.process();
                    started = true;
                    assertThat(student.nodeId()).isEqualTo(studentId);
                    PeerStatus after = client.status(student.url());
                    assertThat(after.height()).as("kill %d: height after restart", kill)
                            .isGreaterThanOrEqualTo(logHeight);
                }
            }
            stop.set(true);
            submitter.interrupt();
            submitter.join(30_000);

            // converge, then stop the student gracefully and read its journal and notices
            PeerStatus t = client.status(teacher.url());
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!client.status(student.url()).headHash().equals(t.headHash())
                    || notices(procs.dataDir("student")).size() + runs < accepted.size()) {
                assertThat(System.nanoTime()).as("the student catches up with the teacher").isLessThan(end);
                Thread.sleep(200);
                t = client.status(teacher.url());
            }
            Thread.sleep(1000);
            student.process().destroy(); // SIGTERM: the shutdown hook closes the peer
            assertThat(student.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            Map<String, Integer> lines = notices(procs.dataDir("student"));
            assertThat(lines.entrySet()).as("texts shown more than once").allMatch(e -> e.getValue() == 1);
            int interrupted = 0;
            try (Journal journal = Journal.open(procs.dataDir("student"))) {
                for (Map.Entry<UUID, String> e : accepted.entrySet()) {
                    if (!lines.containsKey(e.getValue())) {
                        assertThat(journal.seen(e.getKey()) && journal.outcome(e.getKey()).isEmpty())
                                .as("command %s never ran at the student and was not interrupted by a kill", e.getKey())
                                .isTrue();
                        interrupted++;
                    }
                }
            }
            assertThat(interrupted).isLessThanOrEqualTo(runs);
            String summary = "crash test: " + runs + " SIGKILLs survived (" + early + " while starting; seed " + seed
                    + "); " + accepted.size()
                    + " commands accepted, each run at most once, " + interrupted + " interrupted by a kill; verify "
                    + "reported a torn last record after " + torn + " kill(s), nothing else";
            LOG.info(summary);
            System.out.println(summary);
        }
    }

    /** Height and short hash of each block the peer logged as appended, in log order. */
    private static List<String[]> appendedBlocks(Path log) throws java.io.IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = APPENDED.matcher(line);
            if (m.find()) {
                out.add(new String[] {m.group(1), m.group(2)});
            }
        }
        return out;
    }

    /** How many times each notice text appears in the data dir's notices.txt. */
    private static Map<String, Integer> notices(Path dataDir) throws java.io.IOException {
        Map<String, Integer> count = new HashMap<>();
        Path file = dataDir.resolve("notices.txt");
        if (!Files.exists(file)) {
            return count;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int at = line.indexOf("crash-test ");
            if (at >= 0) {
                count.merge(line.substring(at), 1, Integer::sum);
            }
        }
        return count;
    }

    private static String lastLines(String text, int n) {
        List<String> l = text.lines().toList();
        return String.join(" | ", l.subList(Math.max(0, l.size() - n), l.size()));
    }
}
